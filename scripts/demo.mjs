#!/usr/bin/env node
// npm run demo: the example lab services under load, watched by a real Prometheus and
// Alertmanager with TracSeq's generated SLO and on-call rules, with a live terminal summary that
// explains itself. `npm run demo -- --help` lists the faults.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse, stringify } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const LAB_SETTINGS = join(root, 'examples/lab-settings.yaml');
const DEMO_SLOS = join(root, 'examples/demo-slos');
/** Production SLO periods (30d) over the demo's (1d): every window and on-call delay shrinks by it. */
const SPEEDUP = 30;
/** Share of every freezer already stocked when storage-service starts. */
const INITIAL_FILL = 0.6;
const FAULT_AFTER_SECONDS = 20;
const FAULT_FOR_SECONDS = 60;

/** The message of whatever was thrown. */
const messageOf = (error) => (error instanceof Error ? error.message : String(error));

async function importBuilt(path) {
  try {
    return await import(path);
  } catch (error) {
    console.error(
      `${relative(root, path)} cannot be loaded (${messageOf(error)}). Fix: build first with npx turbo run build (npm run demo does)`,
    );
    process.exit(1);
  }
}
const { FAULTS, runLoad } = await import(join(root, 'examples/load/src/load.ts'));

const USAGE = `usage: npm run demo -- [--fault KIND] [--duration SECONDS] [--rate SAMPLES_PER_SECOND]
  --fault KIND     inject a fault ${FAULT_AFTER_SECONDS} s after the start for ${FAULT_FOR_SECONDS} s (default none):
${Object.entries(FAULTS)
  .filter(([kind]) => kind !== 'none')
  .map(([kind, what]) => `                     ${kind.padEnd(22)} ${what}`)
  .join('\n')}
  --duration N     stop by itself after N seconds, 10..3600 (default 3600; Ctrl-C stops earlier)
  --rate N         sample submissions per second, 1..200 (default 20); each accepted sample is processed`;

function usageError(message) {
  console.error(`demo: ${message}\n${USAGE}`);
  process.exit(2);
}

// `bash scripts/run.sh demo -- --fault outage` hands the `--` on; npm swallows its own.
const argv = process.argv.slice(2);
if (argv[0] === '--') argv.shift();
let values;
try {
  ({ values } = parseArgs({
    args: argv,
    options: {
      fault: { type: 'string', default: 'none' },
      duration: { type: 'string', default: '3600' },
      rate: { type: 'string', default: '20' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (error) {
  usageError(messageOf(error));
}
if (values.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!Object.hasOwn(FAULTS, values.fault)) usageError(`--fault ${values.fault} is not a fault`);
const durationSeconds = Number(values.duration);
if (!(Number.isInteger(durationSeconds) && durationSeconds >= 10 && durationSeconds <= 3600))
  usageError(`--duration ${values.duration} is not a whole number of seconds from 10 to 3600`);
const rate = Number(values.rate);
if (!(rate >= 1 && rate <= 200)) usageError(`--rate ${values.rate} is not a number from 1 to 200`);

const kit = await importBuilt(join(root, 'packages/testkit/dist/index.js'));
const oncall = await importBuilt(join(root, 'packages/oncall/dist/index.js'));
const contract = await importBuilt(join(root, 'packages/contract/dist/index.js'));

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
    `${messageOf(error)}\nWithout root, install Prometheus and Alertmanager from your distribution or https://prometheus.io/download/ and put them on PATH.`,
  );
  process.exit(3);
}

function cli(args) {
  const run = spawnSync(process.execPath, [join(root, 'packages/slo/dist/cli/main.js'), ...args], {
    encoding: 'utf8',
  });
  if (run.status !== 0) {
    console.error(`tracseq-slo ${args.join(' ')} failed:\n${run.stderr}`);
    process.exit(1);
  }
  return run.stdout;
}

// --- rules: the demo SLOs through the CLI, the on-call alerts through the library ----------------
const work = mkdtempSync(join(tmpdir(), 'tracseq-demo-'));
cleanup.push(async () => rmSync(work, { recursive: true, force: true }));
cli(['generate', DEMO_SLOS, '--out', work]);

// The CLI's --lab-settings would write the on-call alerts with production delays (5m, 15m, ...),
// which no demo run outlasts; here they shrink like the SLO periods.
const scaled = (duration) =>
  contract.formatDuration(Math.max(1, Math.round(contract.parseDuration(duration) / SPEEDUP)));
const lab = contract.parseLabSettings(readFileSync(LAB_SETTINGS, 'utf8'), LAB_SETTINGS);
const production = oncall.DEFAULT_OPERATIONAL_OPTIONS;
const onCallOptions = oncall.resolveOperationalOptions({
  ...(lab.grafanaUrl ? { grafanaUrl: lab.grafanaUrl } : {}),
  ...(lab.runbookBaseUrl ? { runbookBaseUrl: lab.runbookBaseUrl } : {}),
  // predict_linear over a window that holds a step (a batch moving in or out) extrapolates the
  // step for the whole lookback, so the predicted-full alert keeps its production timing.
  storage: {
    criticalFor: scaled(production.storage.criticalFor),
    warningFor: scaled(production.storage.warningFor),
  },
  temperature: { for: scaled(production.temperature.for) },
});
const inputs = oncall.labAlertInputs(lab);
const criticalBreaker = inputs.criticalBreakers[0];
const demoInputs = {
  ...inputs,
  zones: inputs.zones.map((z) => (z.temperatureFor ? { ...z, temperatureFor: scaled(z.temperatureFor) } : z)),
  criticalBreakers: inputs.criticalBreakers.map((b) => ({
    ...b,
    openAlertAfterMs: Math.max(1000, Math.round(b.openAlertAfterMs / SPEEDUP / 1000) * 1000),
  })),
};
// The rule builders rather than generateOperationalOutputs: its promtool tests step a minute at a
// time and cannot express the demo's 10 s delays; the demo needs only the rules.
const source = relative(join(work, 'rules'), LAB_SETTINGS);
writeFileSync(
  join(work, 'rules/operational.rules.yml'),
  contract.renderYaml(oncall.buildPlatformOperationalRules(onCallOptions), source),
);
writeFileSync(
  join(work, `rules/operational-${lab.lab}.rules.yml`),
  contract.renderYaml(oncall.buildLabOperationalRules(demoInputs, onCallOptions), source),
);

// --- what the legend explains: windows and timings from `tracseq-slo explain` -----------------
const explainDemo = JSON.parse(cli(['explain', DEMO_SLOS, '--evaluation-interval', '2s', '--json'])).alerts;
const explainProduction = JSON.parse(cli(['explain', join(root, 'prometheus/slos'), '--json'])).alerts;

// --- Alertmanager with the repo's routing, webhooks on a local receiver -----------------------
const webhook = await kit.startWebhookReceiver();
cleanup.push(() => webhook.close());
const amConfig = parse(readFileSync(join(root, 'prometheus/alertmanager.yml'), 'utf8'));
for (const receiver of amConfig.receivers) {
  for (const hook of receiver.webhook_configs ?? []) hook.url = `${webhook.url}/${receiver.name}`;
}
Object.assign(amConfig.route, { group_wait: '2s', group_interval: '5s' });
const receiverOf = (severity) =>
  amConfig.route.routes?.find((r) => r.matchers?.includes(`severity="${severity}"`))?.receiver ??
  amConfig.route.receiver;
const alertmanager = await kit.startAlertmanager({ configYaml: stringify(amConfig) });
cleanup.push(() => alertmanager.stop());

// --- services and Prometheus ----------------------------------------------------------------
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
service('storage-service', storagePort, { STORAGE_INITIAL_FILL: String(INITIAL_FILL) });
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

// --- the opening: where things are, and how to read what follows ------------------------------
const table = (rows) => {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r) => `    ${r.map((c, i) => String(c).padEnd(widths[i])).join('  ')}`.trimEnd());
};
const secondsText = (s) => (s === undefined ? 'never' : contract.formatDuration(Math.max(1, Math.round(s))));
const windowRows = [];
for (const a of explainDemo) {
  const key = `${a.severity} ${a.longWindow} ${a.shortWindow} ${a.factor}`;
  if (windowRows.some((r) => r.key === key)) continue;
  // The availability SLO shows how quickly a full outage is caught; every SLO shares the windows.
  const outage = explainDemo.find(
    (x) => x.slo === 'requests-availability' && x.longWindow === a.longWindow && x.severity === a.severity,
  );
  const prod = explainProduction.find((x) => x.severity === a.severity && x.factor === a.factor);
  windowRows.push({
    key,
    row: [
      receiverOf(a.severity),
      `${a.longWindow} & ${a.shortWindow}`,
      `${a.factor}x`,
      secondsText(outage?.detectFullOutageSeconds),
      secondsText(outage?.resetSeconds),
      prod ? `${prod.longWindow} & ${prod.shortWindow}` : '-',
    ],
  });
}
const pctText = (ratio) => `${contract.formatNumber(ratio * 100)} %`;
const so = onCallOptions.storage;
const breakerText = criticalBreaker
  ? `;\n  a critical breaker (${criticalBreaker.match.instrument ?? 'any instrument'}) open for ${secondsText(Math.max(1, Math.round(criticalBreaker.openAlertAfterMs / SPEEDUP / 1000)))} pages (production ${secondsText(criticalBreaker.openAlertAfterMs / 1000)})`
  : '';
const fault = values.fault;
console.log(`TracSeq demo running (Ctrl-C to stop; ends by itself after ${durationSeconds} s)
  Prometheus      ${prometheus.url}/alerts
  Alertmanager    ${alertmanager.url}
  sample-service  http://127.0.0.1:${samplePort}/metrics
  storage-service http://127.0.0.1:${storagePort}/metrics
  load            ${rate} samples/s submitted, each accepted one processed (1 in 400 fails QC as contaminated)
  fault           ${fault === 'none' ? 'none (try --fault outage; --help lists them)' : `${fault} from ${FAULT_AFTER_SECONDS} s for ${FAULT_FOR_SECONDS} s: ${FAULTS[fault]}`}

How to read it
  The demo SLOs (examples/demo-slos) keep production's objectives with a 1-day period instead of
  30 days, so every alert window is ${SPEEDUP}x shorter and the alerts fire within minutes:
${table([
  [
    'receiver',
    'windows (long & short)',
    'burn above',
    'full outage caught in',
    'clears after',
    'production (30d)',
  ],
  ...windowRows.map((r) => r.row),
]).join('\n')}
  A burn alert fires while the error ratio over both of its windows is above "burn above" times
  the error budget (1 - objective). In the table every 5 s:
    SLI (5m)     share of good events over the last 5 minutes
    budget left  1 - bad events / bad events the objective allows, over this run (Prometheus holds
                 nothing older); once spent it shows "exhausted (Nx)", N times the allowance spent
                 (a full outage spends a day of 99.9 % in 86 s)
    burn         the error ratio over the last 5 minutes as a multiple of the error budget
  Alertmanager inhibits (holds back) a ticket while a page of the same service and SLO fires;
  "(inhibited)" marks it. The inhibition ends with the page: a ticket whose slower windows still
  burn is delivered then, one that has cleared too never is.
  On-call alerts shrink alike: a storage zone at >= ${pctText(so.criticalRatio)} for ${so.criticalFor} pages, at >= ${pctText(so.warningRatio)} for ${so.warningFor}
  tickets (production ${production.storage.criticalFor} and ${production.storage.warningFor}; that page inhibits that ticket)${breakerText}.
  Predicted-full, target-down and telemetry-loss alerts keep production timing. TracseqWatchdog
  always fires, to receiver watchdog: proof that the alert path works.
`);

// --- the run ------------------------------------------------------------------------------------
const started = Date.now();
const clock = () => new Date().toISOString().slice(11, 19);
const since = () => contract.formatDuration(Math.max(1, Math.round((Date.now() - started) / 1000)));
let faultState = `${fault} due at ${FAULT_AFTER_SECONDS}s`;
const controller = new AbortController();
cleanup.push(async () => controller.abort());
const load = runLoad(
  {
    sampleServiceUrl: `http://127.0.0.1:${samplePort}`,
    storageServiceUrl: `http://127.0.0.1:${storagePort}`,
    rate,
    durationSeconds,
    fault,
    faultAfterSeconds: FAULT_AFTER_SECONDS,
    faultForSeconds: FAULT_FOR_SECONDS,
  },
  controller.signal,
  undefined,
  (kind, active) => {
    faultState = active ? `${kind} since ${since()}` : `${kind} ended at ${since()}`;
    console.log(`>> ${clock()} fault ${kind} ${active ? 'injected' : 'cleared'}`);
  },
);

// SLO alerts by service/slo and windows; on-call alerts by the labels that identify them.
function describeAlert({ labels }) {
  const where = labels.slo
    ? `${labels.service}/${labels.slo} ${labels.long_window}&${labels.short_window}`
    : [labels.zone, labels.breaker, labels.service ?? labels.job].filter(Boolean).join(' ');
  return `${labels.alertname}{${[where, labels.severity].filter(Boolean).join(' ')}}`;
}

// Each notification as it arrives: Alertmanager sends the whole group, firing and resolved alike.
let seen = 0;
function reportNotifications() {
  for (; seen < webhook.notifications.length; seen++) {
    const n = webhook.notifications[seen];
    if (n.receiver === 'watchdog') continue;
    const by = (status) => n.alerts.filter((a) => a.status === status).map(describeAlert);
    const parts = ['firing', 'resolved']
      .filter((status) => by(status).length > 0)
      .map((status) => `${status.toUpperCase()} ${by(status).join(', ')}`);
    console.log(`>> ${clock()} ${n.receiver} notification: ${parts.join('; ')}`);
  }
}
const notifier = setInterval(reportNotifications, 1_000);
cleanup.push(async () => clearInterval(notifier));

const pct = (v) => (v === undefined || Number.isNaN(v) ? '-' : `${(v * 100).toFixed(2)} %`);
// Below zero the raw number (-65774 %) says nothing; how many budgets were spent does.
const budgetText = (left) =>
  left === undefined || Number.isNaN(left)
    ? '-'
    : left >= 0
      ? pct(left)
      : `exhausted (${(1 - left).toFixed(1 - left >= 10 ? 0 : 1)}x)`;
const perHour = (v) => Math.round(v ?? 0).toLocaleString('en-US');

async function summary() {
  const q = (expr) => prometheus.query(expr).catch(() => []);
  const [sli, budget, burn, alerts, muted, breakers, storage, received, processed, excluded, slowCalls] =
    await Promise.all([
      q('1 - slo:sli_error:ratio_rate5m'),
      q('slo:period_error_budget_remaining:ratio'),
      q('slo:current_burn_rate:ratio'),
      prometheus.alerts().catch(() => []),
      alertmanager.alerts().catch(() => []),
      q('tracseq_circuit_breaker_state == 1'),
      q(
        'tracseq_storage_used_slots{service="storage-service"} / tracseq_storage_capacity_slots{service="storage-service"}',
      ),
      q('sum(rate(tracseq_samples_received_total[1m])) * 3600'),
      q('sum by (outcome) (rate(tracseq_samples_processed_total[1m])) * 3600'),
      q('sum(tracseq_http_server_excluded_requests_total)'),
      q('sum by (breaker) (tracseq_circuit_breaker_calls_total{outcome="slow"})'),
    ]);
  const rows = [['SLO', 'SLI (5m)', 'budget left', 'burn']];
  for (const s of [...sli].sort((a, b) => a.metric.slo_id.localeCompare(b.metric.slo_id))) {
    const id = s.metric.slo_id;
    const b = budget.find((x) => x.metric.slo_id === id)?.value;
    const r = burn.find((x) => x.metric.slo_id === id)?.value;
    rows.push([
      `${s.metric.slo_service}/${s.metric.slo_name}`,
      pct(s.value),
      budgetText(b),
      r === undefined ? '-' : `${r.toFixed(1)}x`,
    ]);
  }
  const inhibited = new Set(
    muted.filter((a) => a.status.inhibitedBy.length > 0).map((a) => describeAlert(a)),
  );
  const firing = alerts
    .filter((a) => a.state === 'firing' && a.labels.alertname !== 'TracseqWatchdog')
    .map(describeAlert)
    .sort();
  const count = (receiver, status) =>
    webhook.notifications.filter((n) => n.receiver === receiver && n.status === status).length;
  const outcome = (o) => processed.find((p) => p.metric.outcome === o)?.value ?? 0;
  const processedTotal = processed.reduce((sum, p) => sum + p.value, 0);
  const lines = [
    `--- ${clock()} (run ${since()}, fault ${fault === 'none' ? 'none' : faultState}) ---`,
    ...(rows.length > 1 ? table(rows).map((l) => l.slice(2)) : ['  SLOs: no rule evaluation yet']),
    `  alerts firing: ${firing.length === 0 ? 'none' : firing.map((a) => (inhibited.has(a) ? `${a} (inhibited)` : a)).join(', ')} (+ TracseqWatchdog)`,
    `  notifications: page ${count('page', 'firing')} firing / ${count('page', 'resolved')} resolved, ticket ${count('ticket', 'firing')} firing / ${count('ticket', 'resolved')} resolved, watchdog ${count('watchdog', 'firing')}`,
    `  breakers: ${
      breakers
        .map((b) => `${b.metric.breaker}=${b.metric.state}`)
        .sort()
        .join(', ') || 'no calls yet'
    }`,
    `  storage: ${
      storage
        .map((s) => `${s.metric.zone} ${pct(s.value)}`)
        .sort()
        .join(', ') || '-'
    }`,
    `  samples/hour: received ${perHour(received[0]?.value)}, processed ${perHour(processedTotal)} (success ${perHour(outcome('success'))}, failed ${perHour(outcome('failed'))}, rejected ${perHour(outcome('rejected'))})`,
  ];
  const kept = Math.round(excluded[0]?.value ?? 0);
  if (fault === 'sequencer-maintenance' || kept > 0)
    lines.push(`  requests kept out of the SLIs by maintenance: ${kept}`);
  // Calls that succeeded but took longer than their breaker's slowCallDuration.
  const slow = slowCalls.filter((s) => s.value > 0);
  if (fault === 'sequencer-slow' || slow.length > 0)
    lines.push(
      `  slow calls (succeeded, slower than slowCallDuration): ${slow.map((s) => `${s.metric.breaker} ${Math.round(s.value)}`).join(', ') || 'none yet'}`,
    );
  console.log(lines.join('\n'));
}
const timer = setInterval(() => summary().catch(() => undefined), 5_000);
cleanup.push(async () => clearInterval(timer));
let stats;
try {
  stats = await load;
} catch (error) {
  console.error(`demo: the load generator stopped: ${messageOf(error)}`);
  await stop(1);
}
reportNotifications();
await summary();
const statuses = (s) =>
  Object.entries(s.byStatus)
    .map(([code, n]) => `${code}: ${n}`)
    .join(', ') + (s.errors ? `, no answer: ${s.errors}` : '');
console.log(
  `load finished: ${stats.sent} samples submitted (${statuses(stats)}), ${stats.processing.sent} processed (${statuses(stats.processing)})`,
);
await stop(0);
