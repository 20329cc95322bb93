// Fault injection shared by the example services (not a package: both import this file).
/** Faults an example service can be told to inject (by the load generator or the demo). */
export interface Faults {
  /** Share of API requests answered 503. */
  errorRatio: number;
  /** Added latency per API request, ms. */
  latencyMs: number;
}

/** No faults. */
export const NO_FAULTS: Faults = { errorRatio: 0, latencyMs: 0 };

/** Validates a fault request body; returns the faults or a message for a 400. */
export function parseFaults(body: unknown, current: Faults): Faults | string {
  if (body === null || typeof body !== 'object') return 'body must be a JSON object';
  const b = body as Record<string, unknown>;
  const next = { ...current };
  if (b.errorRatio !== undefined) {
    if (typeof b.errorRatio !== 'number' || b.errorRatio < 0 || b.errorRatio > 1)
      return 'errorRatio must be a number from 0 to 1';
    next.errorRatio = b.errorRatio;
  }
  if (b.latencyMs !== undefined) {
    if (typeof b.latencyMs !== 'number' || b.latencyMs < 0 || b.latencyMs > 60_000)
      return 'latencyMs must be 0..60000';
    next.latencyMs = b.latencyMs;
  }
  return next;
}
