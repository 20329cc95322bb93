import { getFreePort } from '@tracseq/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  A,
  AT,
  B,
  cli,
  DAY,
  EXPECTED_A,
  EXPECTED_B,
  type ReportHistory,
  SERVICE,
  startReportHistory,
} from './test-report-history.js';

describe('tracseq-slo report on a real Prometheus with 30 days of backfilled history', () => {
  let history: ReportHistory | undefined;
  let specDir = '';
  let prometheus: ReportHistory['prometheus'] | undefined;

  beforeAll(async () => {
    history = await startReportHistory('slo-report');
    specDir = history.specDir;
    prometheus = history.prometheus;
  }, 120_000);

  afterAll(async () => {
    await history?.stop();
  });

  const reportArgs = (...extra: string[]) => [
    'report',
    specDir,
    '--prometheus',
    prometheus?.url ?? '',
    '--at',
    new Date(AT * 1000).toISOString(),
    ...extra,
  ];

  it('computes SLI, budget, worst burn, incidents, recovery and MTBF as the raw data says', async () => {
    const run = await cli(reportArgs('--format', 'json'));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const { report } = JSON.parse(run.stdout);
    expect(report.at).toBe('2025-01-31T00:00:00Z');
    const [a, b] = report.slos;

    expect(a).toMatchObject({ service: SERVICE, slo: A, objective: 0.999, period: '30d' });
    expect(a.from).toBe('2025-01-01T00:00:00Z');
    expect(a.achievedSli).toBeCloseTo(1 - EXPECTED_A.ratio, 10);
    expect(a.budgetRemaining).toBeCloseTo(1 - EXPECTED_A.ratio / 0.001, 7);
    expect(EXPECTED_A.worst).toBeCloseTo(150 / 3600, 12); // the samples outage plus checkout traffic
    expect(a.worstBurn).toBeCloseTo(EXPECTED_A.worst / 0.001, 7);
    expect(a.incidents).toEqual([
      {
        start: '2025-01-05T10:02:00Z',
        resolved: '2025-01-05T10:09:00Z',
        open: false,
        recoverySeconds: 420,
        durationSeconds: 420,
        withinRecoveryTarget: false,
        startedBeforePeriod: false,
        alerts: ['1h/5m', '6h/30m'],
      },
      {
        start: '2025-01-13T03:10:00Z',
        resolved: '2025-01-13T03:13:00Z',
        open: false,
        recoverySeconds: 180,
        durationSeconds: 180,
        withinRecoveryTarget: true,
        startedBeforePeriod: false,
        alerts: ['1h/5m'],
      },
      {
        start: '2025-01-30T23:40:00Z',
        resolved: null,
        open: true,
        recoverySeconds: null,
        durationSeconds: 1200,
        withinRecoveryTarget: false,
        startedBeforePeriod: false,
        alerts: ['6h/30m'],
      },
    ]);
    expect(a).toMatchObject({
      pageIncidents: 3,
      openIncidents: 1,
      incidentSeconds: 420 + 180 + 1200,
      mtbfSeconds: (30 * DAY - (420 + 180 + 1200)) / 3,
      maxRecoverySeconds: 420,
      recoveryTargetMet: false,
    });

    expect(b).toMatchObject({ slo: B, objective: 0.995, pageIncidents: 1, openIncidents: 0 });
    expect(b.achievedSli).toBeCloseTo(1 - EXPECTED_B.ratio, 10);
    expect(b.budgetRemaining).toBeCloseTo(1 - EXPECTED_B.ratio / 0.005, 7);
    expect(EXPECTED_B.worst).toBeCloseTo(0.05, 12);
    expect(b.worstBurn).toBeCloseTo(EXPECTED_B.worst / 0.005, 7);
    expect(
      b.incidents.map((i: { start: string; recoverySeconds: number }) => [i.start, i.recoverySeconds]),
    ).toEqual([['2025-01-21T14:05:00Z', 240]]);
    expect(b).toMatchObject({ mtbfSeconds: 30 * DAY - 240, recoveryTargetMet: true });
  });

  it('prints a Markdown table and an incident list per SLO', async () => {
    const run = await cli(reportArgs());
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines.slice(0, 6)).toEqual([
      '# SLO report, period ending 2025-01-31T00:00:00Z',
      '',
      '| service | SLO | objective | period | achieved SLI | budget remaining | worst burn (1h) | page incidents | time to recover < 5m | MTBF |',
      '|---|---|---|---|---:|---:|---:|---:|---|---:|',
      '| sample-service | requests-availability | 99.9% | 30d | 99.9658% | 65.79% | 41.67x | 3 (1 open) | not met (longest 20m) | 9d23h50m |',
      '| sample-service | checkout-availability | 99.5% | 30d | 99.9601% | 92.03% | 10x | 1 | met (longest 4m) | 29d23h56m |',
    ]);
    expect((1 - EXPECTED_A.ratio) * 100).toBeCloseTo(99.9658, 4);
    expect((1 - EXPECTED_A.ratio / 0.001) * 100).toBeCloseTo(65.79, 2);
    expect((1 - EXPECTED_B.ratio) * 100).toBeCloseTo(99.9601, 4);
    expect((1 - EXPECTED_B.ratio / 0.005) * 100).toBeCloseTo(92.03, 2);
    expect(run.stdout).toContain(
      [
        '- 2025-01-05T10:02:00Z → 2025-01-05T10:09:00Z: recovered in 7m, over the 5m target (1h/5m, 6h/30m)',
        '- 2025-01-13T03:10:00Z → 2025-01-13T03:13:00Z: recovered in 3m, within the 5m target (1h/5m)',
        '- 2025-01-30T23:40:00Z → still firing: open for 20m, over the 5m target (6h/30m)',
      ].join('\n'),
    );
    expect(run.stdout).toContain(
      '- 2025-01-21T14:05:00Z → 2025-01-21T14:09:00Z: recovered in 4m, within the 5m target (1h/5m)',
    );
  });

  it('honours --at, --period and --recovery-target', async () => {
    const run = await cli([
      'report',
      specDir,
      '--prometheus',
      prometheus?.url ?? '',
      '--at',
      '2025-01-30T00:00:00Z',
      '--period',
      '26d',
      '--recovery-target',
      '8m',
      '--format',
      'json',
    ]);
    expect(run.code).toBe(0);
    const [a, b] = JSON.parse(run.stdout).report.slos;
    // 2025-01-04 to 2025-01-30: both closed incidents of A, before its open one started.
    expect(a).toMatchObject({
      period: '26d',
      from: '2025-01-04T00:00:00Z',
      pageIncidents: 2,
      openIncidents: 0,
    });
    expect(a).toMatchObject({ recoveryTargetMet: true, mtbfSeconds: (26 * DAY - 600) / 2 });
    expect(b).toMatchObject({ pageIncidents: 1, recoveryTargetMet: true });
  });

  it('--calendar month reports the UTC month of --at so far: January to the end of the history', async () => {
    const rolling = JSON.parse((await cli(reportArgs('--format', 'json'))).stdout).report;
    const run = await cli(reportArgs('--calendar', 'month', '--format', 'json'));
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const { report } = JSON.parse(run.stdout);
    // The history starts on January 1st and ends at --at: the month so far is the rolling 30d.
    expect(report.calendarMonth).toBe('2025-01');
    expect(report.at).toBe('2025-01-31T00:00:00Z');
    expect(report.slos).toEqual(rolling.slos);
    expect(report.slos[0]).toMatchObject({ from: '2025-01-01T00:00:00Z', period: '30d' });
    const markdown = await cli(reportArgs('--calendar', 'month'));
    expect(markdown.stdout.split('\n')[0]).toBe(
      '# SLO report, calendar month 2025-01 (UTC), period ending 2025-01-31T00:00:00Z',
    );
  });

  it('--calendar YYYY-MM reports that whole month once it is over', async () => {
    const run = await cli([
      'report',
      specDir,
      '--prometheus',
      prometheus?.url ?? '',
      '--at',
      '2025-03-10T12:00:00Z',
      '--calendar',
      '2025-01',
      '--format',
      'json',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const { report } = JSON.parse(run.stdout);
    expect(report).toMatchObject({ calendarMonth: '2025-01', at: '2025-02-01T00:00:00Z' });
    const [a, b] = report.slos;
    expect(a).toMatchObject({ from: '2025-01-01T00:00:00Z', to: '2025-02-01T00:00:00Z', period: '31d' });
    // The history stops on the 31st: the last day has no events, the ratios are January's.
    expect(a.achievedSli).toBeCloseTo(1 - EXPECTED_A.ratio, 10);
    expect(b.budgetRemaining).toBeCloseTo(1 - EXPECTED_B.ratio / 0.005, 7);
    // The alert still firing at the end of the history stops being reported a step later.
    expect(a.incidents.map((i: { start: string; resolved: string | null }) => [i.start, i.resolved])).toEqual(
      [
        ['2025-01-05T10:02:00Z', '2025-01-05T10:09:00Z'],
        ['2025-01-13T03:10:00Z', '2025-01-13T03:13:00Z'],
        ['2025-01-30T23:40:00Z', '2025-01-31T00:01:00Z'],
      ],
    );
    expect(a).toMatchObject({ openIncidents: 0, mtbfSeconds: (31 * DAY - (420 + 180 + 1260)) / 3 });
    expect(b).toMatchObject({ pageIncidents: 1, mtbfSeconds: 31 * DAY - 240 });
  });

  it('exits 2 with the flag named on a bad --calendar', async () => {
    const base = ['report', specDir, '--prometheus', prometheus?.url ?? '', '--at', '2025-01-31T00:00:00Z'];
    const cases: [string[], string][] = [
      [
        ['--calendar', '2025-13'],
        '--calendar: "2025-13" is neither "month" nor a month as YYYY-MM, e.g. 2026-11',
      ],
      [['--calendar', '2025-02'], '--calendar 2025-02: 2025-02 has not started by 2025-01-31T00:00:00.000Z'],
      [['--calendar', 'month', '--period', '7d'], '--calendar and --period exclude each other'],
    ];
    for (const [flags, message] of cases) {
      const run = await cli([...base, ...flags]);
      expect(run.code).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain(`tracseq-slo: ${message}`);
      expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
    }
  });

  it('exits 1 with one line naming the URL when Prometheus is unreachable', async () => {
    const closed = `http://127.0.0.1:${await getFreePort()}`;
    const run = await cli(['report', specDir, '--prometheus', closed, '--at', '2025-01-31T00:00:00Z']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`tracseq-slo: cannot reach Prometheus at ${closed}: ECONNREFUSED\n`);
  });

  it('exits 2 on bad flags', async () => {
    const missing = await cli(['report', specDir]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('tracseq-slo: --prometheus URL is required');
    const format = await cli(['report', specDir, '--prometheus', 'http://127.0.0.1:9', '--format', 'pdf']);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('--format: "pdf" is not one of markdown, json, html');
  });
});
