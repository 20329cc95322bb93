import { execFile } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderYaml } from '@tracseq/contract';
import { makeTempDir, type PrometheusHandle, startPrometheus, waitFor } from '@tracseq/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { buildRules } from '../rules/build-rules.js';
import type { SloSpecFile } from '../spec/types.js';

// The same SLO twice: its generated rules loaded into a real Prometheus that evaluates them every
// second while a target's errors come and go, and `tracseq-slo replay` over that stretch of
// history afterwards. Every window pair must fire and resolve within one step (1 s) of the replay.
//
// Test-only windows of seconds (alertWindows) so that every pair, tickets included, fires and
// resolves within about a minute.

const CLI = join(dirname(fileURLToPath(import.meta.url)), '../../dist/cli/main.js');

const SPEC_YAML = `version: tracseq.slo/v1
service: live-service
slos:
  - name: requests-availability
    objective: 99
    period: 1h
    sli: { preset: http-availability }
    alertWindows:
      page:
        quick: { errorBudgetPercent: 5, longWindow: 20s, shortWindow: 5s }
        slow: { errorBudgetPercent: 10, longWindow: 40s, shortWindow: 10s }
      ticket:
        quick: { errorBudgetPercent: 10, longWindow: 60s, shortWindow: 15s }
        slow: { errorBudgetPercent: 10, longWindow: 90s, shortWindow: 20s }
`;

const STEP_MS = 1000;
const LONG_WINDOWS = ['20s', '40s', '1m', '1m30s'];

interface Interval {
  start: number;
  end: number | null;
}

function cli(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], (error, stdout, stderr) => {
      resolve({ code: error ? ((error.code as number | undefined) ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('replay against the same rules evaluated live every second', { timeout: 240_000 }, () => {
  const dir = makeTempDir('slo-replay-live');
  let failing = false;
  let ok = 0;
  let bad = 0;
  let target: Server;
  let prometheus: PrometheusHandle;

  beforeAll(async () => {
    target = createServer((_request, response) => {
      // One scrape is one second of traffic: 100 requests, half of them failing while failing.
      ok += failing ? 50 : 100;
      bad += failing ? 50 : 0;
      response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      response.end(
        '# TYPE http_server_request_duration_seconds_count counter\n' +
          `http_server_request_duration_seconds_count{service="live-service",http_response_status_code="200"} ${ok}\n` +
          `http_server_request_duration_seconds_count{service="live-service",http_response_status_code="500"} ${bad}\n`,
      );
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    mkdirSync(join(dir.path, 'slos'));
    writeFileSync(join(dir.path, 'slos', 'live-service.yaml'), SPEC_YAML);
    const rules = join(dir.path, 'rules.yml');
    writeFileSync(rules, renderYaml(buildRules(parse(SPEC_YAML) as SloSpecFile), 'test'));
    prometheus = await startPrometheus({
      ruleFiles: [rules],
      scrapeTargets: [
        { job: 'live-service', targets: [`127.0.0.1:${(target.address() as AddressInfo).port}`] },
      ],
      evaluationInterval: '1s',
    });
    await prometheus.waitForTargetsUp();
  });

  afterAll(async () => {
    await prometheus?.stop();
    await new Promise((resolve) => target?.close(resolve));
    dir.remove();
  });

  const burnAlerts = async () =>
    (await prometheus.alerts()).filter((a) => a.labels.alertname === 'SloErrorBudgetBurn');

  it('fires and resolves every window pair within one step of what replay reports', async () => {
    // Clean traffic first, so the windows hold good requests before the errors start.
    await waitFor(async () => (await prometheus.queryValue('slo:sli_error:ratio_rate20s')) === 0, {
      timeoutMs: 60_000,
      description: 'a zero error ratio over 20s',
    });
    await new Promise((resolve) => setTimeout(resolve, 5_000));
    failing = true;
    await waitFor(
      async () => {
        const firing = (await burnAlerts()).filter((a) => a.state === 'firing');
        return LONG_WINDOWS.every((w) => firing.some((a) => a.labels.long_window === w));
      },
      { timeoutMs: 90_000, description: 'every window pair firing' },
    );
    failing = false;
    await waitFor(async () => (await burnAlerts()).length === 0, {
      timeoutMs: 120_000,
      description: 'every window pair resolved',
    });

    // What Prometheus did: ALERTS samples carry the timestamps of the evaluations that fired.
    const rows = (await (
      await fetch(
        `${prometheus.url}/api/v1/query?${new URLSearchParams({
          query: 'ALERTS{alertname="SloErrorBudgetBurn",alertstate="firing"}[10m]',
        })}`,
      )
    ).json()) as { data: { result: { metric: Record<string, string>; values: [number, string][] }[] } };
    const live = new Map<string, Interval[]>();
    let firstEvaluation = Number.POSITIVE_INFINITY;
    let lastEvaluation = 0;
    for (const { metric, values } of rows.data.result) {
      const times = values.map(([ts]) => Math.round(ts * 1000));
      const intervals: Interval[] = [];
      for (const [i, t] of times.entries()) {
        // A gap of more than one evaluation ends a firing stretch; it resolved one step after its last sample.
        if (i === 0 || t - (times[i - 1] as number) > 1.5 * STEP_MS) intervals.push({ start: t, end: null });
        (intervals[intervals.length - 1] as Interval).end = t + STEP_MS;
      }
      live.set(`${metric.long_window}/${metric.short_window}`, intervals);
      firstEvaluation = Math.min(firstEvaluation, times[0] as number);
      lastEvaluation = Math.max(lastEvaluation, times[times.length - 1] as number);
    }
    expect([...live.keys()].map((k) => k.split('/')[0]).sort()).toEqual([...LONG_WINDOWS].sort());

    // Replay on the rule evaluations' own grid (their timestamps are a fixed phase plus whole
    // seconds): from 30 s before the first firing to 10 s after the last resolution.
    const from = firstEvaluation - 30 * STEP_MS;
    const to = lastEvaluation + 10 * STEP_MS;
    const run = await cli([
      'replay',
      join(dir.path, 'slos'),
      '--prometheus',
      prometheus.url,
      '--from',
      new Date(from).toISOString(),
      '--to',
      new Date(to).toISOString(),
      '--step',
      '1s',
      '--json',
    ]);
    expect(run.code, run.stderr).toBe(0);
    const replay = JSON.parse(run.stdout) as {
      slos: {
        pages: number;
        tickets: number;
        alerts: {
          longWindow: string;
          shortWindow: string;
          intervals: { start: string; end: string | null }[];
        }[];
      }[];
    };
    const alerts = replay.slos[0]?.alerts ?? [];
    expect(alerts).toHaveLength(4);
    for (const alert of alerts) {
      const pair = `${alert.longWindow}/${alert.shortWindow}`;
      const replayed = alert.intervals.map((i) => ({
        start: Date.parse(i.start),
        end: i.end === null ? null : Date.parse(i.end),
      }));
      const observed = live.get(pair) ?? [];
      expect(
        replayed.length,
        `${pair}: replay ${JSON.stringify(alert.intervals)} live ${JSON.stringify(observed)}`,
      ).toBe(observed.length);
      expect(observed.length, pair).toBeGreaterThan(0);
      for (const [i, interval] of observed.entries()) {
        const other = replayed[i] as Interval;
        expect(Math.abs(other.start - interval.start), `${pair} #${i} start`).toBeLessThanOrEqual(STEP_MS);
        expect(other.end, `${pair} #${i} resolved within the range`).not.toBeNull();
        expect(
          Math.abs((other.end as number) - (interval.end as number)),
          `${pair} #${i} end`,
        ).toBeLessThanOrEqual(STEP_MS);
      }
    }
    expect(replay.slos[0]?.pages).toBeGreaterThan(0);
  });
});
