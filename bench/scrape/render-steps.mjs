// The sliced /metrics render in one process, without HTTP or load: N label sets of the HTTP
// histogram (as scrape-server.mjs makes them), 4 renders per format; per render the thread CPU
// time, the steps (one `next()` of the generator: CPU / wall ms of the longest three) and the GC
// pauses (count, sum, longest; pauses over 20 ms as kind:ms, 1 = scavenge, 4 = mark-compact).
// Thread CPU and the GC's promotion (`--trace-gc`) barely move with the neighbours, so builds can
// be compared on a busy machine, where the event-loop delay under load cannot.
// Usage: taskset -c 1 node [--trace-gc] bench/scrape/render-steps.mjs [label sets] [dist dir]
import { resolve } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { gcKind } from '../lib/gc-kind.mjs';

const dist = pathToFileURL(
  resolve(process.argv[3] ?? new URL('../../packages/telemetry/dist', import.meta.url).pathname),
).href;
const { startTelemetry } = await import(`${dist}/index.js`);
const { renderInSlices } = await import(`${dist}/metrics/render-in-slices.js`);
const N = Number(process.argv[2] ?? 10000);
process.env.TRACSEQ_SERIES_LIMIT = String(N + 2000);
const t = await startTelemetry({
  serviceName: 'x',
  otlpTracesEndpoint: 'http://127.0.0.1:1/v1/traces',
  sampler: 'always_on',
  handleSignals: false,
});
const ST = ['200', '201', '400', '404', '500'],
  M = ['GET', 'POST', 'PUT', 'DELETE'];
const h = t.metrics.httpServerRequestDuration;
for (let n = 0; n < N; n++) {
  const labels = {
    http_request_method: M[Math.floor(n / 5) % 4],
    http_route: `/api/r${Math.floor(n / 20)}/:id`,
    http_response_status_code: ST[n % 5],
  };
  for (let k = 0; k < 3; k++) {
    const id = (n * 3 + k + 1).toString(16);
    h.observe({
      labels,
      value: 0.002 * (k + 1) * (1 + (n % 7)),
      exemplarLabels: { trace_id: id.padStart(32, '0'), span_id: id.padStart(16, '0') },
    });
  }
}
let kinds = [];
let gcMax = 0,
  gcSum = 0,
  gcN = 0;
new PerformanceObserver((l) => {
  for (const e of l.getEntries()) {
    if (e.duration > 20) kinds.push(`${gcKind(e)}:${e.duration.toFixed(0)}`);
    gcMax = Math.max(gcMax, e.duration);
    gcSum += e.duration;
    gcN++;
  }
}).observe({ entryTypes: ['gc'] });
// Live objects, as in a server: keep the last 4 pieces as a socket buffer would.
for (const [name, reg] of [
  ['text', t.registry.registry],
  ['openmetrics', t.registry.openMetricsRegistry],
]) {
  for (let round = 0; round < 4; round++) {
    gcMax = 0;
    gcSum = 0;
    gcN = 0;
    kinds = [];
    const gen = renderInSlices(reg);
    const steps = [];
    let bytes = 0;
    const c0 = process.threadCpuUsage();
    const queue = [];
    for (;;) {
      const w = performance.now();
      const c = process.threadCpuUsage();
      const r = await gen.next();
      const cu = process.threadCpuUsage(c);
      steps.push([performance.now() - w, (cu.user + cu.system) / 1000]);
      if (r.done) break;
      bytes += r.value.length;
      queue.push(r.value);
      if (queue.length > 4) queue.shift();
      await new Promise((r) => setImmediate(r));
    }
    await new Promise((r) => setTimeout(r, 20));
    const total = process.threadCpuUsage(c0);
    steps.sort((a, b) => b[1] - a[1]);
    console.log(
      `${name} round ${round}: cpu ${((total.user + total.system) / 1000).toFixed(0)} ms, ${steps.length} steps, ${bytes} bytes, gc ${gcN}x ${gcSum.toFixed(1)} ms max ${gcMax.toFixed(1)} [${kinds}]; top step cpu/wall ms ${steps
        .slice(0, 3)
        .map((s) => s[1].toFixed(1) + '/' + s[0].toFixed(1))
        .join(' ')}`,
    );
  }
}
process.exit(0);
