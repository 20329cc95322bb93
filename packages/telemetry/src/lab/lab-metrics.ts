import type { LabelDefinition, LabSettings } from '@tracseq/contract';
import { METRICS, OTHER_LABEL_VALUE } from '@tracseq/contract';
import type { ContractMetrics } from '../metrics/create-metrics-registry.js';
import type { SeriesLimiter } from '../metrics/series-limiter.js';

/** Outcome of processing one sample. */
export type SampleOutcome = 'success' | 'failed' | 'rejected';

/** Typed lab business metrics; label values outside the lab's allow-lists are recorded as `other`. */
export interface LabMetrics {
  readonly settings: LabSettings;
  sampleReceived(labels: { sampleType: string; lab?: string }): void;
  sampleProcessed(labels: { sampleType: string; outcome: SampleOutcome; lab?: string }): void;
  /** Seconds a sample spent in `stage`; `stage: 'total'` is the turnaround. */
  processingDuration(labels: { sampleType: string; stage: string; lab?: string }, seconds: number): void;
  sampleError(labels: { reason: string; lab?: string }): void;
  manualOperation(labels: { operation: string; lab?: string }): void;
  /** Slots in use in a configured zone. */
  setStorageUsed(zone: string, usedSlots: number): void;
  /** Measured temperature of a configured zone. */
  setStorageTemperature(zone: string, celsius: number): void;
}

function bounded(settings: LabSettings, label: LabelDefinition, value: string): string {
  if (label.values) return label.values.includes(value) ? value : OTHER_LABEL_VALUE;
  if (label.allowList)
    return settings.allowLists[label.allowList]?.includes(value) ? value : OTHER_LABEL_VALUE;
  return value;
}

/**
 * Creates the lab metrics over the contract metrics: capacity and zone info are set once from the
 * settings; every label goes through the allow-lists and the cardinality cap.
 */
export function createLabMetrics(
  settings: LabSettings,
  metrics: ContractMetrics,
  limiter: SeriesLimiter,
): LabMetrics {
  const m = METRICS;
  const record = (
    def: (typeof METRICS)[keyof typeof METRICS],
    raw: Record<string, string>,
    apply: (labels: Record<string, string>) => void,
  ) => {
    const labels: Record<string, string> = {};
    for (const label of def.labels) labels[label.name] = bounded(settings, label, raw[label.name] ?? '');
    const key = def.labels.map((l) => labels[l.name]).join('\u0000');
    if (limiter.allow(def.name, key)) apply(labels);
  };
  for (const zone of settings.storageZones) {
    metrics.storageCapacity.set({ zone: zone.name }, zone.capacity);
    metrics.storageUsed.set({ zone: zone.name }, 0);
    metrics.storageZoneInfo.set(
      { zone: zone.name, lab: settings.lab, target_temperature_celsius: String(zone.temperature) },
      1,
    );
  }
  const knownZone = (zone: string) => settings.storageZones.some((z) => z.name === zone);
  return {
    settings,
    sampleReceived: ({ sampleType, lab = settings.lab }) =>
      record(m.samplesReceived, { lab, sample_type: sampleType }, (l) => metrics.samplesReceived.inc(l)),
    sampleProcessed: ({ sampleType, outcome, lab = settings.lab }) =>
      record(m.samplesProcessed, { lab, sample_type: sampleType, outcome }, (l) =>
        metrics.samplesProcessed.inc(l),
      ),
    processingDuration: ({ sampleType, stage, lab = settings.lab }, seconds) =>
      record(m.sampleProcessingDuration, { lab, sample_type: sampleType, stage }, (l) =>
        metrics.sampleProcessingDuration.observe(l, seconds),
      ),
    sampleError: ({ reason, lab = settings.lab }) =>
      record(m.sampleErrors, { lab, reason }, (l) => metrics.sampleErrors.inc(l)),
    manualOperation: ({ operation, lab = settings.lab }) =>
      record(m.manualOperations, { lab, operation }, (l) => metrics.manualOperations.inc(l)),
    setStorageUsed: (zone, used) => {
      if (knownZone(zone)) metrics.storageUsed.set({ zone }, used);
    },
    setStorageTemperature: (zone, celsius) => {
      if (knownZone(zone)) metrics.storageTemperature.set({ zone }, celsius);
    },
  };
}
