import { parseDuration, SLO_HELPER_WINDOW } from '@tracseq/contract';
import { alertWindows, recordedWindows, type WindowPair } from '../alerting/alert-windows.js';
import { errorBudget, objectiveRatio } from '../alerting/error-budget.js';
import { type ResolvedSli, resolveSli } from '../sli/resolve-sli.js';
import { type AlertWindowsSpec, RESERVED_LABELS, type SloSpec, type SloSpecFile } from '../spec/types.js';

/** Default SLO period. */
export const DEFAULT_PERIOD = '30d';

/** Everything the generators need to know about one SLO, derived once from its spec. */
export interface SloPlan {
  /** `<service>-<name>`, the `slo_id` label. */
  readonly id: string;
  readonly service: string;
  readonly name: string;
  readonly description: string;
  /** Objective as a ratio (0.999). */
  readonly objective: number;
  /** Error budget as a ratio (0.001), free of float noise. */
  readonly budget: number;
  readonly period: string;
  readonly periodSeconds: number;
  readonly sli: ResolvedSli;
  /** Alert window pairs, page first; pairs of a disabled severity are left out. */
  readonly pairs: readonly WindowPair[];
  /** Rate windows the SLI is recorded over (always includes 5m), shortest first. */
  readonly windows: readonly string[];
  /** File and SLO labels merged, copied onto every rule. */
  readonly labels: Readonly<Record<string, string>>;
  readonly spec: SloSpec;
}

const HELPER_WINDOW = SLO_HELPER_WINDOW;

function sortedRecord(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

function withoutReserved(labels: Readonly<Record<string, string>> | undefined): Record<string, string> {
  const reserved = new Set<string>(RESERVED_LABELS);
  return Object.fromEntries(Object.entries(labels ?? {}).filter(([k]) => !reserved.has(k)));
}

/**
 * Rate windows an SLO's error ratio is recorded over, shortest first: every window of its alert
 * pairs (a disabled severity's too) and 5m; the period ratio is recorded besides these.
 */
export function sloRecordedWindows(slo: SloSpec): string[] {
  const windows = recordedWindows(
    alertWindows(slo.period ?? DEFAULT_PERIOD, slo.alertWindows as AlertWindowsSpec | undefined),
  );
  if (!windows.includes(HELPER_WINDOW)) {
    windows.push(HELPER_WINDOW);
    windows.sort((a, b) => parseDuration(a) - parseDuration(b));
  }
  return windows;
}

/** Derives the plan of every SLO in a (validated) spec file. */
export function planSlos(file: SloSpecFile): SloPlan[] {
  return file.slos.map((slo) => {
    const period = slo.period ?? DEFAULT_PERIOD;
    const objective = objectiveRatio(slo.objective);
    const budget = errorBudget(slo.objective);
    const allPairs = alertWindows(period, slo.alertWindows as AlertWindowsSpec | undefined);
    const pairs = allPairs.filter((p) => slo.alerting?.[p.kind]?.enabled !== false);
    const windows = sloRecordedWindows(slo);
    return {
      id: `${file.service}-${slo.name}`,
      service: file.service,
      name: slo.name,
      description: slo.description ?? '',
      objective,
      budget,
      period,
      periodSeconds: parseDuration(period),
      sli: resolveSli(slo.sli, file.service),
      pairs,
      windows,
      labels: sortedRecord({ ...withoutReserved(file.labels), ...withoutReserved(slo.labels) }),
      spec: slo,
    };
  });
}

export { HELPER_WINDOW };
