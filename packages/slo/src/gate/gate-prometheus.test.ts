import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getFreePort, makeTempDir, type PrometheusHandle, startBackfilledPrometheus } from '@tracseq/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CliRun, runCli } from '../cli/test-run-cli.js';

// Thirty days of synthetic history backfilled with promtool into a real Prometheus. The budget
// each SLO should have left is computed here from the generated counts, not by the gate's code.

const REPO = join(dirname(fileURLToPath(import.meta.url)), '../../../..');

const T0 = Date.UTC(2025, 0, 1) / 1000;
const DAY = 86_400;
const AT = T0 + 30 * DAY;
const AT_TEXT = '2025-01-31T00:00:00Z';
const INTERVAL = 300;
const INTERVALS = (30 * DAY) / INTERVAL;
/** When the (backfilled) SloErrorBudgetLow of low-service became active. */
const LOW_SINCE = AT - 2 * DAY - 3600;

/** Requests per 5 minutes and how many of them fail, per service with traffic. */
const TRAFFIC = {
  'good-service': { total: 10_000, errors: 1 },
  'low-service': { total: 10_000, errors: 9 },
} as const;

const spec = (service: string, extra = '') => `version: tracseq.slo/v1
service: ${service}
slos:
  - name: requests-availability
    objective: 99.9
    sli: { preset: http-availability }
    policy: { minBudgetLeft: 25 }
${extra}`;

// An SLO without a policy and without data: the gate must not look at it.
const UNGATED = `  - name: checkout-availability
    objective: 99.5
    sli: { preset: http-availability, selector: { http_route: /api/never-called } }
`;

function openMetrics(): string {
  const lines = ['# TYPE http_server_request_duration_seconds_count unknown'];
  for (const [service, { total, errors }] of Object.entries(TRAFFIC)) {
    for (const [status, perStep] of [
      ['200', total - errors],
      ['500', errors],
    ] as const) {
      const labels = `{service="${service}",http_request_method="GET",http_route="/api/samples",http_response_status_code="${status}"}`;
      for (let i = 0; i <= INTERVALS; i++)
        lines.push(`http_server_request_duration_seconds_count${labels} ${i * perStep} ${T0 + i * INTERVAL}`);
    }
  }
  lines.push('# TYPE ALERTS_FOR_STATE gauge');
  const alertLabels =
    '{alertname="SloErrorBudgetLow",service="low-service",severity="warning",slo="requests-availability"}';
  for (let t = LOW_SINCE; t <= AT; t += 60) lines.push(`ALERTS_FOR_STATE${alertLabels} ${LOW_SINCE} ${t}`);
  lines.push('# EOF');
  return `${lines.join('\n')}\n`;
}

/** Percent of the budget (0.1 % for 99.9) left after a constant error ratio of errors / total. */
const budgetLeft = ({ total, errors }: { total: number; errors: number }) =>
  100 * (1 - errors / total / 0.001);

describe('tracseq-slo gate on a real Prometheus with 30 days of backfilled history', () => {
  const tmp = makeTempDir('slo-gate');
  const specDir = join(tmp.path, 'slos');
  let prometheus: PrometheusHandle | undefined;

  beforeAll(async () => {
    mkdirSync(specDir);
    writeFileSync(join(specDir, 'good-service.yaml'), spec('good-service'));
    writeFileSync(join(specDir, 'low-service.yaml'), spec('low-service', UNGATED));
    writeFileSync(join(specDir, 'idle-service.yaml'), spec('idle-service'));
    writeFileSync(
      join(specDir, 'ungated-service.yaml'),
      spec('ungated-service').replace(/ {4}policy:.*\n/, ''),
    );
    prometheus = await startBackfilledPrometheus({
      dir: tmp.path,
      openMetrics: openMetrics(),
      maxBlockDuration: '162h',
    });
  }, 120_000);

  afterAll(async () => {
    await prometheus?.stop();
    tmp.remove();
  });

  const gate = (...extra: string[]) =>
    runCli(['gate', specDir, '--prometheus', prometheus?.url ?? '', '--at', AT_TEXT, ...extra]);

  it('exits 0 when every SLO with a policy has at least its minimum left', async () => {
    const run = await gate('--service', 'good-service');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(
      /^ok {6}good-service\/requests-availability: 90% of the 30d error budget left/m,
    );
    expect(run.stdout).toContain('gate passed: 1 SLO(s)');
    const json = JSON.parse((await gate('--service', 'good-service', '--json')).stdout);
    expect(json).toMatchObject({ ok: true, verdict: 'pass', at: AT_TEXT });
    expect(json.slos).toHaveLength(1);
    expect(json.slos[0].budgetLeftPercent).toBeCloseTo(budgetLeft(TRAFFIC['good-service']), 6);
  });

  it('exits 4 naming the SLO below its policy, by how much and since when', async () => {
    const run = await gate('--service', 'low-service');
    expect(run.code).toBe(4);
    const expectedLeft = budgetLeft(TRAFFIC['low-service']);
    expect(run.stdout).toContain(
      `BELOW   low-service/requests-availability: ${Math.round(expectedLeft)}% of the 30d error budget left, ${Math.round(25 - expectedLeft)}% under the policy minimum 25%, below since ${new Date(LOW_SINCE * 1000).toISOString().replace('.000Z', 'Z')}`,
    );
    // The SLO without a policy (and without data) is not gated.
    expect(run.stdout).not.toContain('checkout-availability');
    const json = JSON.parse((await gate('--service', 'low-service', '--json')).stdout);
    expect(json).toMatchObject({ ok: false, verdict: 'fail' });
    expect(json.slos).toHaveLength(1);
    expect(json.slos[0]).toMatchObject({
      status: 'below',
      minBudgetLeftPercent: 25,
      belowSince: '2025-01-28T23:00:00Z',
    });
    expect(json.slos[0].budgetLeftPercent).toBeCloseTo(expectedLeft, 6);
    expect(json.slos[0].shortByPercent).toBeCloseTo(25 - expectedLeft, 6);
  });

  it('exits 4 over all specs when one SLO is below, even with another unknown', async () => {
    const run = await gate('--json');
    expect(run.code).toBe(4);
    const json = JSON.parse(run.stdout);
    expect(
      json.slos.map((s: { service: string; status: string }) => `${s.service}:${s.status}`).sort(),
    ).toEqual(['good-service:ok', 'idle-service:unknown', 'low-service:below']);
  });

  it('exits 5 when an SLI has no series, and 0 with a warning under --on-unknown allow', async () => {
    const deny = await gate('--service', 'idle-service');
    expect(deny.code).toBe(5);
    expect(deny.stdout).toContain('UNKNOWN idle-service/requests-availability: no total series');
    expect(deny.stdout).toContain('gate unknown');
    const allow = await gate('--service', 'idle-service', '--on-unknown', 'allow');
    expect(allow.code).toBe(0);
    expect(allow.stderr).toContain('warning: some budgets are unknown; deploy allowed by --on-unknown allow');
  });

  it('exits 5 when Prometheus is unreachable, and 0 with a warning under --on-unknown allow', async () => {
    const closed = `http://127.0.0.1:${await getFreePort()}`;
    const deny = await runCli(['gate', specDir, '--prometheus', closed]);
    expect(deny.code).toBe(5);
    expect(deny.stderr).toBe(
      `tracseq-slo: cannot reach Prometheus at ${closed}: ECONNREFUSED; budget unknown, deploy denied (--on-unknown deny)\n`,
    );
    const allow = await runCli(['gate', specDir, '--prometheus', closed, '--on-unknown', 'allow', '--json']);
    expect(allow.code).toBe(0);
    expect(JSON.parse(allow.stdout)).toMatchObject({ ok: true, verdict: 'unknown', onUnknown: 'allow' });
    expect(allow.stderr).toContain('warning: cannot reach Prometheus');
  });

  it('exits 1 on an invalid policy or an unknown --service, naming the file and field', async () => {
    const bad = join(tmp.path, 'bad');
    mkdirSync(bad);
    writeFileSync(
      join(bad, 's.yaml'),
      spec('bad-service').replace('minBudgetLeft: 25', 'minBudgetLeft: 120'),
    );
    const run = await runCli(['gate', bad, '--prometheus', prometheus?.url ?? '']);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `${join(bad, 's.yaml')}:7:30: slos[0].policy.minBudgetLeft: must be < 100. Fix: write the percent of the error budget that must be left, from 0 to below 100, such as 25\n`,
    );
    const service = await gate('--service', 'no-such-service');
    expect(service.code).toBe(1);
    expect(service.stderr).toContain('--service no-such-service: no spec defines this service');
  });

  it('runs the README’s deploy-gate line as written: exit 5 while sample-service has no data here', async () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const lines = readme.split('\n').filter((line) => line.startsWith('npx tracseq-slo gate '));
    expect(lines).toHaveLength(1);
    const run = await new Promise<CliRun>((resolve) => {
      execFile(
        'sh',
        ['-c', lines[0] as string],
        { cwd: REPO, env: { ...process.env, PROMETHEUS_URL: prometheus?.url ?? '' } },
        (error, stdout, stderr) =>
          resolve({ code: error ? ((error.code as number | undefined) ?? 1) : 0, stdout, stderr }),
      );
    });
    expect(run.code).toBe(5);
    expect(run.stdout).toContain('UNKNOWN sample-service/requests-availability: no total series');
  }, 120_000);

  it('exits 2 on bad flags', async () => {
    const missing = await runCli(['gate', specDir]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('tracseq-slo: --prometheus URL is required');
    const onUnknown = await gate('--on-unknown', 'maybe');
    expect(onUnknown.code).toBe(2);
    expect(onUnknown.stderr).toContain('--on-unknown: "maybe" is not one of allow, deny');
  });
});
