import { type Context, context, propagation } from '@opentelemetry/api';
import { TENANT_ID_PATTERN } from '@tracseq/contract';

/** Baggage entry carrying the validated tenant id. */
export const TENANT_BAGGAGE_KEY = 'tracseq.tenant_id';

/** Whether `value` is a tenant id the toolkit accepts: 1-64 characters of `A-Za-z0-9._-`. */
export function isValidTenant(value: unknown): value is string {
  return typeof value === 'string' && TENANT_ID_PATTERN.test(value);
}

/** `ctx` with `tenant` (already validated) as the tenant baggage entry. */
export function withTenant(ctx: Context, tenant: string): Context {
  const baggage = propagation.getBaggage(ctx) ?? propagation.createBaggage();
  return propagation.setBaggage(ctx, baggage.setEntry(TENANT_BAGGAGE_KEY, { value: tenant }));
}

/**
 * `ctx` without a tenant baggage entry that breaks the tenant header's rule. Baggage arrives from
 * callers (HTTP `baggage` header, message headers) and is user input like the header itself; an
 * invalid value is ignored as the header's would be, so it reaches neither logs, metrics nor the
 * next service.
 */
export function withoutInvalidTenant(ctx: Context): Context {
  const baggage = propagation.getBaggage(ctx);
  const entry = baggage?.getEntry(TENANT_BAGGAGE_KEY);
  if (baggage === undefined || entry === undefined || isValidTenant(entry.value)) return ctx;
  return propagation.setBaggage(ctx, baggage.removeEntry(TENANT_BAGGAGE_KEY));
}

/** The tenant of `ctx` (default: the active context), when valid; for the log line mixin. */
export function activeTenant(ctx: Context = context.active()): string | undefined {
  const value = propagation.getBaggage(ctx)?.getEntry(TENANT_BAGGAGE_KEY)?.value;
  return isValidTenant(value) ? value : undefined;
}
