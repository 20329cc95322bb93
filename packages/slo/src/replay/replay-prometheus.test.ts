import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { getFreePort, makeTempDir, type PrometheusHandle, startBackfilledPrometheus } from '@tracseq/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/test-run-cli.js';

// Eight days of synthetic per-minute history backfilled with promtool into a real Prometheus,
// then `tracseq-slo replay` over the last five. Every firing interval, count and budget figure
// expected below is computed here from the generated per-minute counts with plain arithmetic
// (window sums against factor x budget), never with the replay's own code.

const MINUTE = 60;
const DAY = 86_400;
const T0 = Date.UTC(2025, 0, 1) / 1000;
const MINUTES = 8 * 1440;
// Evaluations fall half-way between samples, so no sample sits on a window boundary (Prometheus
// 2 selects [t-w, t], 3 selects (t-w, t]); then a window of w holds w/60 samples, w/60 - 1
// per-minute increments, and rate() extrapolates errors and total by the same factor.
const FROM = T0 + 3 * DAY + 30;
const TO = T0 + 8 * DAY - 30;
const iso = (seconds: number) => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
// Counters start high, as after a long uptime: extrapolation is never cut at a zero value.
const OFFSET = 1_000_000_000;

/** Per-minute increments (index i: from sample i-1 to sample i) of one route's good and bad requests. */
interface Traffic {
  readonly route: string;
  readonly total: number[];
  readonly errors: number[];
}

function traffic(
  route: string,
  perMinute: number,
  bursts: [startMinute: number, minutes: number, bad: number][],
) {
  const total = Array.from({ length: MINUTES + 1 }, (_, i) => (i === 0 ? 0 : perMinute));
  const errors = total.map(() => 0);
  for (const [start, minutes, bad] of bursts) for (let i = start; i < start + minutes; i++) errors[i] = bad;
  return { route, total, errors };
}

const at = (day: number, hour: number, minute = 0) => day * 1440 + hour * 60 + minute;
// samples-api: a 20-minute burst of 10 % errors (the fast page only), four hours at 2 % (both
// pages and both tickets, the tickets outliving the pages), and a blip at 1 % that pages nothing.
const SAMPLES = traffic('/api/samples', 1000, [
  [at(4, 10), 20, 100],
  [at(5, 2), 240, 20],
  [at(6, 12), 90, 10],
]);
// rare-api: three requests a minute, all failing for half an hour. Its SLO has minEvents: 200,
// so the 1h pair (180 events) stays quiet while the 6h pair pages.
const RARE = traffic('/api/rare', 3, [[at(7, 3), 30, 3]]);
// gappy-api: never fails, but its scrapes stop for half an hour (no samples at all).
const GAPPY = traffic('/api/gappy', 600, []);
const GAP = { start: at(6, 8), minutes: 30 };
const scraped = (route: Traffic, i: number) =>
  route !== GAPPY || i < GAP.start || i >= GAP.start + GAP.minutes;

const SPEC = `version: tracseq.slo/v1
service: replay-service
slos:
  - name: samples-availability
    objective: 99.9
    sli: { preset: http-availability, selector: { http_route: /api/samples } }
  - name: rare-availability
    objective: 99.9
    sli: { preset: http-availability, selector: { http_route: /api/rare } }
    alerting: { minEvents: 200 }
    policy: { minBudgetLeft: 25 }
  - name: gappy-availability
    objective: 99.9
    sli: { preset: http-availability, selector: { http_route: /api/gappy } }
`;

/** 30d pairs: long and short window in seconds, factor, severity (DESIGN §5). */
const PAIRS = [
  { long: 3600, short: 300, factor: 14.4, kind: 'page', name: '1h/5m' },
  { long: 6 * 3600, short: 1800, factor: 6, kind: 'page', name: '6h/30m' },
  { long: DAY, short: 2 * 3600, factor: 3, kind: 'ticket', name: '1d/2h' },
  { long: 3 * DAY, short: 6 * 3600, factor: 1, kind: 'ticket', name: '3d/6h' },
] as const;
const BUDGET = 0.001;

function openMetrics(): string {
  const lines = ['# TYPE http_server_request_duration_seconds_count unknown'];
  for (const traffic of [SAMPLES, RARE, GAPPY]) {
    const { route, total, errors } = traffic;
    for (const status of ['200', '500']) {
      const labels = `{service="replay-service",http_request_method="GET",http_route="${route}",http_response_status_code="${status}"}`;
      let value = OFFSET;
      for (let i = 0; i <= MINUTES; i++) {
        value += status === '500' ? (errors[i] as number) : (total[i] as number) - (errors[i] as number);
        if (scraped(traffic, i))
          lines.push(`http_server_request_duration_seconds_count${labels} ${value} ${T0 + i * MINUTE}`);
      }
    }
  }
  lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}

/** Sum of increments of samples (t-w, t] at an evaluation time t half-way between samples. */
function windowSum(increments: readonly number[], t: number, window: number): number {
  const last = (t - 30 - T0) / MINUTE;
  const first = last - window / MINUTE + 2;
  let sum = 0;
  for (let i = first; i <= last; i++) sum += increments[i] as number;
  return sum;
}

function ratio(route: Traffic, t: number, window: number): number {
  const value = windowSum(route.errors, t, window) / windowSum(route.total, t, window);
  const threshold = PAIRS.map((p) => p.factor * BUDGET);
  if (threshold.some((x) => Math.abs(value - x) < 1e-12))
    throw new Error(`test data ties a threshold at ${t}`);
  return value;
}

interface Expected {
  start: string;
  end: string | null;
}

/** The stretches of the evaluations from FROM to TO, every `step` seconds, at which `firing` holds. */
function intervalsWhere(step: number, firing: (t: number) => boolean): Expected[] {
  const intervals: Expected[] = [];
  let start: number | undefined;
  for (let t = FROM; t <= TO; t += step) {
    const now = firing(t);
    if (now && start === undefined) start = t;
    if (!now && start !== undefined) {
      intervals.push({ start: iso(start), end: iso(t) });
      start = undefined;
    }
  }
  if (start !== undefined) intervals.push({ start: iso(start), end: null });
  return intervals;
}

/** Firing intervals of one pair: evaluations where both windows burn faster than factor x budget. */
function expectedIntervals(route: Traffic, pair: (typeof PAIRS)[number], minEvents?: number): Expected[] {
  const threshold = pair.factor * BUDGET;
  return intervalsWhere(MINUTE, (t) => {
    // rate() over w extrapolates the w - 60 s the samples span to the whole window.
    const events = (windowSum(route.total, t, pair.long) * pair.long) / (pair.long - MINUTE);
    return (
      ratio(route, t, pair.long) > threshold &&
      ratio(route, t, pair.short) > threshold &&
      (minEvents === undefined || events >= minEvents)
    );
  });
}

/** `SloErrorBudgetLow`'s evaluation interval for a 30d period (1/720 of it). */
const BUDGET_STEP = 3600;

/**
 * Firing intervals of `SloErrorBudgetLow` (no `for:`): evaluations every hour where the budget
 * left over the period, 1 − errors/total ÷ budget, is under `minBudgetLeft` %. The 30d window
 * holds all eight days, so it sums every increment up to the evaluation.
 */
function expectedBudgetLow(route: Traffic, minBudgetLeft: number): Expected[] {
  return intervalsWhere(BUDGET_STEP, (t) => {
    const last = (t - 30 - T0) / MINUTE;
    let errors = 0;
    let total = 0;
    for (let i = 1; i <= last; i++) {
      errors += route.errors[i] as number;
      total += route.total[i] as number;
    }
    return 1 - errors / total / BUDGET < minBudgetLeft / 100;
  });
}

/**
 * Firing intervals of `SloMetricAbsent` (`for: 10m`): the total's 5m rate is missing while its
 * window (t − 5m, t] holds fewer than two samples; the alert fires once that has lasted 10 minutes.
 */
function expectedAbsent(route: Traffic): Expected[] {
  const intervals: Expected[] = [];
  let since: number | undefined;
  let firing: number | undefined;
  for (let t = FROM; t <= TO; t += MINUTE) {
    const last = (t - 30 - T0) / MINUTE;
    let samples = 0;
    for (let i = last - 4; i <= last; i++) if (i >= 0 && scraped(route, i)) samples++;
    if (samples < 2) {
      since ??= t;
      if (firing === undefined && t - since >= 600) firing = t;
    } else {
      if (firing !== undefined) intervals.push({ start: iso(firing), end: iso(t) });
      since = undefined;
      firing = undefined;
    }
  }
  if (firing !== undefined) intervals.push({ start: iso(firing), end: null });
  return intervals;
}

/** Merged stretches of a severity's intervals, and how many lie wholly inside a page stretch. */
function merged(intervals: Expected[]): [number, number][] {
  const spans = intervals
    .map((i): [number, number] => [Date.parse(i.start), i.end === null ? TO * 1000 : Date.parse(i.end)])
    .sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  for (const span of spans) {
    const last = out[out.length - 1];
    if (last && span[0] <= last[1]) last[1] = Math.max(last[1], span[1]);
    else out.push([...span]);
  }
  return out;
}

interface ReplayJson {
  ok: boolean;
  from: string;
  to: string;
  stepSeconds: number;
  slos: {
    service: string;
    slo: string;
    errorRatio: number | null;
    burnRate: number | null;
    budgetSpent: number | null;
    pages: number;
    tickets: number;
    ticketsInhibited: number;
    alerts: {
      alertname: string;
      kind: string;
      severity: string;
      longWindow: string;
      shortWindow: string;
      intervals: { start: string; end: string | null; labels: Record<string, string> }[];
    }[];
    conditions: {
      alertname: string;
      severity: string;
      forSeconds: number;
      stepSeconds: number;
      intervals: { start: string; end: string | null }[];
    }[];
  }[];
}

describe('tracseq-slo replay on a real Prometheus with backfilled history', { timeout: 180_000 }, () => {
  const tmp = makeTempDir('slo-replay');
  const specDir = join(tmp.path, 'slos');
  let prometheus: PrometheusHandle | undefined;
  let json: ReplayJson;

  beforeAll(async () => {
    mkdirSync(specDir);
    writeFileSync(join(specDir, 'replay-service.yaml'), SPEC);
    prometheus = await startBackfilledPrometheus({
      dir: tmp.path,
      openMetrics: openMetrics(),
      maxBlockDuration: '162h',
    });
    const run = await runCli([
      'replay',
      specDir,
      '--prometheus',
      prometheus.url,
      '--from',
      iso(FROM),
      '--to',
      iso(TO),
      '--step',
      '1m',
      '--json',
    ]);
    if (run.code !== 0) throw new Error(`replay exited ${run.code}:\n${run.stderr}`);
    json = JSON.parse(run.stdout) as ReplayJson;
  }, 180_000);

  afterAll(async () => {
    await prometheus?.stop();
    tmp.remove();
  });

  const slo = (name: string) => {
    const found = json.slos.find((s) => s.slo === name);
    if (!found) throw new Error(`no ${name} in the replay`);
    return found;
  };

  it('reports every interval each window pair would have fired, as computed from the counts', () => {
    expect(json).toMatchObject({ ok: true, from: iso(FROM), to: iso(TO), stepSeconds: 60 });
    for (const [name, route, minEvents] of [
      ['samples-availability', SAMPLES, undefined],
      ['rare-availability', RARE, 200],
    ] as const) {
      const alerts = slo(name).alerts;
      expect(alerts.map((a) => `${a.kind} ${a.longWindow}/${a.shortWindow}`)).toEqual(
        PAIRS.map((p) => `${p.kind} ${p.name}`),
      );
      for (const [index, pair] of PAIRS.entries()) {
        const alert = alerts[index];
        expect(alert?.alertname).toBe('SloErrorBudgetBurn');
        expect(alert?.severity).toBe(pair.kind === 'page' ? 'critical' : 'warning');
        expect(
          alert?.intervals.map(({ start, end }) => ({ start, end })),
          `${name} ${pair.name}`,
        ).toEqual(expectedIntervals(route, pair, minEvents));
        for (const interval of alert?.intervals ?? []) expect(interval.labels).toEqual({});
      }
    }
  });

  it('exercises both severities and the minEvents gate (the expectations are not empty)', () => {
    const samples = PAIRS.map((p) => expectedIntervals(SAMPLES, p).length);
    expect(samples.every((n) => n > 0)).toBe(true);
    // Without the gate the rare SLO's fast page would fire; with it, only the 6h pair pages.
    expect(expectedIntervals(RARE, PAIRS[0]).length).toBeGreaterThan(0);
    expect(expectedIntervals(RARE, PAIRS[0], 200)).toEqual([]);
    expect(expectedIntervals(RARE, PAIRS[1], 200).length).toBeGreaterThan(0);
  });

  it('replays SloErrorBudgetLow (hourly, for the SLO with a budget policy) and SloMetricAbsent', () => {
    const conditions = (name: string) =>
      Object.fromEntries(
        slo(name).conditions.map((c) => [
          c.alertname,
          { ...c, intervals: c.intervals.map(({ start, end }) => ({ start, end })) },
        ]),
      );
    const rare = conditions('rare-availability');
    expect(Object.keys(rare)).toEqual(['SloErrorBudgetLow', 'SloMetricAbsent']);
    expect(rare.SloErrorBudgetLow).toMatchObject({
      severity: 'warning',
      forSeconds: 0,
      stepSeconds: BUDGET_STEP,
    });
    expect(rare.SloErrorBudgetLow?.intervals).toEqual(expectedBudgetLow(RARE, 25));
    expect(rare.SloMetricAbsent?.intervals).toEqual([]);
    const gappy = conditions('gappy-availability');
    // No budget policy: no SloErrorBudgetLow.
    expect(Object.keys(gappy)).toEqual(['SloMetricAbsent']);
    expect(gappy.SloMetricAbsent).toMatchObject({ severity: 'warning', forSeconds: 600, stepSeconds: 60 });
    expect(gappy.SloMetricAbsent?.intervals).toEqual(expectedAbsent(GAPPY));
    // The expectations are not empty: the budget runs low once and stays low; the gap fires once.
    expect(expectedBudgetLow(RARE, 25)).toHaveLength(1);
    expect(expectedAbsent(GAPPY)).toHaveLength(1);
    // Neither counts as a page or a ticket.
    expect(slo('gappy-availability')).toMatchObject({ pages: 0, tickets: 0 });
  });

  it('counts pages (overlapping pairs merged) and tickets (less those inside a page)', () => {
    for (const [name, route, minEvents] of [
      ['samples-availability', SAMPLES, undefined],
      ['rare-availability', RARE, 200],
    ] as const) {
      const pages = merged(
        PAIRS.filter((p) => p.kind === 'page').flatMap((p) => expectedIntervals(route, p, minEvents)),
      );
      const tickets = merged(
        PAIRS.filter((p) => p.kind === 'ticket').flatMap((p) => expectedIntervals(route, p, minEvents)),
      );
      const inhibited = tickets.filter(([s, e]) => pages.some(([ps, pe]) => ps <= s && e <= pe)).length;
      expect(slo(name)).toMatchObject({
        pages: pages.length,
        tickets: tickets.length - inhibited,
        ticketsInhibited: inhibited,
      });
    }
    // Three bursts, the third too small to page: two pages.
    expect(slo('samples-availability').pages).toBe(2);
  });

  it('reports the error ratio and the budget spent over the range', () => {
    const range = TO - FROM;
    for (const [name, route] of [
      ['samples-availability', SAMPLES],
      ['rare-availability', RARE],
    ] as const) {
      const errorRatio = ratio(route, TO, range);
      const report = slo(name);
      expect(report.errorRatio).toBeCloseTo(errorRatio, 12);
      expect(report.burnRate).toBeCloseTo(errorRatio / BUDGET, 9);
      expect(report.budgetSpent).toBeCloseTo(((errorRatio / BUDGET) * range) / (30 * DAY), 9);
    }
  });

  it('prints the same as text', async () => {
    const run = await runCli([
      'replay',
      specDir,
      '--prometheus',
      prometheus?.url ?? '',
      '--from',
      iso(FROM),
      '--to',
      iso(TO),
    ]);
    expect(run.code, run.stderr).toBe(0);
    const samples = slo('samples-availability');
    expect(run.stdout).toContain(
      `replay-service/samples-availability (99.9% over 30d): ${samples.pages} page(s), ${samples.tickets} ticket(s)`,
    );
    const first = samples.alerts[0]?.intervals[0];
    expect(run.stdout).toContain(`    ${first?.start} → ${first?.end} (`);
    expect(run.stdout).toMatch(/^ {2}page {3}1h\/5m {7}14\.4x {3}fired 2 time\(s\):$/m);
    expect(run.stdout).toMatch(/^ {2}SloErrorBudgetLow fired 1 time\(s\) \(every 1h\):$/m);
    expect(run.stdout).toMatch(/^ {2}SloMetricAbsent fired 1 time\(s\) \(every 1m, for 10m\):$/m);
  });

  it('exits 5 naming the URL when Prometheus is unreachable', async () => {
    const closed = `http://127.0.0.1:${await getFreePort()}`;
    const run = await runCli(['replay', specDir, '--prometheus', closed, '--from', '-1h', '--to', 'now']);
    expect(run.code).toBe(5);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `tracseq-slo: cannot reach Prometheus at ${closed}: ECONNREFUSED; nothing replayed\n`,
    );
  });

  it('exits 1 on an invalid spec, naming file, line and field', async () => {
    const bad = join(tmp.path, 'bad');
    mkdirSync(bad);
    writeFileSync(
      join(bad, 's.yaml'),
      SPEC.replace(
        'objective: 99.9\n    sli: { preset: http-availability, selector: { http_route: /api/rare',
        'objective: 100\n    sli: { preset: http-availability, selector: { http_route: /api/rare',
      ),
    );
    const run = await runCli([
      'replay',
      bad,
      '--prometheus',
      prometheus?.url ?? '',
      '--from',
      '-1h',
      '--to',
      'now',
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(
      new RegExp(`^${join(bad, 's.yaml').replace(/[.]/g, '\\.')}:8:16: slos\\[1\\]\\.objective: `),
    );
    expect(run.stderr).not.toMatch(/^\s+at /m);
  });

  it('exits 2 on bad --from/--to/--step', async () => {
    const url = prometheus?.url ?? '';
    const cases: [string[], string][] = [
      [['--from', 'yesterday', '--to', 'now'], '--from: "yesterday" is not a time'],
      [['--from', '-1h', '--to', '2025-13-01T00:00:00Z'], '--to: "2025-13-01T00:00:00Z" is not a time'],
      [['--from', 'now', '--to', '-1h'], '--from now must be at least one --step (1m) before --to -1h'],
      [['--from', '-1x', '--to', 'now'], '--from: "-1x": "1x" is not a duration'],
      [['--to', 'now'], '--from T is required'],
      [['--from', '-1h', '--to', 'now', '--step', '0s'], '--step: "0s" is not a duration'],
    ];
    for (const [args, message] of cases) {
      const run = await runCli(['replay', specDir, '--prometheus', url, ...args]);
      expect(run.code, args.join(' ')).toBe(2);
      expect(run.stderr).toContain(`tracseq-slo: ${message}`);
    }
  });
});
