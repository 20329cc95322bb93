/**
 * `@tracseq/slo`: SLO specs to Prometheus rules, alerts and promtool tests.
 *
 * @packageDocumentation
 */
export { alertWindows, recordedWindows, type Severity, type WindowPair } from './alerting/alert-windows.js';
export { formatDuration, parseDuration } from './duration.js';
export { type AlertTiming, alertTiming, type EvaluationDelays } from './explain/burn-math.js';
export {
  type AlertmanagerConfigOptions,
  buildAlertmanagerConfig,
  DEFAULT_ALERTMANAGER_CONFIG_OPTIONS,
} from './output/build-alertmanager-config.js';
export {
  buildMimirNamespace,
  buildPrometheusRule,
  type PrometheusRuleOptions,
} from './output/build-prometheus-rule.js';
export { type GeneratedFiles, generateOutputs, OUTPUT_DIRS } from './output/generate-outputs.js';
export { generatedHeader, renderYaml } from './output/render-yaml.js';
export {
  buildRuleTests,
  MAX_SAMPLES_PER_SERIES,
  type NamedRuleTestFile,
  type RuleTestFile,
} from './promtool-tests/build-rule-tests.js';
export { buildRules, buildSloGroup, RECORDS } from './rules/build-rules.js';
export {
  DEFAULT_RULE_OPTIONS,
  type RuleOptions,
  resolveRuleOptions,
  SLO_OVERVIEW_DASHBOARD_UID,
} from './rules/options.js';
export type { AlertingRule, RecordingRule, RuleFile, RuleGroup } from './rules/rule-types.js';
export { DEFAULT_PERIOD, planSlos, type SloPlan } from './rules/slo-plan.js';
export { checkPromql } from './sli/check-promql.js';
export { type ResolvedSli, resolveSli, type SliTestModel } from './sli/resolve-sli.js';
export { type LoadedSpec, type LoadResult, loadSpecs, type SpecSource } from './spec/load-specs.js';
export { SLO_SPEC_SCHEMA } from './spec/schema.js';
export { formatSpecError, formatSpecPath, type SpecError, SpecValidationError } from './spec/spec-error.js';
export * from './spec/types.js';
