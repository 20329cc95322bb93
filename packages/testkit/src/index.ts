/**
 * Test kit for TracSeq's integration tests: real Prometheus, Alertmanager and promtool from
 * Debian's packages, started on free loopback ports with guaranteed teardown.
 *
 * @packageDocumentation
 */
export * from './alertmanager.js';
export * from './backfilled-prometheus.js';
export * from './elasticsearch-double.js';
export * from './find-binary.js';
export * from './free-port.js';
export * from './managed-process.js';
export * from './missing-tool-error.js';
export * from './otlp-receiver.js';
export * from './prometheus.js';
export * from './promtool.js';
export * from './temp-dir.js';
export * from './wait-for.js';
export * from './webhook-receiver.js';
