import {
  type Context,
  context,
  propagation,
  type TextMapGetter,
  type TextMapSetter,
} from '@opentelemetry/api';
import { withoutInvalidTenant } from './tenant-baggage.js';

/** Message headers as event buses hand them over: strings, string lists or raw bytes (Kafka). */
export type MessageHeaderCarrier = Readonly<
  Record<string, string | readonly string[] | Uint8Array | undefined>
>;

const setter: TextMapSetter<Record<string, string>> = {
  set(carrier, key, value) {
    carrier[key] = value;
  },
};

function headerValue(raw: MessageHeaderCarrier[string]): string | string[] | undefined {
  if (raw === undefined || typeof raw === 'string') return raw;
  if (raw instanceof Uint8Array) return Buffer.from(raw).toString('utf8');
  return [...raw];
}

/** Case-insensitive lookup: brokers and HTTP bridges do not agree on header case. */
const getter: TextMapGetter<MessageHeaderCarrier> = {
  keys: (carrier) => Object.keys(carrier),
  get(carrier, key) {
    if (key in carrier) return headerValue(carrier[key]);
    const wanted = key.toLowerCase();
    for (const name of Object.keys(carrier)) {
      if (name.toLowerCase() === wanted) return headerValue(carrier[name]);
    }
    return undefined;
  },
};

/**
 * Writes `traceparent`/`tracestate` and `baggage` for `ctx` (default: the active context) into
 * `carrier`, so the consumer of a message continues the producer's trace. Uses the global
 * propagator that {@link createTracing} registers; without one it writes nothing.
 *
 * @returns `carrier`, for chaining into a publish call.
 */
export function injectHeaders(
  carrier: Record<string, string>,
  ctx: Context = context.active(),
): Record<string, string> {
  propagation.inject(ctx, carrier, setter);
  return carrier;
}

/**
 * Reads trace context and baggage from message headers into a context derived from `ctx`
 * (default: the active context). Run the consumer's work inside it, e.g.
 * `context.with(extractContext(message.headers), () => tracer.startActiveSpan(...))`, so its
 * spans join the producer's trace. Header names match case-insensitively. A `tracseq.tenant_id`
 * baggage entry that breaks the tenant rule (1-64 characters of `A-Za-z0-9._-`) is left out.
 */
export function extractContext(carrier: MessageHeaderCarrier, ctx: Context = context.active()): Context {
  return withoutInvalidTenant(propagation.extract(ctx, carrier, getter));
}
