// Child process: a @tracseq/telemetry server as in the HTTP part (spans to the sink, RED metrics,
// request lines to stdout) whose HTTP duration histogram already holds N label sets with
// exemplars, as a service with many routes has after a while. The event loop's delay is
// monitored (perf_hooks.monitorEventLoopDelay, 1 ms resolution): its maximum is the longest time
// the loop could not run a due timer, i.e. the longest block.
// Usage: node scrape-server.mjs <sink-url> <label sets>; TRACSEQ_SERIES_LIMIT comes from the parent.
import { createRequire } from 'node:module';
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { startTelemetry } from '@tracseq/telemetry';
import { addRoute } from '../http/route.mjs';
import { failStartup, serveParent } from '../lib/child-ipc.mjs';
import { median, round } from '../lib/stats.mjs';

const STATUS_CODES = ['200', '201', '400', '404', '500'];
const METHODS = ['GET', 'POST', 'PUT', 'DELETE'];

/** `count` label sets of the HTTP histogram: routes × status codes × methods, 3 observations each. */
function populate(histogram, count) {
  for (let n = 0; n < count; n++) {
    const labels = {
      http_request_method: METHODS[Math.floor(n / STATUS_CODES.length) % METHODS.length],
      http_route: `/api/r${Math.floor(n / (STATUS_CODES.length * METHODS.length))}/:id`,
      http_response_status_code: STATUS_CODES[n % STATUS_CODES.length],
    };
    for (let k = 0; k < 3; k++) {
      const id = (n * 3 + k + 1).toString(16);
      histogram.observe({
        labels,
        value: 0.002 * (k + 1) * (1 + (n % 7)),
        exemplarLabels: { trace_id: id.padStart(32, '0'), span_id: id.padStart(16, '0') },
      });
    }
  }
}

/** Median ms and size of `registry.metrics()`: prom-client rendering everything in one go. */
async function timeWholeRender(registry, runs) {
  const samples = [];
  let bytes = 0;
  for (let i = 0; i < runs + 1; i++) {
    const started = performance.now();
    const body = await registry.metrics();
    if (i > 0) samples.push(performance.now() - started);
    bytes = Buffer.byteLength(body);
  }
  return { medianMs: round(median(samples), 1), bytes };
}

async function main() {
  const [sinkUrl, labelSets] = process.argv.slice(2);
  const telemetry = await startTelemetry({
    serviceName: 'bench-scrape',
    otlpTracesEndpoint: sinkUrl,
    sampler: 'always_on',
    handleSignals: false,
  });
  // One label set is left for the route the load requests.
  populate(telemetry.metrics.httpServerRequestDuration, Number(labelSets) - 1);
  const express = createRequire(import.meta.url)('express');
  const app = express();
  telemetry.instrumentExpress(app);
  addRoute(app);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve, reject) => server.once('listening', resolve).once('error', reject));
  const delay = monitorEventLoopDelay({ resolution: 1 });
  delay.enable();
  if (process.env.BENCH_SCRAPE_STDOUT) {
    // Diagnostics: every event-loop gap over 15 ms, with its end time (performance.now(), which
    // --trace-gc's timestamps roughly share), to tell which GC or step it was.
    let last = performance.now();
    setInterval(() => {
      const now = performance.now();
      if (now - last > 15)
        process.stdout.write(`--- gap ${Math.round(now - last)} ms ending at ${Math.round(now)} ms\n`);
      last = now;
    }, 1).unref();
  }
  // The longest garbage-collection pause in the same phase: tells a GC pause from a long render
  // step when the event loop was held up.
  let gcMaxMs = 0;
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) gcMaxMs = Math.max(gcMaxMs, entry.duration);
  }).observe({ entryTypes: ['gc'] });
  serveParent({
    'eld:reset': async () => {
      // With BENCH_SCRAPE_STDOUT (diagnostics, e.g. --trace-gc), the phases are marked in the log.
      if (process.env.BENCH_SCRAPE_STDOUT)
        process.stdout.write(`--- eld reset at ${Math.round(performance.now())} ms\n`);
      delay.reset();
      gcMaxMs = 0;
      return {};
    },
    eld: async () => ({
      maxMs: round(delay.max / 1e6, 1),
      p99Ms: round(delay.percentile(99) / 1e6, 1),
      meanMs: round(delay.mean / 1e6, 2),
      gcMaxMs: round(gcMaxMs, 1),
    }),
    render: async () => ({
      text: await timeWholeRender(telemetry.registry.registry, Number(process.env.BENCH_RENDERS ?? 3)),
      openMetrics: await timeWholeRender(
        telemetry.registry.openMetricsRegistry,
        Number(process.env.BENCH_RENDERS ?? 3),
      ),
    }),
  });
  process.send?.({
    type: 'ready',
    port: /** @type {import('node:net').AddressInfo} */ (server.address()).port,
  });
}

main().catch(failStartup);
