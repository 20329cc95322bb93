/**
 * `@tracseq/oncall`: what on-call gets beyond the SLO burn alerts. Operational alerts built from
 * the contract and the lab settings (storage, freezers, breakers, targets, telemetry loss,
 * watchdog) with their promtool tests, the Alertmanager routing (page, ticket, watchdog,
 * inhibitions), maintenance windows as silences, and runbook coverage. Its verbs live in the
 * `tracseq-slo` CLI.
 *
 * @packageDocumentation
 */
export { AlertmanagerApiError, type AppliedSilence, applySilences } from './alertmanager-silences.js';
export {
  type AlertmanagerConfigOptions,
  buildAlertmanagerConfig,
  DEFAULT_ALERTMANAGER_CONFIG_OPTIONS,
  SLO_DEPENDENCY_EQUAL,
  type SloDependency,
} from './build-alertmanager-config.js';
export {
  buildLabOperationalRules,
  buildPlatformOperationalRules,
  OPERATIONAL_DASHBOARDS,
} from './build-operational-rules.js';
export {
  buildLabOperationalTests,
  buildPlatformOperationalTests,
  type OperationalTestFile,
} from './build-operational-tests.js';
export {
  buildSilences,
  DEFAULT_SILENCE_HORIZON_MS,
  SILENCE_AUTHOR,
  type Silence,
  type SilenceMatcher,
} from './build-silences.js';
export { checkTestDelays, OPERATIONAL_TEST_STEP_SECONDS } from './check-test-delays.js';
export { generateOperationalOutputs } from './generate-operational-outputs.js';
export {
  type AlertZone,
  type LabAlertInputs,
  labAlertInputs,
  readLabAlertInputs,
} from './lab-alert-inputs.js';
export { loopbackAlertmanagerConfigYaml } from './loopback-alertmanager-config.js';
export {
  DEFAULT_OPERATIONAL_OPTIONS,
  kebabCase,
  type OperationalOptions,
  resolveOperationalOptions,
  type StorageAlertOptions,
  type TemperatureAlertOptions,
} from './operational-options.js';
export { type AlertRunbookLink, findRunbookGaps } from './runbook-coverage.js';
