import type { BreakerKey } from './breaker-name.js';
import type { BreakerConfig, BreakerPolicy } from './breaker-policy.js';
import { matchSpecificity } from './resolve-policy.js';

/**
 * The breakers one critical policy governs, as RE2 patterns over the `breaker` label: names
 * matching `include` and none of `exclude` (the more specific, or earlier equally specific,
 * rules that would win for them).
 */
export interface CriticalBreakerSelector {
  readonly include: string;
  readonly exclude: readonly string[];
  /** Open (or half-open) longer than this raises the stuck-open alert. */
  readonly openAlertAfterMs: number;
  /** The rule's match; empty for the defaults. */
  readonly match: BreakerKey;
}

const RE2_SPECIAL = /[.*+?^${}()|[\]\\]/g;

function partPattern(part: string | undefined): string {
  // An unset rule part matches any name, including the `*` an unset key part is spelled as.
  return part === undefined ? '[^/]*' : part.replace(RE2_SPECIAL, '\\$&');
}

/** RE2 pattern of the breaker names (`<lab>/<instrument>/<operation>`) a rule's match covers. */
export function breakerNamePattern(match: BreakerKey): string {
  return [match.lab, match.instrument, match.operation].map(partPattern).join('/');
}

/**
 * One selector per enabled critical policy (rules, then the defaults when they are critical),
 * so an alert can tell critical breakers apart by name alone — the same precedence as
 * `resolvePolicy`, expressed as label patterns.
 */
export function criticalBreakerSelectors(config: BreakerConfig): CriticalBreakerSelector[] {
  const entries: { match: BreakerKey; policy: BreakerPolicy }[] = [
    ...config.rules,
    { match: {}, policy: config.defaults },
  ];
  return entries.flatMap(({ match, policy }, index) => {
    if (!policy.critical || !policy.enabled) return [];
    const score = matchSpecificity(match);
    const exclude = entries
      .filter((other, i) => {
        const otherScore = matchSpecificity(other.match);
        return i !== index && (otherScore > score || (otherScore === score && i < index));
      })
      .map((other) => breakerNamePattern(other.match));
    return [
      {
        include: breakerNamePattern(match),
        exclude: [...new Set(exclude)],
        openAlertAfterMs: policy.openAlertAfterMs,
        match,
      },
    ];
  });
}
