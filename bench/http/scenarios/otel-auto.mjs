// (d) OpenTelemetry auto-instrumentation alone (http + express), exporting to the local sink.
import { startOtelSdk } from './otel-sdk.mjs';

export async function start({ sinkUrl }) {
  const otel = startOtelSdk('bench-otel-auto', sinkUrl);
  return { flush: otel.flush };
}
