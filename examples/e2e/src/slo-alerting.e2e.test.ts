// End-to-end: both example services under load, watched by a real Prometheus and Alertmanager that
// run the rules our CLI generates from examples/demo-slos (1-day period, so the page windows are
// 2m & 10s and 12m & 1m), plus the lab's storage alerts with the demo's shortened delays. Faults go
// in through the services' own /admin/faults switches, exactly as the demo and the load generator
// inject them.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type LoadOptions, type LoadStats, runLoad, setFault } from '@tracseq/example-load';
import {
  buildAlertmanagerConfig,
  buildLabOperationalRules,
  readLabAlertInputs,
  resolveOperationalOptions,
} from '@tracseq/oncall';
import {
  type AlertmanagerHandle,
  type ElasticsearchDouble,
  getFreePort,
  type ManagedProcess,
  makeTempDir,
  type PrometheusHandle,
  startAlertmanager,
  startElasticsearchDouble,
  startManagedProcess,
  startPrometheus,
  startWebhookReceiver,
  type WebhookAlert,
  type WebhookNotification,
  type WebhookReceiver,
  waitFor,
} from '@tracseq/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const CLI = join(ROOT, 'packages/slo/dist/cli/main.js');
const SPECS = join(ROOT, 'examples/demo-slos');
const LAB_SETTINGS = join(ROOT, 'examples/lab-settings.yaml');

// Prometheus scrapes and evaluates every second; Alertmanager groups with 1 s timings.
const SCRAPE_SECONDS = 1;
const EVAL_SECONDS = 1;
const GROUP_SECONDS = 1;
/**
 * What the `explain` bound (window math + `for` + one evaluation interval) leaves out, in seconds:
 * - 2 scrape intervals: errors reach Prometheus only with the next scrape, and the 5xx series is
 *   born with the outage, so rate() sees its first increase one scrape later still;
 * - Alertmanager's group_wait (first notification of a group) or group_interval (a later alert
 *   joining the group), both 1 s;
 * - 1 s for the alert's trip Prometheus -> Alertmanager -> webhook on a machine shared with the
 *   load, both services and the test runner.
 */
const ALLOWANCE_SECONDS = 2 * SCRAPE_SECONDS + GROUP_SECONDS + 1;
const RATE = 20;

const PAGED = { service: 'sample-service', slo: 'requests-availability' } as const;
const SEQUENCER_BREAKER = 'lab-a/sequencer-1/schedule';
const FILLED_ZONE = 'freezer_minus_80';
/** The demo's storage delays (production 5m and 15m over its 30x shorter periods). */
const STORAGE_ALERTS = { criticalFor: '10s', warningFor: '30s' } as const;

interface ExplainedAlert {
  readonly slo: string;
  readonly service: string;
  readonly severity: 'critical' | 'warning';
  readonly longWindow: string;
  readonly shortWindow: string;
  readonly detectFullOutageSeconds?: number;
  readonly resetSeconds: number;
}

function cli(args: readonly string[]): string {
  const result = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: ROOT });
  if (result.status !== 0) {
    throw new Error(
      `tracseq-slo ${args.join(' ')} exited ${result.status}:\n${result.stdout}${result.stderr}`,
    );
  }
  return result.stdout;
}

interface Service {
  readonly name: string;
  readonly url: string;
  readonly proc: ManagedProcess;
  /** Lines the service has written to stdout so far. */
  stdoutLines(): number;
}

async function startService(name: string, port: number, env: Record<string, string>): Promise<Service> {
  // `env` replaces nothing else: the child gets the test's environment plus these variables.
  const proc = startManagedProcess(
    'env',
    [
      ...Object.entries({ ...env, PORT: String(port), HOST: '127.0.0.1' }).map(([k, v]) => `${k}=${v}`),
      process.execPath,
      join(ROOT, `examples/${name}/src/main.ts`),
    ],
    ROOT,
  );
  let lines = 0;
  proc.child.stdout?.on('data', (chunk: Buffer) => {
    for (const byte of chunk) if (byte === 10) lines++;
  });
  const url = `http://127.0.0.1:${port}`;
  await waitFor(
    async () => {
      if (proc.exited()) throw new Error(`${name} exited:\n${proc.output()}`);
      return (await fetch(`${url}/health/ready`)).ok;
    },
    { timeoutMs: 30_000, description: `${name} ready on ${url}` },
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n--- ${name} output ---\n${proc.output()}`);
  });
  return { name, url, proc, stdoutLines: () => lines };
}

const isPage = (a: WebhookAlert, windows?: { long: string; short: string }) =>
  a.labels.alertname === 'SloErrorBudgetBurn' &&
  a.labels.severity === 'critical' &&
  a.labels.service === PAGED.service &&
  a.labels.slo === PAGED.slo &&
  (windows === undefined ||
    (a.labels.long_window === windows.long && a.labels.short_window === windows.short));

const seconds = (ms: number) => Math.round(ms / 100) / 10;

describe('SLO alerting end to end: example services, real Prometheus and Alertmanager', () => {
  const work = makeTempDir('e2e');
  let explained: ExplainedAlert[] = [];
  let pages: ExplainedAlert[] = [];
  let webhook: WebhookReceiver | undefined;
  let alertmanager: AlertmanagerHandle | undefined;
  let prometheus: PrometheusHandle | undefined;
  let elasticsearch: ElasticsearchDouble | undefined;
  const services: Service[] = [];
  const controller = new AbortController();
  let load: Promise<LoadStats> | undefined;
  let live: LoadStats = {
    sent: 0,
    byStatus: {},
    errors: 0,
    processing: { sent: 0, byStatus: {}, errors: 0 },
  };
  let loadOptions: LoadOptions;
  let sample: Service;
  let storage: Service;
  const measured: string[] = [];

  let stopped: Promise<void> | undefined;
  const stopAll = () => {
    stopped ??= stopEverything();
    return stopped;
  };
  const stopEverything = async () => {
    controller.abort();
    await load?.catch(() => undefined);
    await prometheus?.stop();
    // Services before the Elasticsearch double, so their shutdown flush has somewhere to go.
    await Promise.all(services.map((s) => s.proc.stop()));
    await alertmanager?.stop();
    await elasticsearch?.close();
    await webhook?.close();
    work.remove();
  };

  beforeAll(async () => {
    // Rules and the detection bound come from the real CLI, as an SRE would get them; the storage
    // alerts from the on-call library with the demo's delays, as the demo builds them.
    cli(['generate', SPECS, '--out', work.path]);
    const storageRules = join(work.path, 'rules/operational-lab.rules.json'); // JSON is YAML too
    writeFileSync(
      storageRules,
      JSON.stringify(
        buildLabOperationalRules(
          readLabAlertInputs(readFileSync(LAB_SETTINGS, 'utf8'), LAB_SETTINGS),
          resolveOperationalOptions({ storage: STORAGE_ALERTS }),
        ),
      ),
    );
    const report = JSON.parse(
      cli(['explain', SPECS, '--evaluation-interval', `${EVAL_SECONDS}s`, '--json']),
    ) as { ok: boolean; alerts: ExplainedAlert[] };
    expect(report.ok).toBe(true);
    explained = report.alerts;
    pages = explained.filter(
      (a) => a.severity === 'critical' && a.service === PAGED.service && a.slo === PAGED.slo,
    );
    expect(pages.length).toBeGreaterThan(0);

    webhook = await startWebhookReceiver();
    alertmanager = await startAlertmanager({
      config: buildAlertmanagerConfig({
        pageWebhookUrl: `${webhook.url}/page`,
        ticketWebhookUrl: `${webhook.url}/ticket`,
        groupWait: `${GROUP_SECONDS}s`,
        groupInterval: `${GROUP_SECONDS}s`,
        repeatInterval: '1h',
      }),
    });
    elasticsearch = await startElasticsearchDouble();

    const env = {
      OTEL_TRACES_EXPORTER: 'none',
      LOG_LEVEL: 'info',
      TRACSEQ_ELASTICSEARCH_URL: elasticsearch.url,
      TRACSEQ_SHUTDOWN_TIMEOUT_MS: '2000',
    };
    const [storagePort, samplePort] = [await getFreePort(), await getFreePort()];
    storage = await startService('storage-service', storagePort, env);
    services.push(storage);
    sample = await startService('sample-service', samplePort, {
      ...env,
      STORAGE_SERVICE_URL: storage.url,
    });
    services.push(sample);

    prometheus = await startPrometheus({
      ruleFiles: [
        ...['sample-service', 'storage-service'].map((s) => join(work.path, `rules/${s}.rules.yml`)),
        storageRules,
      ],
      scrapeTargets: [
        { job: 'sample-service', targets: [new URL(sample.url).host] },
        { job: 'storage-service', targets: [new URL(storage.url).host] },
      ],
      scrapeInterval: `${SCRAPE_SECONDS}s`,
      evaluationInterval: `${EVAL_SECONDS}s`,
      alertmanagerUrls: [alertmanager.url],
    });
    await prometheus.waitForTargetsUp();

    loadOptions = {
      sampleServiceUrl: sample.url,
      storageServiceUrl: storage.url,
      rate: RATE,
      durationSeconds: 600,
      fault: 'none', // the test switches faults itself, with the load's own setFault
      faultAfterSeconds: 0,
      faultForSeconds: 0,
    };
    load = runLoad(loadOptions, controller.signal, (stats) => {
      live = stats;
    });
  });

  afterAll(async () => {
    await stopAll();
    if (measured.length > 0) console.log(`e2e measurements:\n  ${measured.join('\n  ')}`);
  });

  it('keeps serving and logging while Elasticsearch is down, stalled or failing', async () => {
    const es = elasticsearch as ElasticsearchDouble;
    // Shipping works before the trouble starts.
    await es.waitForDocuments(10);
    const snapshot = () => ({
      ...live.byStatus,
      errors: live.errors,
      ...Object.fromEntries(Object.entries(live.processing.byStatus).map(([k, v]) => [`process ${k}`, v])),
      'process errors': live.processing.errors,
    });
    for (const mode of ['down', 'stall', { status: 500 }] as const) {
      await es.setMode(mode);
      const before = snapshot();
      const lines = services.map((s) => s.stdoutLines());
      const esRequests = es.requests;
      await new Promise((r) => setTimeout(r, 5_000));
      const after = snapshot();
      const delta = Object.fromEntries(
        Object.entries(after)
          .map(([k, v]) => [k, v - ((before as Record<string, number>)[k] ?? 0)] as const)
          .filter(([, v]) => v !== 0),
      );
      // Every submission went through the whole saga, storage-service included, and every
      // processing freed its slot there: 2xx only, no 5xx, no connection errors, a steady flow.
      const context = `load responses while Elasticsearch is ${JSON.stringify(mode)}: ${JSON.stringify(delta)}`;
      expect(
        Object.keys(delta).filter((k) => !/^(process )?2\d\d$/.test(k)),
        context,
      ).toEqual([]);
      const served = Object.entries(delta)
        .filter(([k]) => /^2\d\d$/.test(k))
        .reduce((a, [, b]) => a + b, 0);
      expect(served, context).toBeGreaterThan(RATE * 2);
      services.forEach((s, i) => {
        expect(s.stdoutLines(), `${s.name} stdout lines`).toBeGreaterThan(lines[i] as number);
      });
      expect((await fetch(`${storage.url}/api/storage/zones`)).status).toBe(200);
      // The shippers did run into the trouble (refused connections are not counted as requests).
      // After the down phase they may be in retry backoff, so give them time to come back.
      if (mode !== 'down')
        await waitFor(() => es.requests > esRequests, {
          timeoutMs: 30_000,
          description: `a shipping attempt while Elasticsearch is ${JSON.stringify(mode)}`,
        });
    }
    const shipped = es.documents.length;
    await es.setMode('up');
    await es.waitForDocuments(shipped + 10);

    // Clean traffic all along: both windows of the quick page read zero, nothing burns.
    const p = prometheus as PrometheusHandle;
    for (const window of ['10s', '2m']) {
      await waitFor(
        async () =>
          (await p.queryValue(
            `slo:sli_error:ratio_rate${window}{slo_id="${PAGED.service}-${PAGED.slo}"}`,
          )) === 0,
        { description: `a zero error ratio over ${window}` },
      );
    }
    expect((await p.alerts()).filter((a) => a.labels.alertname === 'SloErrorBudgetBurn')).toEqual([]);
  });

  it('processes every accepted sample: its storage slot comes free and 1 in 400 fails QC as contaminated', async () => {
    const p = prometheus as PrometheusHandle;
    const sum = async (expr: string) => (await p.queryValue(`sum(${expr})`)) ?? 0;
    await waitFor(
      async () =>
        (await sum('tracseq_sample_errors_total{service="sample-service",reason="contaminated"}')) >= 1,
      { timeoutMs: 60_000, description: 'the first contaminated sample (1 in 400 processed)' },
    );
    // One scrape holds both counters, and /process moves them together.
    const [success, contaminated] = await Promise.all([
      sum('tracseq_samples_processed_total{service="sample-service",outcome="success"}'),
      sum('tracseq_sample_errors_total{service="sample-service",reason="contaminated"}'),
    ]);
    expect(success).toBeGreaterThanOrEqual(399);
    // Spread evenly, never drawn: exactly one per 400 processed so far.
    expect(contaminated).toBe(Math.floor((success + contaminated) / 400));
    // Processing consumes the sample, so storage holds only the samples between submission and
    // processing, not every sample ever submitted.
    const received = await sum('tracseq_samples_received_total{service="sample-service"}');
    const used = await sum('tracseq_storage_used_slots{service="storage-service"}');
    expect(used, `${used} slots used after ${received} samples`).toBeLessThan(received / 4);
  });

  // explain's bound assumes a clean long window before the outage; here the 2m window holds only
  // the ~25 s of clean load so far, which makes detection faster, never slower: still an upper bound.
  it('pages for sample-service requests-availability within the bound `tracseq-slo explain` gives', async () => {
    const outageStart = Date.now();
    await setFault(loadOptions, 'outage');
    const hook = webhook as WebhookReceiver;
    const longest = Math.max(...pages.map((a) => a.detectFullOutageSeconds ?? Number.POSITIVE_INFINITY));
    for (const alert of pages) {
      const bound = alert.detectFullOutageSeconds;
      expect(
        bound,
        `explain gives a full-outage bound for ${alert.longWindow}&${alert.shortWindow}`,
      ).toBeDefined();
      const windows = { long: alert.longWindow, short: alert.shortWindow };
      const page = await hook.waitForNotification(
        (n) => n.path === '/page' && n.alerts.some((a) => a.status === 'firing' && isPage(a, windows)),
        ((bound as number) + ALLOWANCE_SECONDS + 30) * 1000,
      );
      const detected = page.receivedAt - outageStart;
      measured.push(
        `page ${windows.long}&${windows.short}: ${seconds(detected)} s after the outage began; explain bound ${Number(bound?.toFixed(2))} s + allowance ${ALLOWANCE_SECONDS} s`,
      );
      expect(detected).toBeLessThanOrEqual(((bound as number) + ALLOWANCE_SECONDS) * 1000);

      expect(page).toMatchObject({
        receiver: 'page',
        status: 'firing',
        groupLabels: { alertname: 'SloErrorBudgetBurn', service: PAGED.service, slo: PAGED.slo },
      });
      const fired = page.alerts.find((a) => isPage(a, windows));
      expect(fired?.labels).toMatchObject({ team: 'lab-platform' });
      expect(fired?.annotations.runbook_url).toBe(`https://runbooks.tracseq.dev/slo/${PAGED.slo}`);
      expect(fired?.annotations.dashboard_url).toMatch(/^https?:\/\//);
      expect(fired?.annotations.summary).toMatch(/\S/);
      expect(fired?.annotations.description).toMatch(/\d/);
    }
    expect(longest).toBeLessThan(60);

    // Only the burning SLO paged: not the latency SLO, not storage-service (no traffic reaches it).
    const strays = hook.notifications
      .filter((n) => n.path === '/page')
      .flatMap((n) => n.alerts)
      .filter((a) => a.labels.service !== PAGED.service || a.labels.slo !== PAGED.slo);
    expect(strays.map((a) => a.labels)).toEqual([]);
  });

  it('sends the resolved notification once the outage ends, within the explained reset time', async () => {
    const recovered = Date.now();
    await setFault(loadOptions, 'none');
    const hook = webhook as WebhookReceiver;
    const firstResolved = hook.notifications.length;
    const later = () => hook.notifications.slice(firstResolved);
    for (const alert of pages) {
      const windows = { long: alert.longWindow, short: alert.shortWindow };
      const resolved = await waitFor(
        () =>
          later().find(
            (n) => n.path === '/page' && n.alerts.some((a) => a.status === 'resolved' && isPage(a, windows)),
          ),
        {
          timeoutMs: (alert.resetSeconds + ALLOWANCE_SECONDS + 30) * 1000,
          description: `the resolved page ${windows.long}&${windows.short}`,
        },
      );
      const took = resolved.receivedAt - recovered;
      measured.push(
        `resolved ${windows.long}&${windows.short}: ${seconds(took)} s after recovery; explain reset ${alert.resetSeconds} s + allowance ${ALLOWANCE_SECONDS} s`,
      );
      expect(took).toBeLessThanOrEqual((alert.resetSeconds + ALLOWANCE_SECONDS) * 1000);
    }
    // With every page of the group resolved, Alertmanager says so for the whole group.
    const last: WebhookNotification = await waitFor(
      () =>
        later().find((n) => n.path === '/page' && n.status === 'resolved' && n.groupLabels.slo === PAGED.slo),
      { timeoutMs: 10_000, description: 'a resolved notification of the whole page group' },
    );
    expect(last).toMatchObject({
      receiver: 'page',
      groupLabels: { alertname: 'SloErrorBudgetBurn', service: PAGED.service, slo: PAGED.slo },
    });
    expect(last.alerts.every((a) => a.status === 'resolved' && isPage(a))).toBe(true);
  });

  it('keeps a declared sequencer maintenance out of the SLIs: forced open, requests excluded, no page', async () => {
    const p = prometheus as PrometheusHandle;
    const hook = webhook as WebhookReceiver;
    const pagesBefore = hook.notifications.filter((n) => n.path === '/page').length;
    const forcedOpen = `tracseq_circuit_breaker_state{service="sample-service",breaker="${SEQUENCER_BREAKER}",state="forced_open"}`;
    const excluded =
      'sum(tracseq_http_server_excluded_requests_total{service="sample-service",reason="maintenance",http_response_status_code="503"})';
    await setFault(loadOptions, 'sequencer-maintenance');
    try {
      await waitFor(async () => (await p.queryValue(forcedOpen)) === 1, {
        timeoutMs: 30_000,
        description: `${forcedOpen} == 1`,
      });
      await waitFor(async () => ((await p.queryValue(excluded)) ?? 0) >= 20, {
        timeoutMs: 30_000,
        description: 'maintenance rejections counted as excluded requests',
      });
      // Every submission now fails with 503, yet the availability SLI sees none of them, so the
      // quickest page window stays clean for longer than it would take to fire.
      const quickest = Math.min(...pages.map((a) => a.detectFullOutageSeconds ?? Number.POSITIVE_INFINITY));
      await new Promise((resolve) => setTimeout(resolve, (quickest + ALLOWANCE_SECONDS) * 1000));
      expect(
        await p.queryValue('slo:sli_error:ratio_rate10s{slo_id="sample-service-requests-availability"}'),
      ).toBe(0);
      expect(hook.notifications.filter((n) => n.path === '/page')).toHaveLength(pagesBefore);
    } finally {
      await setFault(loadOptions, 'none');
    }
    // Ending the window closes the breaker again.
    await waitFor(async () => (await p.queryValue(forcedOpen.replace('forced_open', 'closed'))) === 1, {
      timeoutMs: 30_000,
      description: 'the sequencer breaker closed after the maintenance window',
    });
  });

  it('opens the sequencer breaker on a sequencer outage, and Prometheus shows it', async () => {
    const p = prometheus as PrometheusHandle;
    const state = (s: string) =>
      `tracseq_circuit_breaker_state{service="sample-service",breaker="${SEQUENCER_BREAKER}",state="${s}"}`;
    expect(await p.queryValue(state('closed'))).toBe(1);
    await setFault(loadOptions, 'sequencer-outage');
    try {
      await waitFor(async () => (await p.queryValue(state('open'))) === 1, {
        timeoutMs: 30_000,
        description: `${state('open')} == 1`,
      });
      expect(await p.queryValue(state('closed'))).toBe(0);
      // The storage breaker is a different breaker: storage-service is fine and it stays closed.
      expect(
        await p.queryValue(
          'tracseq_circuit_breaker_state{service="sample-service",breaker="lab-a/storage-service/reserve",state="open"}',
        ),
      ).toBe(0);
    } finally {
      await setFault(loadOptions, 'none');
    }
  });

  it('fills freezer_minus_80 without a 409 on storage-fill, pages for it, and resolves when the batch leaves', async () => {
    const p = prometheus as PrometheusHandle;
    const hook = webhook as WebhookReceiver;
    const storagePage = (status: 'firing' | 'resolved') => (n: WebhookNotification) =>
      n.path === '/page' &&
      n.alerts.some(
        (a) =>
          a.status === status &&
          a.labels.alertname === 'TracseqStorageZoneAlmostFull' &&
          a.labels.severity === 'critical' &&
          a.labels.zone === FILLED_ZONE,
      );
    // sample-service exports the zone gauges too (at 0): storage-service's are the ones that move.
    const zone = `{service="storage-service",zone="${FILLED_ZONE}"}`;
    const fill = `tracseq_storage_used_slots${zone} / tracseq_storage_capacity_slots${zone}`;
    const rejectedBefore = live.byStatus['409'] ?? 0;
    const started = Date.now();
    await setFault(loadOptions, 'storage-fill');
    try {
      // 20 s of filling, 10 s at >= 95 %, then evaluation, group_wait and delivery.
      const page = await hook.waitForNotification(storagePage('firing'), 60_000);
      measured.push(`storage page: ${seconds(page.receivedAt - started)} s after the fill began`);
      const ratio = (await p.queryValue(fill)) ?? 0;
      expect(ratio).toBeGreaterThanOrEqual(0.95);
      expect(ratio).toBeLessThan(1);
      expect(live.byStatus['409'] ?? 0, 'submissions rejected as storage full').toBe(rejectedBefore);
    } finally {
      await setFault(loadOptions, 'none');
    }
    await hook.waitForNotification(storagePage('resolved'), 30_000);
    expect((await p.queryValue(fill)) ?? 1).toBeLessThan(0.5);
  });

  it('opens the sequencer breaker on slow calls when the sequencer answers slowly: outcome slow, no failures', async () => {
    const p = prometheus as PrometheusHandle;
    const state = (s: string) =>
      `tracseq_circuit_breaker_state{service="sample-service",breaker="${SEQUENCER_BREAKER}",state="${s}"}`;
    const calls = (outcome: string) =>
      `sum(tracseq_circuit_breaker_calls_total{service="sample-service",breaker="${SEQUENCER_BREAKER}",outcome="${outcome}"})`;
    // The outage phase left the breaker open; it closes after its reset timeout (1m) and a trial.
    await waitFor(async () => (await p.queryValue(state('closed'))) === 1, {
      timeoutMs: 110_000,
      description: 'the sequencer breaker closed again before the slow phase',
    });
    const transitions = `sum(tracseq_circuit_breaker_transitions_total{service="sample-service",breaker="${SEQUENCER_BREAKER}",from="closed",to="open"})`;
    const failuresBefore = (await p.queryValue(calls('failure'))) ?? 0;
    const slowBefore = (await p.queryValue(calls('slow'))) ?? 0;
    const openedBefore = (await p.queryValue(transitions)) ?? 0;
    await setFault(loadOptions, 'sequencer-slow');
    try {
      await waitFor(async () => (await p.queryValue(state('open'))) === 1, {
        timeoutMs: 60_000,
        description: `${state('open')} == 1 on slow calls`,
      });
      // Opened by the slow-call rate: at least the minimum volume (5) of slow calls, no failures.
      await waitFor(async () => ((await p.queryValue(calls('slow'))) ?? 0) - slowBefore >= 3, {
        timeoutMs: 30_000,
        description: 'slow calls counted with outcome slow',
      });
      expect((await p.queryValue(calls('failure'))) ?? 0).toBe(failuresBefore);
      await waitFor(async () => ((await p.queryValue(transitions)) ?? 0) > openedBefore, {
        timeoutMs: 30_000,
        description: 'a closed -> open transition counted during the slow phase',
      });
    } finally {
      await setFault(loadOptions, 'none');
    }
    // Waits out the outage phase's reset timeout (1m) first: longer than the default test timeout.
  }, 240_000);

  it('paged for no service the faults did not hit, and stops every process it started', async () => {
    const hook = webhook as WebhookReceiver;
    // The one alert of storage-service the run provoked: the filled zone.
    const foreign = hook.notifications
      .flatMap((n) => n.alerts)
      .filter((a) => a.labels.service !== PAGED.service)
      .filter(
        (a) => !(a.labels.alertname === 'TracseqStorageZoneAlmostFull' && a.labels.zone === FILLED_ZONE),
      );
    expect(foreign.map((a) => a.labels)).toEqual([]);

    const urls = [
      (prometheus as PrometheusHandle).url,
      (alertmanager as AlertmanagerHandle).url,
      ...services.map((s) => s.url),
    ];
    await stopAll();
    for (const s of services) {
      expect(s.proc.exited(), `${s.name} exited`).toBe(true);
      expect(() => process.kill(s.proc.child.pid as number, 0), `${s.name} pid gone`).toThrow();
    }
    for (const url of urls) {
      await expect(fetch(url), `${url} no longer answers`).rejects.toThrow();
    }
  });
});
