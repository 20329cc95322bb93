import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir, type PrometheusHandle, startBackfilledPrometheus } from '@tracseq/testkit';

// Test fixture (not built: test-*.ts): thirty days of synthetic history, backfilled with
// promtool into a real Prometheus, shared by the report tests. Every expectation the tests use
// is computed here from the generated increments and incident definitions, not by the report
// code's formulas.

export const T0 = Date.UTC(2025, 0, 1) / 1000; // 2025-01-01T00:00:00Z
export const DAY = 86_400;
export const AT = T0 + 30 * DAY; // 2025-01-31T00:00:00Z, the end of the history
const INTERVAL = 300; // counter samples every 5 minutes
const INTERVALS = (30 * DAY) / INTERVAL;
export const SERVICE = 'sample-service';

export const SPEC = `version: tracseq.slo/v1
service: ${SERVICE}
slos:
  - name: requests-availability
    objective: 99.9
    sli: { preset: http-availability }
    alerting: { runbookUrl: https://runbooks.example/a }
  - name: checkout-availability
    objective: 99.5
    sli: { preset: http-availability, selector: { http_route: /api/checkout } }
    alerting: { runbookUrl: https://runbooks.example/c }
`;

/** Per-5-minute increments of one counter series; `i` is the interval ending at T0 + i * 5m. */
interface CounterSeries {
  readonly labels: Readonly<Record<string, string>>;
  readonly increment: (i: number) => number;
}

export const at = (day: number, hour: number, minute = 0) => T0 + day * DAY + hour * 3600 + minute * 60;
/** Is the interval ending at T0 + i * 5m inside [from, to)? */
const within = (i: number, from: number, to: number) =>
  T0 + (i - 1) * INTERVAL >= from && T0 + i * INTERVAL <= to;
const hourOf = (i: number) => Math.floor((((i - 1) * INTERVAL) % DAY) / 3600);
const dayOf = (i: number) => Math.floor(((i - 1) * INTERVAL) / DAY);
const busy = (i: number) => hourOf(i) >= 8 && hourOf(i) < 20;

// Error plateaus: constant per-interval traffic for longer than an hour, so the worst 1h window
// is the same under Prometheus 2's closed and Prometheus 3's left-open range selectors.
const SAMPLES_OUTAGE = [at(4, 10), at(4, 12)] as const; // 5 % of /api/samples fails
const SAMPLES_BLIP = [at(12, 3), at(12, 3, 30)] as const; // 2 % of /api/samples fails, at night
const CHECKOUT_OUTAGE = [at(20, 14), at(20, 15, 30)] as const; // 5 % of /api/checkout fails
const QUIET_DAYS = new Set([4, 12, 20]); // no background errors on plateau days
const first = (i: number) => i <= 1; // the first interval has no traffic (see the rate() note)

const samples200 = (i: number) =>
  first(i)
    ? 0
    : within(i, ...SAMPLES_OUTAGE)
      ? 2840
      : within(i, ...SAMPLES_BLIP)
        ? 284
        : busy(i)
          ? 3000
          : 300;
const samples404 = (i: number) => (first(i) ? 0 : 10);
const samples500 = (i: number) =>
  first(i)
    ? 0
    : within(i, ...SAMPLES_OUTAGE)
      ? 150
      : within(i, ...SAMPLES_BLIP)
        ? 6
        : !QUIET_DAYS.has(dayOf(i)) && i % 7 === 0
          ? 1
          : 0;
const checkout200 = (i: number) => (first(i) ? 0 : within(i, ...CHECKOUT_OUTAGE) ? 570 : busy(i) ? 600 : 60);
const checkout503 = (i: number) =>
  first(i) ? 0 : within(i, ...CHECKOUT_OUTAGE) ? 30 : !QUIET_DAYS.has(dayOf(i)) && i % 13 === 0 ? 1 : 0;

const requests = (route: string, status: string, service = SERVICE) => ({
  service,
  http_request_method: 'GET',
  http_route: route,
  http_response_status_code: status,
});

const COUNTERS: CounterSeries[] = [
  { labels: requests('/api/samples', '200'), increment: samples200 },
  { labels: requests('/api/samples', '404'), increment: samples404 },
  { labels: requests('/api/samples', '500'), increment: samples500 },
  { labels: requests('/api/checkout', '200'), increment: checkout200 },
  { labels: requests('/api/checkout', '503'), increment: checkout503 },
  // Another service's outage must not count.
  { labels: requests('/api/samples', '500', 'other-service'), increment: (i) => (first(i) ? 0 : 50) },
];

/** A firing (or other) ALERTS series present every minute in [from, to). */
interface AlertSeries {
  readonly labels: Readonly<Record<string, string>>;
  readonly from: number;
  readonly to: number;
}

const alert = (
  slo: string,
  pair: string,
  from: number,
  to: number,
  extra: Record<string, string> = {},
): AlertSeries => {
  const [long, short] = pair.split('/') as [string, string];
  return {
    labels: {
      alertname: 'SloErrorBudgetBurn',
      alertstate: 'firing',
      long_window: long,
      service: SERVICE,
      severity: 'critical',
      short_window: short,
      slo,
      ...extra,
    },
    from,
    to,
  };
};

export const A = 'requests-availability';
export const B = 'checkout-availability';
const ALERT_SERIES: AlertSeries[] = [
  // A, incident 1: two overlapping page pairs, 10:02 → 10:09 (7 min, misses the 5 min target).
  alert(A, '1h/5m', at(4, 10, 1), at(4, 10, 2), { alertstate: 'pending' }),
  alert(A, '1h/5m', at(4, 10, 2), at(4, 10, 6)),
  alert(A, '6h/30m', at(4, 10, 4), at(4, 10, 9)),
  alert(A, '1d/2h', at(4, 10, 5), at(4, 11, 0), { severity: 'warning' }),
  // A, incident 2: 03:10 → 03:13 (3 min).
  alert(A, '1h/5m', at(12, 3, 10), at(12, 3, 13)),
  // A, incident 3: still firing at the end of the history (20 min so far).
  alert(A, '6h/30m', AT - 20 * 60, AT + 60),
  // B, incident 1: 14:05 → 14:09 (4 min).
  alert(B, '1h/5m', at(20, 14, 5), at(20, 14, 9)),
  // Another service's SLO of the same name.
  alert(A, '1h/5m', at(25, 9), at(25, 10), { service: 'other-service' }),
];

function labelText(labels: Readonly<Record<string, string>>): string {
  return `{${Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .join(',')}}`;
}

function openMetrics(): string {
  const lines = ['# TYPE http_server_request_duration_seconds_count unknown'];
  for (const { labels, increment } of COUNTERS) {
    let value = 0;
    for (let i = 0; i <= INTERVALS; i++) {
      value += i === 0 ? 0 : increment(i);
      lines.push(
        `http_server_request_duration_seconds_count${labelText(labels)} ${value} ${T0 + i * INTERVAL}`,
      );
    }
  }
  lines.push('# TYPE ALERTS gauge');
  for (const { labels, from, to } of ALERT_SERIES) {
    for (let t = from; t < to && t <= AT; t += 60) lines.push(`ALERTS${labelText(labels)} 1 ${t}`);
  }
  lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}

/** Expected period error ratio and worst 1h error ratio of an SLO made of `errors` and `totals`. */
function expected(errors: (i: number) => number, totals: (i: number) => number) {
  let bad = 0;
  let all = 0;
  let worst = 0;
  const perHour = INTERVALS / (30 * 24);
  for (let i = 1; i <= INTERVALS; i++) {
    bad += errors(i);
    all += totals(i);
    if (i >= perHour) {
      let hourBad = 0;
      let hourAll = 0;
      for (let j = i - perHour + 1; j <= i; j++) {
        hourBad += errors(j);
        hourAll += totals(j);
      }
      if (hourAll > 0) worst = Math.max(worst, hourBad / hourAll);
    }
  }
  return { ratio: bad / all, worst };
}

export const EXPECTED_A = expected(
  (i) => samples500(i) + checkout503(i),
  (i) => samples200(i) + samples404(i) + samples500(i) + checkout200(i) + checkout503(i),
);
export const EXPECTED_B = expected(checkout503, (i) => checkout200(i) + checkout503(i));

/** Runs the built `tracseq-slo` CLI. */
export { type CliRun as Run, runCli as cli } from '../cli/test-run-cli.js';

/** A running Prometheus holding the history, and the spec directory of its SLOs. */
export interface ReportHistory {
  readonly prometheus: PrometheusHandle;
  readonly specDir: string;
  /** Stops Prometheus and removes the temp folder. */
  stop(): Promise<void>;
}

/** Backfills the history with promtool into a fresh TSDB and starts Prometheus on it. */
export async function startReportHistory(name: string): Promise<ReportHistory> {
  const tmp = makeTempDir(name);
  const specDir = join(tmp.path, 'slos');
  try {
    mkdirSync(specDir);
    writeFileSync(join(specDir, 'sample-service.yaml'), SPEC);
    // Missing tools fail here with the testkit's MissingToolError message; never a skip. One
    // block per 162h instead of per 2h: promtool re-reads the whole input for every block.
    const prometheus = await startBackfilledPrometheus({
      dir: tmp.path,
      openMetrics: openMetrics(),
      maxBlockDuration: '162h',
    });
    return {
      prometheus,
      specDir,
      async stop() {
        await prometheus.stop();
        tmp.remove();
      },
    };
  } catch (error) {
    tmp.remove();
    throw error;
  }
}
