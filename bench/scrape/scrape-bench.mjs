// Child process: the cost of rendering /metrics. A registry from createMetricsRegistry (with the
// default process metrics, as a service exposes them) gets HTTP histogram series for
// routes × status codes (× methods), with exemplars; then registry.metrics() is timed for the
// Prometheus text and the OpenMetrics registry, median of many runs. A plain prom-client
// registry with the same histogram is the reference for what the contract registry adds.
// Usage: node scrape-bench.mjs '<settings json>'; reports over IPC.
import { createMetricsRegistry, METRICS } from '@tracseq/telemetry';
import { collectDefaultMetrics, Histogram, Registry } from 'prom-client';
import { exitWithParent, failStartup } from '../lib/child-ipc.mjs';
import { median, round } from '../lib/stats.mjs';

const STATUS_CODES = ['200', '201', '400', '404', '500'];
const ROUTES = 50;
const OBSERVATIONS_PER_SERIES = 3;
const WARMUP_RUNS = 5;
const def = METRICS.httpServerRequestDuration;

function labelSets(methods) {
  const sets = [];
  for (const method of methods)
    for (let r = 0; r < ROUTES; r++)
      for (const code of STATUS_CODES)
        sets.push({
          http_request_method: method,
          http_route: `/api/r${r}/:id`,
          http_response_status_code: code,
        });
  return sets;
}

function record(histogram, sets, exemplars) {
  let n = 0;
  for (const labels of sets) {
    for (let k = 0; k < OBSERVATIONS_PER_SERIES; k++) {
      const value = 0.002 * (k + 1) * (1 + (n++ % 7));
      const id = n.toString(16);
      // An exemplar-enabled histogram takes only the object form; a plain one only (labels, value).
      if (exemplars) {
        const exemplarLabels = { trace_id: id.padStart(32, '0'), span_id: id.padStart(16, '0') };
        histogram.observe({ labels, value, exemplarLabels });
      } else {
        histogram.observe(labels, value);
      }
    }
  }
}

async function timeRender(registry, runs) {
  const samples = [];
  let bytes = 0;
  for (let i = 0; i < WARMUP_RUNS + runs; i++) {
    const start = process.hrtime.bigint();
    const body = await registry.metrics();
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (i >= WARMUP_RUNS) samples.push(ms);
    bytes = Buffer.byteLength(body);
  }
  return { medianMs: round(median(samples), 3), bytes };
}

function plainRegistry(sets) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const histogram = new Histogram({
    name: def.name,
    help: def.help,
    labelNames: def.labels.map((l) => l.name),
    buckets: [...def.buckets],
    registers: [registry],
  });
  record(histogram, sets, false);
  return registry;
}

async function main() {
  exitWithParent();
  const { runs } = JSON.parse(process.argv[2]);
  const results = [];
  for (const methods of [['GET'], ['GET', 'POST', 'PUT', 'DELETE']]) {
    const sets = labelSets(methods);
    const ours = createMetricsRegistry({ serviceName: 'bench-scrape' });
    record(ours.metrics.httpServerRequestDuration, sets, true);
    results.push({
      labelSets: sets.length,
      shape: `${ROUTES} routes × ${STATUS_CODES.length} status codes × ${methods.length} method(s)`,
      prometheusText: await timeRender(ours.registry, runs),
      openMetrics: await timeRender(ours.openMetricsRegistry, runs),
      plainPromClientText: await timeRender(plainRegistry(sets), runs),
    });
  }
  process.send({ type: 'result', runs, results }, () => process.exit(0));
}

main().catch(failStartup);
