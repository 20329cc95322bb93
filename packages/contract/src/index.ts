/**
 * `@tracseq/contract`: what every TracSeq package and tool agrees on. The metric contract
 * (names, types, help, labels, bounded values, buckets), the recording-rule series, alert names
 * and dashboard uids, the lab settings (one JSON Schema, one parser), breaker policies, and the
 * duration, PromQL text and located-error helpers. It depends on nothing of OpenTelemetry, pino,
 * opossum or prom-client, so generators and non-Node tooling can import it cheaply.
 *
 * @packageDocumentation
 */
export * from './breakers/breaker-name.js';
export * from './breakers/breaker-policy.js';
export * from './breakers/critical-breaker-selectors.js';
export * from './breakers/resolve-policy.js';
export * from './defaults.js';
export * from './duration.js';
export * from './lab-settings/lab-settings.js';
export * from './lab-settings/lab-settings-schema.js';
export * from './lab-settings/parse-lab-settings.js';
export * from './lab-settings/rfc3339.js';
export * from './located/input-limits.js';
export * from './located/parse-yaml-document.js';
export * from './located/schema-problems.js';
export * from './located/source-map.js';
export * from './located/spec-error.js';
export * from './maintenance/maintenance-window.js';
export * from './maintenance/recurring-maintenance-window.js';
export * from './maintenance/zoned-time.js';
export * from './metrics/buckets.js';
export * from './metrics/contract-json.js';
export * from './metrics/labels.js';
export * from './metrics/metrics.js';
export * from './metrics/naming-rules.js';
export type * from './metrics/types.js';
export * from './names/alert-names.js';
export * from './names/dashboard-uids.js';
export * from './names/rollout-labels.js';
export * from './names/series-names.js';
export * from './promql/promql-text.js';
export * from './rules/build-prometheus-rule.js';
export * from './rules/output-dirs.js';
export * from './rules/render-yaml.js';
export type * from './rules/rule-types.js';
