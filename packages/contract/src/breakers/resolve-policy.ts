import { isRecurring, type MaintenancePlan } from '../maintenance/maintenance-window.js';
import type { BreakerKey } from './breaker-name.js';
import type { BreakerConfig, BreakerPolicy } from './breaker-policy.js';

// Operation outranks instrument, instrument outranks lab: a rule naming the operation is the
// most specific description of a call.
const WEIGHT = { operation: 4, instrument: 2, lab: 1 } as const;

/** How specific a rule's match is: operation outranks instrument, which outranks lab. */
export function matchSpecificity(match: BreakerKey): number {
  let score = 0;
  for (const part of ['lab', 'instrument', 'operation'] as const) {
    if (match[part] !== undefined) score += WEIGHT[part];
  }
  return score;
}

/**
 * The policy of the most specific rule matching `key` (operation, then instrument, then lab),
 * or the defaults. A rule matches when every part it names equals the key's; among equally
 * specific rules the first listed wins. Instrument maintenance windows naming the key's
 * instrument (and lab, when they give one) are added to the policy's own windows.
 */
export function resolvePolicy(config: BreakerConfig, key: BreakerKey): BreakerPolicy {
  let best: { score: number; policy: BreakerPolicy } | undefined;
  for (const rule of config.rules) {
    let score = 0;
    let matches = true;
    for (const part of ['lab', 'instrument', 'operation'] as const) {
      const wanted = rule.match[part];
      if (wanted === undefined) continue;
      if (wanted !== key[part]) {
        matches = false;
        break;
      }
      score += WEIGHT[part];
    }
    if (matches && (best === undefined || score > best.score)) best = { score, policy: rule.policy };
  }
  const policy = best?.policy ?? config.defaults;
  const windows = config.maintenanceWindows.filter(
    (w) => w.instrument === key.instrument && (w.lab === undefined || w.lab === key.lab),
  );
  if (windows.length === 0) return policy;
  return {
    ...policy,
    maintenance: [
      ...policy.maintenance,
      ...windows.map(
        (w): MaintenancePlan => (isRecurring(w) ? w : { start: w.start, end: w.end, reason: w.reason }),
      ),
    ],
  };
}
