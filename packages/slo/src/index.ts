/**
 * `@tracseq/slo`: SLO specs to Prometheus rules, alerts and promtool tests.
 *
 * @packageDocumentation
 */
// Moved to @tracseq/contract; re-exported so code written against @tracseq/slo keeps working.
export {
  type AlertingRule,
  buildMimirNamespace,
  buildPrometheusRule,
  formatDuration,
  formatSpecError,
  formatSpecPath,
  GENERATED_MARK,
  type GeneratedOrigin,
  generatedHeader,
  OUTPUT_DIRS,
  type PrometheusRuleOptions,
  parseDuration,
  parseGeneratedHeader,
  type RecordingRule,
  type RuleFile,
  type RuleGroup,
  renderYaml,
  type SpecError,
  SpecValidationError,
} from '@tracseq/contract';
export { alertWindows, recordedWindows, type Severity, type WindowPair } from './alerting/alert-windows.js';
export { errorBudget, MAX_OBJECTIVE_PERCENT } from './alerting/error-budget.js';
export { sloDependencies } from './alerting/slo-dependencies.js';
export {
  analysisTemplateName,
  buildAnalysisTemplate,
  CANARY_FAILURE_CONDITION,
  CANARY_MATCHERS,
  CANARY_SUCCESS_CONDITION,
  type CanaryAnalysis,
  canaryQuery,
  type SkippedSlo,
} from './canary/build-analysis-template.js';
export { CANARY_ARGS, type CanaryOptions, DEFAULT_CANARY_OPTIONS } from './canary/canary-options.js';
export {
  ANALYSIS_TEMPLATE_SUFFIX,
  analysisTemplatePath,
  type CanaryOutputs,
  generateCanaryOutputs,
} from './canary/generate-canary-outputs.js';
export { scopeQuery } from './canary/scope-query.js';
export { type AlertTiming, alertTiming, type EvaluationDelays } from './explain/burn-math.js';
export {
  type ComponentExplanation,
  type CompositeExplanation,
  explainComposites,
} from './explain/explain-composites.js';
export { type GeneratedFiles, generateOutputs } from './output/generate-outputs.js';
export { type OutputPlan, ownsInput, planOutputs, type RunInputs } from './output/plan-outputs.js';
export { buildCompositeRuleTests, type TestComponent } from './promtool-tests/build-composite-tests.js';
export {
  buildRuleTests,
  MAX_SAMPLES_PER_SERIES,
  type NamedRuleTestFile,
  type RuleTestFile,
} from './promtool-tests/build-rule-tests.js';
export {
  BUDGET_EVALUATIONS_PER_PERIOD,
  collectReplay,
  type InlinedBurnAlert,
  type InlinedConditionAlert,
  inlinedBurnAlerts,
  inlinedConditionAlerts,
  type ReplaySettings,
} from './replay/collect-replay.js';
export { renderReplayText } from './replay/render-replay.js';
export type {
  Replay,
  ReplayAlert,
  ReplayConditionAlert,
  ReplayInterval,
  ReplaySlo,
} from './replay/replay-model.js';
export { type FiringInterval, type ReplayGrid, simulateAlert } from './replay/simulate-alert.js';
export { collectReport, type ReportSettings } from './report/collect-report.js';
export {
  createPrometheusClient,
  type PrometheusClient,
  PrometheusError,
} from './report/prometheus-client.js';
export { renderReportJson, renderReportMarkdown } from './report/render-report.js';
export type { IncidentReport, Report, SloReport } from './report/report-model.js';
export { buildRules, buildSloGroup, buildSloGroups, RECORDS } from './rules/build-rules.js';
export { inlineRecordings } from './rules/inline-recordings.js';
export {
  DEFAULT_RULE_OPTIONS,
  type RuleOptions,
  resolveRuleOptions,
  SLO_OVERVIEW_DASHBOARD_UID,
} from './rules/options.js';
export { DEFAULT_PERIOD, planSlos, type SloPlan, sloRecordedWindows } from './rules/slo-plan.js';
export {
  DEFAULT_SLOW_INTERVAL,
  LOOKBACK_SECONDS,
  slowGroupName,
  slowIntervalProblem,
  slowWindows,
  splitSloGroup,
} from './rules/split-groups.js';
export { checkPromql } from './sli/check-promql.js';
export { COMPOSITE_KEPT_LABELS, compositeRatio, compositeRatioExpr } from './sli/composite-ratio.js';
export {
  type ResolvedComponent,
  type ResolvedSli,
  resolveSli,
  type SliTestModel,
} from './sli/resolve-sli.js';
export { type LoadedSpec, type LoadResult, loadSpecs, type SpecSource } from './spec/load-specs.js';
export { SLO_SPEC_SCHEMA } from './spec/schema.js';
export * from './spec/types.js';
