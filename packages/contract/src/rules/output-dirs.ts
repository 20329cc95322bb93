/**
 * Sub-directories of a rule generator's output (`prometheus/` in this repository): rule files,
 * promtool tests, `PrometheusRule` CRDs and Mimir ruler namespaces. SLO and on-call outputs share
 * them, so one Prometheus `rule_files` glob and one CRD directory load both.
 */
export const OUTPUT_DIRS = { rules: 'rules', tests: 'tests', k8s: 'k8s', mimir: 'mimir' } as const;
