import { SERVICE_LABEL } from './labels.js';
import type { MetricDefinition } from './types.js';

const METRIC_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const RESERVED_LABELS = new Set(['le', 'quantile', SERVICE_LABEL]);

/**
 * Checks a metric definition against Prometheus naming rules and the contract's conventions.
 * Returns one message per problem; an empty array means the definition is valid.
 *
 * Colons are refused because they are reserved for recording rules; `_total` is required on
 * counters and refused elsewhere, because promtool flags a gauge ending in `_total`.
 */
export function checkMetricDefinition(def: MetricDefinition): string[] {
  const problems: string[] = [];
  const at = `metric ${def.name}`;
  if (!METRIC_NAME.test(def.name)) problems.push(`${at}: name must match ${METRIC_NAME} (no colons)`);
  if (def.type === 'counter' && !def.name.endsWith('_total'))
    problems.push(`${at}: counter names end in _total`);
  if (def.type !== 'counter' && def.name.endsWith('_total'))
    problems.push(`${at}: only counters end in _total`);
  if (/_(bucket|count|sum)$/.test(def.name))
    problems.push(`${at}: _bucket/_count/_sum are reserved suffixes`);
  if (def.unit !== undefined) {
    const base = def.type === 'counter' ? def.name.replace(/_total$/, '') : def.name;
    if (!base.endsWith(`_${def.unit}`)) problems.push(`${at}: name must end in its unit _${def.unit}`);
  }
  if (def.help.trim() === '') problems.push(`${at}: help must not be empty`);
  const seen = new Set<string>();
  for (const label of def.labels) {
    if (!LABEL_NAME.test(label.name) || label.name.startsWith('__')) {
      problems.push(`${at}: label ${label.name} must match ${LABEL_NAME} and not start with __`);
    }
    if (RESERVED_LABELS.has(label.name)) problems.push(`${at}: label ${label.name} is reserved`);
    if (seen.has(label.name)) problems.push(`${at}: label ${label.name} appears twice`);
    seen.add(label.name);
    const bounds = [label.values, label.allowList, label.boundedBy].filter((b) => b !== undefined).length;
    if (bounds !== 1)
      problems.push(`${at}: label ${label.name} needs exactly one of values, allowList, boundedBy`);
  }
  if (def.type === 'histogram') {
    const buckets = def.buckets ?? [];
    if (buckets.length === 0) problems.push(`${at}: histograms need buckets`);
    for (let i = 1; i < buckets.length; i++) {
      if ((buckets[i] as number) <= (buckets[i - 1] as number)) {
        problems.push(`${at}: buckets must be strictly ascending`);
        break;
      }
    }
  } else if (def.buckets !== undefined) {
    problems.push(`${at}: only histograms have buckets`);
  }
  return problems;
}

/** All label names of a metric's series, `service` first. */
export function seriesLabelNames(def: MetricDefinition): string[] {
  return [SERVICE_LABEL, ...def.labels.map((label) => label.name)];
}
