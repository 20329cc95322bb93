import { SERVICE_LABEL } from './labels.js';
import { ALL_METRICS, OMITTED_DEFAULT_METRICS } from './metrics.js';
import type { MetricDefinition } from './types.js';

/** Version of the JSON export's shape; bump on an incompatible change. */
export const CONTRACT_JSON_VERSION = 'tracseq.metrics/v1';

/** The contract as plain JSON data, for non-Node services and generators in other languages. */
export interface ContractJson {
  readonly version: typeof CONTRACT_JSON_VERSION;
  readonly serviceLabel: string;
  readonly omittedDefaultMetrics: readonly string[];
  readonly metrics: readonly MetricDefinition[];
}

/** Builds the JSON export of the contract; deterministic, in contract order. */
export function buildContractJson(): ContractJson {
  return {
    version: CONTRACT_JSON_VERSION,
    serviceLabel: SERVICE_LABEL,
    omittedDefaultMetrics: OMITTED_DEFAULT_METRICS,
    metrics: ALL_METRICS,
  };
}

/** The JSON export as text: two-space indent, final newline. */
export function renderContractJson(): string {
  return `${JSON.stringify(buildContractJson(), null, 2)}\n`;
}
