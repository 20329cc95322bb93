/** Stands for an unset part of a breaker key. */
export const WILDCARD = '*';

/** The parts of a breaker key; unset parts match any value. */
export interface BreakerKey {
  readonly lab?: string;
  readonly instrument?: string;
  readonly operation?: string;
}

/**
 * The breaker name `<lab>/<instrument>/<operation>`, `*` for an unset part; this is the value
 * of the `breaker` label on every breaker metric.
 */
export function breakerName(key: BreakerKey): string {
  const parts = [key.lab, key.instrument, key.operation].map((part) => {
    if (part === undefined || part === '') return WILDCARD;
    if (part.includes('/')) throw new Error(`breaker key part "${part}" must not contain "/"`);
    return part;
  });
  return parts.join('/');
}
