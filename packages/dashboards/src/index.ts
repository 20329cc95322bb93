/**
 * `@tracseq/dashboards`: Grafana dashboards as code for TracSeq services, built with the Grafana
 * Foundation SDK from the metric contract and the SLO specs, a linter for any dashboard JSON, and
 * the generators of the provisioning files and ConfigMaps.
 *
 * @packageDocumentation
 */

export { DASHBOARD_UID_PREFIX, dashboardUid } from '@tracseq/contract';
export { buildDashboards, type DashboardFiles, defineDashboards } from './build/build-dashboards.js';
export { canonicalJson, type JsonObject, type JsonValue, renderJson } from './build/canonical-json.js';
export {
  ALL_VALUE,
  DASHBOARD_NAMES,
  type DashboardDefinition,
  type DashboardName,
  GENERATED_NOTE,
  GENERATED_TAG,
  type SectionSpec,
  type VariableSpec,
} from './build/frame.js';
export type { PanelKind, PanelSpec, QuerySpec, ThresholdStep } from './build/panels.js';
export { sloDashboardUrl } from './build/slo-dashboard-url.js';
export {
  type DashboardLinkConfig,
  type DashboardsConfig,
  DashboardsConfigError,
  type DashboardsConfigInput,
  type DatasourceConfig,
  DEFAULT_DASHBOARDS_CONFIG,
  type ProvisioningConfig,
  resolveDashboardsConfig,
  type ServiceSelectorConfig,
} from './config.js';
export {
  formatFinding,
  type LintFinding,
  type LintOptions,
  lintDashboard,
  SDK_SCHEMA_VERSION,
} from './lint/lint-dashboard.js';
export { lintQuery, type QueryContext, type QueryFinding } from './lint/lint-query.js';
export { LINT_RULES, type LintRule } from './lint/lint-rules.js';
export {
  buildDashboardConfigMap,
  buildDashboardProvisioning,
  buildDatasourceProvisioning,
  DASHBOARD_PROVISIONING_FILE,
  DATASOURCE_PROVISIONING_FILE,
  GENERATED_YAML_MARK,
  generateFiles,
  type OutputLayout,
} from './output/generate-files.js';
export { builtinIntervals, interpolateVariables, variablesIn } from './promql/interpolate.js';
export {
  type DefaultMetric,
  defaultMetric,
  PROM_CLIENT_DEFAULT_METRICS,
  PROMETHEUS_SERIES,
  type SeriesInfo,
  type SeriesKind,
  type SeriesSource,
  seriesInfo,
} from './promql/metric-catalog.js';
export type { QueryPosition } from './promql/parse-query.js';
