/** The rules `lintDashboard` applies; each finding names one. */
export const LINT_RULES = {
  'dashboard-shape': 'the file is a Grafana dashboard JSON model (an object with panels)',
  'datasource-variable':
    'a `datasource` variable of type prometheus exists and every panel, query, annotation and variable uses it (no hard-coded uids)',
  'panel-unit': 'every panel sets a unit (fieldConfig.defaults.unit)',
  'panel-description': 'every panel has a description',
  'rate-interval': 'rate/irate/increase use [$__rate_interval]',
  'counter-rate':
    'counters (and histogram _bucket/_count/_sum series) are read only through rate/irate/increase',
  'gauge-rate': 'rate/irate/increase are not applied to gauges',
  'histogram-usage': 'histogram buckets are read only through histogram_quantile or a bucket ratio',
  'promql-syntax':
    "every query parses as PromQL (Prometheus's Lezer grammar, after substituting Grafana variables)",
  'unknown-metric':
    'series are contract metrics, prom-client defaults, SLO recording rules or Prometheus series (ALERTS, up)',
  'unknown-label': 'label matchers on contract metrics use the contract labels (plus instance, job)',
  'variable-matcher': 'multi-value / "All" variables are matched with =~ or !~',
  'constant-fallback': 'no `or vector(0)`-style constant fallbacks that invent data',
  'unique-panel-id': 'panel ids are present and unique',
  'unique-ref-id': 'query refIds are present and unique within a panel',
  'stable-uid': 'the dashboard has a uid (1-40 characters of A-Z a-z 0-9 - _)',
  readonly: 'the dashboard is readonly (editable: false)',
  'schema-version': 'schemaVersion is the one the pinned Grafana Foundation SDK emits',
} as const;

/** Identifier of a lint rule. */
export type LintRule = keyof typeof LINT_RULES;
