/**
 * `@tracseq/slo`: SLO specs to Prometheus rules, alerts and promtool tests.
 *
 * @packageDocumentation
 */
export { formatDuration, parseDuration } from './duration.js';
