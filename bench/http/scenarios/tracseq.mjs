// (b) @tracseq/telemetry, as a service uses it: one startTelemetry call and instrumentExpress.
// Everything on: a span per request at 100 % sampling exported over OTLP/HTTP (protobuf, the
// default) to the local sink, the RED histogram with exemplars, one ECS log line per request
// to stdout (which the parent discards). BENCH_TELEMETRY_ENTRY (an index.js path) measures another
// build instead, for compare-builds.mjs.
import { pathToFileURL } from 'node:url';

export async function start({ sinkUrl }) {
  const entry = process.env.BENCH_TELEMETRY_ENTRY;
  const { startTelemetry } = await import(entry ? pathToFileURL(entry).href : '@tracseq/telemetry');
  const telemetry = await startTelemetry({
    serviceName: 'bench-tracseq',
    otlpTracesEndpoint: sinkUrl,
    sampler: 'always_on',
    handleSignals: false,
  });
  return {
    instrument: (app) => telemetry.instrumentExpress(app),
    flush: () => telemetry.flush(),
    // Spans the bounded export queue refused: a fast number bought by dropping spans is not a win.
    stats: async () => {
      const { values } = await telemetry.metrics.spansDropped.get();
      return { spansDropped: values.reduce((sum, v) => sum + v.value, 0) };
    },
  };
}
