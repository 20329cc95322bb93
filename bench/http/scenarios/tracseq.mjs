// (b) @tracseq/telemetry, as a service uses it: one startTelemetry call and instrumentExpress.
// Everything on: a span per request at 100 % sampling exported over OTLP/HTTP (protobuf, the
// default) to the local sink, the RED histogram with exemplars, one ECS log line per request
// to stdout (which the parent discards). BENCH_TELEMETRY_ENTRY (an index.js path) measures another
// build instead, for compare-builds.mjs. BENCH_TRACSEQ_SIGNALS turns signals off, for
// signal-costs.mjs: `no-spans` (sampler off), `no-lines` (log level warn: no request line) or
// `metrics-only` (both).
import { pathToFileURL } from 'node:url';

const SIGNALS = ['all', 'no-spans', 'no-lines', 'metrics-only'];

export async function start({ sinkUrl }) {
  const entry = process.env.BENCH_TELEMETRY_ENTRY;
  const signals = process.env.BENCH_TRACSEQ_SIGNALS ?? 'all';
  if (!SIGNALS.includes(signals)) throw new Error(`BENCH_TRACSEQ_SIGNALS: unknown value "${signals}"`);
  const spans = signals === 'all' || signals === 'no-lines';
  const lines = signals === 'all' || signals === 'no-spans';
  const { startTelemetry } = await import(entry ? pathToFileURL(entry).href : '@tracseq/telemetry');
  const telemetry = await startTelemetry({
    serviceName: 'bench-tracseq',
    otlpTracesEndpoint: sinkUrl,
    sampler: spans ? 'always_on' : 'always_off',
    ...(lines ? {} : { logLevel: 'warn' }),
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
