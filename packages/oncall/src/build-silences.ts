import { INSTRUMENT_LABEL, isRecurring } from '@tracseq/contract';
import type { LabAlertInputs } from './lab-alert-inputs.js';

/** A matcher of the Alertmanager API v2. */
export interface SilenceMatcher {
  readonly name: string;
  readonly value: string;
  readonly isRegex: boolean;
  readonly isEqual: boolean;
}

/** A silence as the Alertmanager API v2 (`POST /api/v2/silences`) takes it. */
export interface Silence {
  readonly matchers: readonly SilenceMatcher[];
  readonly startsAt: string;
  readonly endsAt: string;
  readonly createdBy: string;
  readonly comment: string;
}

/** `createdBy` of every silence this package makes, so re-running finds its own. */
export const SILENCE_AUTHOR = 'tracseq-slo';

function equal(name: string, value: string): SilenceMatcher {
  return { name, value, isRegex: false, isEqual: true };
}

/** How far ahead `tracseq-slo silences` creates silences for recurring windows by default. */
export const DEFAULT_SILENCE_HORIZON_MS = 7 * 24 * 60 * 60 * 1000;

/**
 * One silence per maintenance window of the lab settings that has not ended at `now`, and per
 * occurrence of a recurring window overlapping [`now`, `now + horizonMs`), matching the
 * `instrument` label the operational alerts carry (and `lab` when the window names one). One-off
 * windows are silenced whatever their distance (they were typed in on purpose); a recurring
 * schedule has no end, so only its next occurrences are, and a daily run keeps the horizon
 * covered. Identical silences are given once. Pure.
 */
export function buildSilences(
  inputs: LabAlertInputs,
  now: Date,
  horizonMs: number = DEFAULT_SILENCE_HORIZON_MS,
): Silence[] {
  const at = now.getTime();
  const silences: Silence[] = [];
  const seen = new Set<string>();
  for (const plan of inputs.maintenanceWindows) {
    const windows = isRecurring(plan)
      ? plan.occurrencesBetween(at, at + horizonMs)
      : plan.end.getTime() > at
        ? [plan]
        : [];
    for (const window of windows) {
      const silence: Silence = {
        matchers: [
          equal(INSTRUMENT_LABEL, plan.instrument),
          ...(plan.lab === undefined ? [] : [equal('lab', plan.lab)]),
        ],
        startsAt: window.start.toISOString(),
        endsAt: window.end.toISOString(),
        createdBy: SILENCE_AUTHOR,
        comment: `Maintenance of ${plan.instrument}${window.reason ? `: ${window.reason}` : ''} (${inputs.source})`,
      };
      const key = JSON.stringify(silence);
      if (seen.has(key)) continue;
      seen.add(key);
      silences.push(silence);
    }
  }
  return silences;
}
