/**
 * `@tracseq/slo`: SLO specs to Prometheus rules, alerts and promtool tests.
 *
 * @packageDocumentation
 */
export { alertWindows, recordedWindows, type Severity, type WindowPair } from './alerting/alert-windows.js';
export { formatDuration, parseDuration } from './duration.js';
export { type AlertTiming, alertTiming, type EvaluationDelays } from './explain/burn-math.js';
export {
  AlertmanagerApiError,
  type AppliedSilence,
  applySilences,
} from './operational/alertmanager-silences.js';
export {
  buildLabOperationalRules,
  buildPlatformOperationalRules,
  INSTRUMENT_LABEL,
  OPERATIONAL_ALERTS,
  OPERATIONAL_DASHBOARDS,
  WATCHDOG_SEVERITY,
} from './operational/build-operational-rules.js';
export {
  buildLabOperationalTests,
  buildPlatformOperationalTests,
  type OperationalTestFile,
} from './operational/build-operational-tests.js';
export {
  buildSilences,
  SILENCE_AUTHOR,
  type Silence,
  type SilenceMatcher,
} from './operational/build-silences.js';
export { generateOperationalOutputs } from './operational/generate-operational-outputs.js';
export {
  type AlertZone,
  type LabAlertInputs,
  LabInputError,
  readLabAlertInputs,
} from './operational/lab-alert-inputs.js';
export {
  DEFAULT_OPERATIONAL_OPTIONS,
  kebabCase,
  type OperationalOptions,
  resolveOperationalOptions,
  type StorageAlertOptions,
  type TemperatureAlertOptions,
} from './operational/operational-options.js';
export { type AlertRunbookLink, findRunbookGaps } from './operational/runbook-coverage.js';
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
export { collectReport, type ReportSettings } from './report/collect-report.js';
export {
  createPrometheusClient,
  type PrometheusClient,
  PrometheusError,
} from './report/prometheus-client.js';
export { renderReportJson, renderReportMarkdown } from './report/render-report.js';
export type { IncidentReport, Report, SloReport } from './report/report-model.js';
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
