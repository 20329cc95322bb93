#!/usr/bin/env node
// npm run demo: the example lab services under load, watched by a real Prometheus and
// Alertmanager with TracSeq's generated SLO rules, with a live terminal summary.
//   npm run demo                      run until Ctrl-C
//   npm run demo -- --fault outage    inject a sample-service outage after 20 s for 60 s
//   npm run demo -- --fault sequencer-maintenance   declare a sequencer maintenance window instead:
//                                     the breaker is forced open, yet no budget is spent and nothing pages
//   npm run demo -- --duration 120    stop by itself after 120 s
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse, stringify } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    fault: { type: 'string', default: 'none' },
    duration: { type: 'string', default: '3600' },
    rate: { type: 'string', default: '20' },
  },
});
const FAULTS = [
  'none',
  'outage',
  'errors',
  'latency',
  'sequencer-outage',
  'sequencer-maintenance',
  'storage-outage',
];
if (!FAULTS.includes(values.fault)) {
  console.error(`--fault must be one of ${FAULTS.join(', ')}`);
  process.exit(2);
}
const durationSeconds = Math.min(3600, Math.max(10, Number(values.duration)));

const kit = await import(join(root, 'packages/testkit/dist/index.js'));
const { runLoad } = await import(join(root, 'examples/load/src/load.ts'));
// SLO alerts by service/slo and window; on-call alerts by the labels that identify them.
function describeAlert({ labels }) {
  const where = labels.slo
    ? `${labels.service}/${labels.slo} ${labels.long_window}`
    : [labels.zone, labels.breaker, labels.job, labels.service].filter(Boolean).join(' ');
  return `${labels.alertname}{${[where, labels.severity].filter(Boolean).join(' ')}}`;
}
const cleanup = [];
const children = [];
let stopping = false;

async function stop(code) {
  if (stopping) return;
  stopping = true;
  for (const child of children) child.kill('SIGTERM');
  for (const fn of cleanup.reverse()) await fn().catch(() => undefined);
  process.exit(code);
}
process.once('SIGINT', () => stop(0));
process.once('SIGTERM', () => stop(0));

try {
  for (const tool of ['prometheus', 'promtool', 'prometheus-alertmanager']) kit.findBinary(tool);
} catch (error) {
  console.error(
    `${error.message}\nWithout root, install Prometheus and Alertmanager from your distribution or https://prometheus.io/download/ and put them on PATH.`,
  );
  process.exit(3);
}

const work = mkdtempSync(join(tmpdir(), 'tracseq-demo-'));
cleanup.push(async () => rmSync(work, { recursive: true, force: true }));
const generated = spawnSync(
  process.execPath,
  [
    join(root, 'packages/slo/dist/cli/main.js'),
    'generate',
    join(root, 'examples/demo-slos'),
    '--out',
    work,
    '--lab-settings',
    join(root, 'examples/lab-settings.yaml'),
  ],
  { encoding: 'utf8' },
);
if (generated.status !== 0) {
  console.error(generated.stderr);
  await stop(1);
}

const webhook = await kit.startWebhookReceiver();
cleanup.push(() => webhook.close());
const amConfig = parse(readFileSync(join(root, 'prometheus/alertmanager.yml'), 'utf8'));
for (const receiver of amConfig.receivers) {
  for (const hook of receiver.webhook_configs ?? []) hook.url = `${webhook.url}/${receiver.name}`;
}
Object.assign(amConfig.route, { group_wait: '2s', group_interval: '5s' });
const alertmanager = await kit.startAlertmanager({ configYaml: stringify(amConfig) });
cleanup.push(() => alertmanager.stop());

const [samplePort, storagePort] = [await kit.getFreePort(), await kit.getFreePort()];
const env = {
  ...process.env,
  OTEL_TRACES_EXPORTER: process.env.OTEL_EXPORTER_OTLP_ENDPOINT ? 'otlp' : 'none',
  LOG_LEVEL: 'warn',
};
const service = (name, port, extra) => {
  const child = spawn(process.execPath, [join(root, `examples/${name}/src/main.ts`)], {
    env: { ...env, PORT: String(port), ...extra },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  children.push(child);
  child.once('exit', (code) => {
    if (!stopping) {
      console.error(`${name} exited (${code})`);
      stop(1);
    }
  });
};
service('storage-service', storagePort, {});
service('sample-service', samplePort, { STORAGE_SERVICE_URL: `http://127.0.0.1:${storagePort}` });
for (const port of [samplePort, storagePort]) {
  await kit.waitFor(async () => (await fetch(`http://127.0.0.1:${port}/health/ready`)).ok, {
    description: `service on ${port}`,
  });
}

const prometheus = await kit.startPrometheus({
  // SLO rules of both services plus the on-call alerts (storage, freezers, breakers, Watchdog).
  ruleFiles: readdirSync(join(work, 'rules')).map((name) => join(work, 'rules', name)),
  scrapeTargets: [
    { job: 'sample-service', targets: [`127.0.0.1:${samplePort}`] },
    { job: 'storage-service', targets: [`127.0.0.1:${storagePort}`] },
  ],
  scrapeInterval: '2s',
  evaluationInterval: '2s',
  alertmanagerUrls: [alertmanager.url],
});
cleanup.push(() => prometheus.stop());

console.log(`TracSeq demo running (Ctrl-C to stop; ends by itself after ${durationSeconds} s)
  Prometheus      ${prometheus.url}/alerts
  Alertmanager    ${alertmanager.url}
  sample-service  http://127.0.0.1:${samplePort}/metrics
  storage-service http://127.0.0.1:${storagePort}/metrics
  fault           ${values.fault === 'none' ? 'none (try --fault outage)' : `${values.fault} from 20 s for 60 s`}
`);

const controller = new AbortController();
cleanup.push(async () => controller.abort());
const load = runLoad(
  {
    sampleServiceUrl: `http://127.0.0.1:${samplePort}`,
    storageServiceUrl: `http://127.0.0.1:${storagePort}`,
    rate: Number(values.rate),
    durationSeconds,
    fault: values.fault,
    faultAfterSeconds: 20,
    faultForSeconds: 60,
  },
  controller.signal,
);

const pct = (v) => (v === undefined || Number.isNaN(v) ? '   -  ' : `${(v * 100).toFixed(2).padStart(6)}%`);
async function summary() {
  const q = (expr) => prometheus.query(expr).catch(() => []);
  const [sli, budget, burn, alerts, breakers, storage, perHour, excluded] = await Promise.all([
    q('1 - slo:sli_error:ratio_rate5m'),
    q('slo:period_error_budget_remaining:ratio'),
    q('slo:current_burn_rate:ratio'),
    prometheus.alerts().catch(() => []),
    q('tracseq_circuit_breaker_state == 1'),
    q(
      'tracseq_storage_used_slots{service="storage-service"} / tracseq_storage_capacity_slots{service="storage-service"}',
    ),
    q('sum(rate(tracseq_samples_received_total[1m])) * 3600'),
    q('sum(tracseq_http_server_excluded_requests_total)'),
  ]);
  const lines = [
    `--- ${new Date().toISOString().slice(11, 19)} ---`,
    'SLO                                         SLI(5m)   budget left  burn',
  ];
  for (const s of sli) {
    const id = s.metric.slo_id;
    const b = budget.find((x) => x.metric.slo_id === id)?.value;
    const r = burn.find((x) => x.metric.slo_id === id)?.value;
    lines.push(`${id.padEnd(42)} ${pct(s.value)}  ${pct(b)}    ${r === undefined ? '-' : r.toFixed(1)}x`);
  }
  const firing = alerts.filter((a) => a.state === 'firing');
  lines.push(`alerts firing: ${firing.length === 0 ? 'none' : firing.map(describeAlert).join(', ')}`);
  lines.push(`requests kept out of the SLIs by maintenance: ${Math.round(excluded[0]?.value ?? 0)}`);
  lines.push(
    `notifications: page ${webhook.notifications.filter((n) => n.path === '/page').length}, ticket ${webhook.notifications.filter((n) => n.path === '/ticket').length}`,
  );
  lines.push(
    `breakers: ${breakers.map((b) => `${b.metric.breaker}=${b.metric.state}`).join(', ') || 'no calls yet'}`,
  );
  lines.push(
    `storage: ${storage.map((s) => `${s.metric.zone} ${pct(s.value)}`).join(', ') || '-'}   samples/hour: ${Math.round(perHour[0]?.value ?? 0)}`,
  );
  console.log(lines.join('\n'));
}
const timer = setInterval(() => summary().catch(() => undefined), 5_000);
cleanup.push(async () => clearInterval(timer));
const stats = await load;
await summary();
console.log(`load finished: ${JSON.stringify(stats)}`);
await stop(0);
