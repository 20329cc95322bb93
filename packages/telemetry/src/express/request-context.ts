import { type Context, createContextKey, ROOT_CONTEXT, type Span, trace } from '@opentelemetry/api';
import { REQUEST_STATE_KEY, type RequestState } from './request-state.js';

/**
 * The key under which the OTel API keeps a context's span (`trace.setSpan`/`trace.getSpan`):
 * `createContextKey` is `Symbol.for(description)`, so the same description gives the same key.
 */
const SPAN_KEY = createContextKey('OpenTelemetry Context Key SPAN');

/** `parent` plus one value: what `parent.setValue(key, value)` means, as one small object. */
class LinkedContext implements Context {
  readonly #parent: Context;
  readonly #key: symbol;
  readonly #value: unknown;

  constructor(parent: Context, key: symbol, value: unknown) {
    this.#parent = parent;
    this.#key = key;
    this.#value = value;
  }

  getValue(key: symbol): unknown {
    return key === this.#key ? this.#value : this.#parent.getValue(key);
  }

  setValue(key: symbol, value: unknown): Context {
    return new LinkedContext(this, key, value);
  }

  deleteValue(key: symbol): Context {
    // An undefined value hides the parent's, which is what a deleted key reads as.
    return new LinkedContext(this, key, undefined);
  }
}

/** The context a request's handlers run in: the caller's context, the request's span and its state. */
class RequestContext implements Context {
  readonly #parent: Context;
  readonly #span: Span;
  readonly #state: RequestState;

  constructor(parent: Context, span: Span, state: RequestState) {
    this.#parent = parent;
    this.#span = span;
    this.#state = state;
  }

  getValue(key: symbol): unknown {
    if (key === SPAN_KEY) return this.#span;
    if (key === REQUEST_STATE_KEY) return this.#state;
    return this.#parent.getValue(key);
  }

  setValue(key: symbol, value: unknown): Context {
    return new LinkedContext(this, key, value);
  }

  deleteValue(key: symbol): Context {
    return new LinkedContext(this, key, undefined);
  }
}

/** Whether the API reads spans under {@link SPAN_KEY} (checked once; the fallback is the API's own path). */
const SPAN_KEY_HOLDS = (() => {
  const probe = trace.wrapSpanContext({
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceFlags: 0,
  });
  return (
    trace.getSpan(ROOT_CONTEXT.setValue(SPAN_KEY, probe)) === probe &&
    trace.setSpan(ROOT_CONTEXT, probe).getValue(SPAN_KEY) === probe
  );
})();

/**
 * The request's context: `parent` with `span` as its span (as `trace.setSpan` sets it) and the
 * request's {@link RequestState}. One object instead of the API's two context copies (each a
 * `Map` copy and three closures); contexts derived from it (child spans, baggage) chain to it.
 */
export function requestContext(parent: Context, span: Span, state: RequestState): Context {
  if (!SPAN_KEY_HOLDS) return trace.setSpan(parent, span).setValue(REQUEST_STATE_KEY, state);
  return new RequestContext(parent, span, state);
}
