import { INSTRUMENT_LABEL } from '@tracseq/contract';
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

/**
 * One silence per maintenance window of the lab settings that has not ended at `now`, matching
 * the `instrument` label the operational alerts carry (and `lab` when the window names one).
 * Pure.
 */
export function buildSilences(inputs: LabAlertInputs, now: Date): Silence[] {
  return inputs.maintenanceWindows
    .filter((window) => window.end.getTime() > now.getTime())
    .map((window) => ({
      matchers: [
        equal(INSTRUMENT_LABEL, window.instrument),
        ...(window.lab === undefined ? [] : [equal('lab', window.lab)]),
      ],
      startsAt: window.start.toISOString(),
      endsAt: window.end.toISOString(),
      createdBy: SILENCE_AUTHOR,
      comment: `Maintenance of ${window.instrument}${window.reason ? `: ${window.reason}` : ''} (${inputs.source})`,
    }));
}
