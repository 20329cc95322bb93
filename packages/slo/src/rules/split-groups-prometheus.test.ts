import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { parseDuration, renderYaml } from '@tracseq/contract';
import { makeTempDir, type PrometheusHandle, startPrometheus, waitFor } from '@tracseq/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SloSpecFile } from '../spec/types.js';
import { buildRules } from './build-rules.js';

// promtool evaluates every group at the test's evaluation_interval and ignores a group's own
// `interval:`, so only a real Prometheus shows what splitting costs in alert timing. Two SLOs with
// the same SLI over the same scraped series, one built as one group and one split, are loaded
// into one Prometheus (same scrapes, same clock). A 2h period scales the windows down: ticket
// pairs 4m & 20s and 12m & 1m, whose long windows (and the period) go to the slow group.
const EVAL_SECONDS = 1;
const SLOW_INTERVAL = '10s';
const SLOW_SECONDS = parseDuration(SLOW_INTERVAL);

const spec = (name: string): SloSpecFile => ({
  version: 'tracseq.slo/v1',
  service: 'sample-service',
  slos: [{ name, objective: 99.9, period: '2h', sli: { preset: 'http-availability' } }],
});

/** Requests per second the target serves; the error ratio is switched by the test. */
const RATE = 1_000;
/** 5x the budget: both ticket pairs fire (factors 3 and 1), neither page pair does (6 and 14.4). */
const OUTAGE_ERROR_RATIO = 0.005;

interface Firing {
  /** Evaluation timestamps (s) at which the alert was firing, in order. */
  readonly times: readonly number[];
}

describe('--split-groups on a real Prometheus: alerts within one slow interval of one group', () => {
  const dir = makeTempDir('slo-split');
  let server: Server;
  let prometheus: PrometheusHandle;
  let errorRatio = 0;
  let ok = 0;
  let bad = 0;
  let last = performance.now();
  const firing = new Map<string, Firing>();

  /** Raw samples of a range-vector selector at `time`: `[labels, [ts, value][]]` per series. */
  async function matrix(
    expr: string,
  ): Promise<{ metric: Record<string, string>; values: [number, string][] }[]> {
    const response = await fetch(`${prometheus.url}/api/v1/query?${new URLSearchParams({ query: expr })}`);
    const body = (await response.json()) as { status: string; data: { resultType: string; result: never[] } };
    if (body.status !== 'success' || body.data.resultType !== 'matrix')
      throw new Error(`query ${expr} failed`);
    return body.data.result;
  }

  const firingBurn = async () =>
    (await prometheus.alerts()).filter(
      (a) => a.labels.alertname === 'SloErrorBudgetBurn' && a.state === 'firing',
    );

  beforeAll(async () => {
    server = createServer((_request, response) => {
      // Counters advance with wall time, so what each scrape sees does not depend on when it comes.
      const now = performance.now();
      const requests = (RATE * (now - last)) / 1000;
      last = now;
      bad += requests * errorRatio;
      ok += requests * (1 - errorRatio);
      response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      response.end(
        '# TYPE http_server_request_duration_seconds_count counter\n' +
          `http_server_request_duration_seconds_count{service="sample-service",http_response_status_code="200"} ${ok}\n` +
          `http_server_request_duration_seconds_count{service="sample-service",http_response_status_code="500"} ${bad}\n`,
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const single = join(dir.path, 'single.rules.yml');
    const split = join(dir.path, 'split.rules.yml');
    writeFileSync(single, renderYaml(buildRules(spec('single')), 'test'));
    writeFileSync(split, renderYaml(buildRules(spec('split'), { slowInterval: SLOW_INTERVAL }), 'test'));
    prometheus = await startPrometheus({
      ruleFiles: [single, split],
      scrapeTargets: [
        { job: 'sample-service', targets: [`127.0.0.1:${(server.address() as AddressInfo).port}`] },
      ],
      evaluationInterval: `${EVAL_SECONDS}s`,
    });
    await prometheus.waitForTargetsUp();
    // 20 s of clean traffic in every window before the errors start.
    await waitFor(
      async () =>
        ((await prometheus.queryValue('count_over_time(slo:sli_total:rate5m{slo_name="single"}[1m])')) ??
          0) >= 20,
      { timeoutMs: 60_000, description: '20 s of recorded clean traffic' },
    );
    expect(await firingBurn()).toEqual([]);

    errorRatio = OUTAGE_ERROR_RATIO;
    await waitFor(async () => ((await firingBurn()).length === 4 ? true : undefined), {
      // The 4m & 20s pair needs 60 % of its long window in errors: at most 144 s of them.
      timeoutMs: 300_000,
      description: 'both ticket pairs of both SLOs firing',
    });
    errorRatio = 0;
    await waitFor(async () => ((await firingBurn()).length === 0 ? true : undefined), {
      timeoutMs: 180_000,
      description: 'every burn alert resolved',
    });
    for (const series of await matrix('ALERTS{alertname="SloErrorBudgetBurn",alertstate="firing"}[15m]')) {
      firing.set(`${series.metric.slo} ${series.metric.long_window}`, {
        times: series.values.map(([ts]) => ts),
      });
    }
  }, 600_000);

  afterAll(async () => {
    await prometheus?.stop();
    await new Promise((resolve) => server?.close(resolve));
    dir.remove();
  });

  it('runs the slow group at its own interval and the fast one at the global interval', async () => {
    const groups = (await (await fetch(`${prometheus.url}/api/v1/rules`)).json()) as {
      data: { groups: { name: string; interval: number }[] };
    };
    expect(groups.data.groups.map((g) => [g.name, g.interval]).sort()).toEqual([
      ['tracseq-slo-sample-service-single', EVAL_SECONDS],
      ['tracseq-slo-sample-service-split', EVAL_SECONDS],
      ['tracseq-slo-sample-service-split.slow', SLOW_SECONDS],
    ]);
    // Over the last minute: about 60 samples of the single group's 4m ratio, about 6 of the split's.
    const samples = async (name: string) =>
      (await prometheus.queryValue(`count_over_time(slo:sli_error:ratio_rate4m{slo_name="${name}"}[1m])`)) ??
      0;
    expect(await samples('single')).toBeGreaterThan(30);
    expect(await samples('split')).toBeLessThanOrEqual(60 / SLOW_SECONDS + 1);
  });

  it('pages no one: only the ticket pairs fired, for both SLOs', () => {
    expect([...firing.keys()].sort()).toEqual(['single 12m', 'single 4m', 'split 12m', 'split 4m']);
  });

  for (const longWindow of ['4m', '12m']) {
    it(`the ${longWindow} ticket fires and resolves within one slow interval of the one-group rules, without a gap`, () => {
      const single = firing.get(`single ${longWindow}`)?.times ?? [];
      const split = firing.get(`split ${longWindow}`)?.times ?? [];
      expect(single.length).toBeGreaterThan(0);
      expect(split.length).toBeGreaterThan(0);
      // The split alert reads a long-window ratio up to one slow interval old, so it may fire and
      // resolve up to that much later; the two fast groups' schedules differ by up to one
      // evaluation interval either way.
      const fireLag = (split[0] as number) - (single[0] as number);
      const resolveLag = (split.at(-1) as number) - (single.at(-1) as number);
      // What CI logs show: how much later the split alert moved (seconds, evaluation timestamps).
      console.info(
        `split ${longWindow} ticket: fired ${fireLag.toFixed(1)} s, resolved ${resolveLag.toFixed(1)} s after the one-group rules`,
      );
      expect(fireLag).toBeGreaterThanOrEqual(-EVAL_SECONDS);
      expect(fireLag).toBeLessThanOrEqual(SLOW_SECONDS + EVAL_SECONDS);
      expect(resolveLag).toBeGreaterThanOrEqual(-EVAL_SECONDS);
      expect(resolveLag).toBeLessThanOrEqual(SLOW_SECONDS + EVAL_SECONDS);
      // One firing run each: a slow series that went missing between two slow evaluations would
      // show as a hole of several seconds in the split alert.
      const longestGap = (times: readonly number[]) =>
        Math.max(0, ...times.slice(1).map((t, i) => t - (times[i] as number)));
      expect(longestGap(single)).toBeLessThan(SLOW_SECONDS / 2);
      expect(longestGap(split)).toBeLessThan(SLOW_SECONDS / 2);
    });
  }
});
