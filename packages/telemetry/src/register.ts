/**
 * `node --import @tracseq/telemetry/register app.js`: starts telemetry from the environment alone
 * (`OTEL_*`, `TRACSEQ_*`, the same names `startTelemetry` reads) before the application loads, and
 * instruments every Express app the application creates afterwards, from `import express from
 * 'express'` or `require('express')` alike. The only hook-based way in: `startTelemetry` +
 * `instrumentExpress` patch nothing.
 *
 * When `express` cannot be resolved from the application's directory or the working directory,
 * one warning is logged and telemetry keeps running (logs, `/metrics` of apps instrumented by hand
 * with {@link telemetry}, lab metrics, shutdown).
 *
 * @packageDocumentation
 */
import { applicationDirs, instrumentExpressModule } from './register/instrument-express-module.js';
import { startTelemetry, type Telemetry } from './start-telemetry.js';

/**
 * The telemetry this entry point started; `import { telemetry } from '@tracseq/telemetry/register'`
 * in the application returns the same instance (for lab metrics, readiness checks, workflows).
 */
export const telemetry: Telemetry = await startTelemetry();

const result = instrumentExpressModule(applicationDirs(), (app) => telemetry.instrumentExpress(app));
if (!result.instrumented) {
  telemetry.logger.warn(
    { searched: result.searched, error: result.error },
    '@tracseq/telemetry/register: express not found; Express apps are not instrumented, telemetry keeps running',
  );
}
