import { execFile } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AnalysisTemplate } from '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/AnalysisTemplate';
import { makeTempDir, type PrometheusHandle, startBackfilledPrometheus } from '@tracseq/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

// `generate --argo-rollouts` through the CLI, then the template's queries against a real
// Prometheus holding backfilled canary and stable traffic, judged as Argo Rollouts judges them:
//
// - arguments are substituted into the metric text (`{{args.NAME}}`), as Argo's ResolveMetricArgs
//   does, and the query runs as an instant query at each measurement's time (initialDelay, then
//   every interval, `count` times), as Argo's Prometheus provider does; a vector result becomes
//   the float list `result`;
// - the success and failure conditions are Argo `expr` expressions. This test evaluates their
//   exact text as JavaScript with `result` and `isNaN` bound: the subset they use (`!`, `&&`,
//   `result[0]`, `<=`, `>`, number literals) means the same in both languages, NaN compares
//   false in both, and a condition outside that subset fails to evaluate here;
// - a measurement is Failed when the failure condition holds, Successful when only the success
//   condition holds, Inconclusive when neither does (Argo's EvaluateResult); a metric ends
//   Failed once failures exceed failureLimit, Inconclusive once inconclusive measurements exceed
//   inconclusiveLimit, Successful when `count` measurements are reached (assessMetricStatus); the
//   run takes the worst metric phase (Successful < Inconclusive < Error < Failed).
//
// Expected burn rates are computed here from the traffic the test writes, not by the generator.

const CLI = join(dirname(fileURLToPath(import.meta.url)), '../../dist/cli/main.js');

const T0 = Date.UTC(2025, 0, 1) / 1000;
const SCRAPE = 15;
const HISTORY = 40 * 60;
/** When the analysis starts; every pod hash has served traffic since T0, so each window is full. */
const ANALYSIS_START = T0 + 20 * 60;

/** Per pod-template hash: requests per second, 5xx share, share slower than 100 ms. */
const PODS = {
  stable: { rps: 10, errors: 0.0005, slow: 0.02 },
  good: { rps: 2, errors: 0.0005, slow: 0.02 },
  bad: { rps: 2, errors: 0.005, slow: 0.02 },
  slow: { rps: 2, errors: 0, slow: 0.2 },
  // Half its requests fail, but 30 requests in 5 minutes are too few to judge.
  idle: { rps: 0.1, errors: 0.5, slow: 0 },
  // A stable version that already burns 1.5x, and a canary at 2x.
  hot: { rps: 10, errors: 0.0015, slow: 0.02 },
  warm: { rps: 2, errors: 0.002, slow: 0.02 },
} as const;
type Hash = keyof typeof PODS;

const SPEC = `version: tracseq.slo/v1
service: canary-service
slos:
  - name: requests-availability
    objective: 99.9
    sli: { preset: http-availability }
    alerting: { minEvents: 200 }
  - name: requests-latency
    objective: 95
    sli: { preset: http-latency, thresholdSeconds: 0.1 }
  - name: queue-health
    objective: 99
    sli: { raw: { errorRatioQuery: 'avg_over_time(queue_error_ratio[{{.window}}])' } }
`;

const BUDGET: Record<string, number> = { 'requests-availability': 0.001, 'requests-latency': 0.05 };

function openMetrics(): string {
  const count = ['# TYPE http_server_request_duration_seconds_count unknown'];
  const bucket = ['# TYPE http_server_request_duration_seconds_bucket unknown'];
  for (const [hash, { rps, errors, slow }] of Object.entries(PODS)) {
    for (const [status, share] of [
      ['200', 1 - errors],
      ['500', errors],
    ] as const) {
      const labels = `service="canary-service",http_request_method="GET",http_route="/api/samples",http_response_status_code="${status}",rollouts_pod_template_hash="${hash}"`;
      for (let t = 0; t <= HISTORY; t += SCRAPE) {
        const n = rps * share * t;
        count.push(`http_server_request_duration_seconds_count{${labels}} ${n} ${T0 + t}`);
        bucket.push(
          `http_server_request_duration_seconds_bucket{${labels},le="0.1"} ${n * (1 - slow)} ${T0 + t}`,
        );
      }
    }
  }
  return `${[...count, ...bucket, '# EOF'].join('\n')}\n`;
}

interface Metric {
  name: string;
  initialDelay: string;
  interval: string;
  count: number;
  failureLimit: number;
  inconclusiveLimit: number;
  successCondition: string;
  failureCondition: string;
  provider: { prometheus: { address: string; query: string } };
}
interface Template {
  spec: { args: { name: string; value?: string }[]; metrics: Metric[] };
}
type Phase = 'Successful' | 'Failed' | 'Inconclusive';

const seconds = (d: string) => Number(/^(\d+)m$/.exec(d)?.[1]) * 60;

/** `{{args.NAME}}` replaced as Argo does; an argument with no value is an error, as in Argo. */
function resolveArgs(metric: Metric, args: Template['spec']['args'], given: Record<string, string>): Metric {
  const value = (name: string) => {
    const v = given[name] ?? args.find((a) => a.name === name)?.value;
    if (v === undefined) throw new Error(`args.${name} was not resolved`);
    return v;
  };
  return JSON.parse(
    JSON.stringify(metric).replace(/\{\{args\.([\w-]+)\}\}/g, (_, name: string) => value(name)),
  );
}

function condition(text: string, result: number[]): boolean {
  const evaluate = new Function('result', 'isNaN', `"use strict"; return (${text});`);
  const out = evaluate(result, Number.isNaN);
  if (typeof out !== 'boolean') throw new Error(`condition ${text} gave ${typeof out}, not bool`);
  return out;
}

function measurementPhase(metric: Metric, result: number[]): Phase {
  const success = condition(metric.successCondition, result);
  const failure = condition(metric.failureCondition, result);
  if (failure) return 'Failed';
  return success ? 'Successful' : 'Inconclusive';
}

const ORDER: Phase[] = ['Successful', 'Inconclusive', 'Failed'];

describe('generate --argo-rollouts: the AnalysisTemplate judged on a real Prometheus', () => {
  const tmp = makeTempDir('slo-canary');
  let prometheus: PrometheusHandle | undefined;
  let template: Template;
  let generateOutput = '';

  beforeAll(async () => {
    const specDir = join(tmp.path, 'slos');
    mkdirSync(specDir);
    writeFileSync(join(specDir, 'canary-service.yaml'), SPEC);
    generateOutput = await new Promise<string>((resolve, reject) =>
      execFile(
        process.execPath,
        [CLI, 'generate', specDir, '--out', join(tmp.path, 'out'), '--argo-rollouts'],
        (error, stdout, stderr) =>
          error ? reject(new Error(`${stdout}${stderr}`)) : resolve(`${stdout}${stderr}`),
      ),
    );
    const text = readFileSync(join(tmp.path, 'out/k8s/canary-service.analysistemplate.yml'), 'utf8');
    template = parse(text) as Template;
    prometheus = await startBackfilledPrometheus({ dir: tmp.path, openMetrics: openMetrics() });
  }, 120_000);

  afterAll(async () => {
    await prometheus?.stop();
    tmp.remove();
  });

  /** One AnalysisRun of the template, every metric measured as Argo schedules it. */
  async function analyse(args: Record<string, string>) {
    const metrics: Record<string, { phase: Phase; values: number[] }> = {};
    for (const raw of template.spec.metrics) {
      const metric = resolveArgs(raw, template.spec.args, args);
      const values: number[] = [];
      let failed = 0;
      let inconclusive = 0;
      let phase: Phase | undefined;
      for (let i = 0; i < metric.count && phase === undefined; i++) {
        const at = ANALYSIS_START + seconds(metric.initialDelay) + i * seconds(metric.interval);
        const result = (await prometheus?.query(metric.provider.prometheus.query, new Date(at * 1000)))?.map(
          (s) => s.value,
        );
        expect(result, `${metric.name}: one value per measurement`).toHaveLength(1);
        values.push((result as number[])[0] as number);
        const measured = measurementPhase(metric, result as number[]);
        if (measured === 'Failed') failed++;
        if (measured === 'Inconclusive') inconclusive++;
        if (failed > metric.failureLimit) phase = 'Failed';
        if (inconclusive > metric.inconclusiveLimit) phase = 'Inconclusive';
      }
      metrics[metric.name] = { phase: phase ?? 'Successful', values };
    }
    const run = Object.values(metrics).reduce<Phase>(
      (worst, m) => (ORDER.indexOf(m.phase) > ORDER.indexOf(worst) ? m.phase : worst),
      'Successful',
    );
    return { run, metrics };
  }

  const burn = (hash: Hash, slo: string) =>
    (slo === 'requests-availability' ? PODS[hash].errors : PODS[hash].slow) / (BUDGET[slo] as number);

  it('is a valid AnalysisTemplate with a metric per event-count SLI; the raw SLI is left out with a warning', () => {
    expect(() => new AnalysisTemplate(template as never).validate()).not.toThrow();
    expect(template.spec.metrics.map((m) => m.name)).toEqual(['requests-availability', 'requests-latency']);
    expect(generateOutput).toContain(
      'canary-service/queue-health is left out of the Argo Rollouts AnalysisTemplate',
    );
    expect(template.spec.args.map((a) => a.name)).toEqual([
      'canary-hash',
      'stable-hash',
      'stable-factor',
      'prometheus-url',
    ]);
    // The canary hash is required: Argo refuses a run without it, and so does this evaluator.
    expect(template.spec.args[0]).toEqual({ name: 'canary-hash' });
  });

  it('passes a good canary, each measurement its burn rate against 1x', async () => {
    const { run, metrics } = await analyse({ 'canary-hash': 'good' });
    expect(run).toBe('Successful');
    for (const [slo, { values }] of Object.entries(metrics)) {
      expect(values).toHaveLength(5);
      for (const value of values) expect(value).toBeCloseTo(burn('good', slo), 6);
    }
  });

  it('fails a canary burning 5x on errors at the first measurement, though a 14.4x page would let it through', async () => {
    const { run, metrics } = await analyse({ 'canary-hash': 'bad' });
    expect(run).toBe('Failed');
    expect(metrics['requests-availability']?.phase).toBe('Failed');
    expect(metrics['requests-availability']?.values).toHaveLength(1);
    expect(metrics['requests-availability']?.values[0]).toBeCloseTo(burn('bad', 'requests-availability'), 6);
    expect(metrics['requests-latency']?.phase).toBe('Successful');
  });

  it('fails a canary that is slow, on the latency SLI', async () => {
    const { run, metrics } = await analyse({ 'canary-hash': 'slow' });
    expect(run).toBe('Failed');
    expect(metrics['requests-latency']?.values[0]).toBeCloseTo(burn('slow', 'requests-latency'), 6);
    expect(metrics['requests-availability']?.phase).toBe('Successful');
  });

  it('calls an idle canary inconclusive, not failed and not successful, though half its requests fail', async () => {
    const { run, metrics } = await analyse({ 'canary-hash': 'idle' });
    expect(run).toBe('Inconclusive');
    for (const m of Object.values(metrics)) {
      expect(m.phase).toBe('Inconclusive');
      expect(Number.isNaN(m.values[0])).toBe(true);
    }
  });

  it('calls a canary with no series at all inconclusive', async () => {
    const { run } = await analyse({ 'canary-hash': 'never-deployed' });
    expect(run).toBe('Inconclusive');
  });

  it('with the stable hash, lets a canary burn up to k x the stable pods when they are above 1x', async () => {
    // warm burns 2x: too fast against 1x alone.
    expect((await analyse({ 'canary-hash': 'warm' })).run).toBe('Failed');
    // Stable pods at 1.5x and k = 2: the bar is 3x, warm passes at 2/3 of it.
    const relaxed = await analyse({ 'canary-hash': 'warm', 'stable-hash': 'hot' });
    expect(relaxed.run).toBe('Successful');
    expect(relaxed.metrics['requests-availability']?.values[0]).toBeCloseTo(
      burn('warm', 'requests-availability') / (2 * burn('hot', 'requests-availability')),
      6,
    );
    // k = 1: the bar is the stable pods' 1.5x, and warm's 2x fails.
    expect((await analyse({ 'canary-hash': 'warm', 'stable-hash': 'hot', 'stable-factor': '1' })).run).toBe(
      'Failed',
    );
    // A healthy stable (0.5x) never lowers the bar below 1x: the bad canary still fails and
    // the good one still passes.
    expect((await analyse({ 'canary-hash': 'bad', 'stable-hash': 'stable' })).run).toBe('Failed');
    expect((await analyse({ 'canary-hash': 'good', 'stable-hash': 'stable' })).run).toBe('Successful');
  });

  it('ignores a stable hash with too few events (the bar stays 1x)', async () => {
    const { metrics } = await analyse({
      'canary-hash': 'warm',
      'stable-hash': 'idle',
      'stable-factor': '100',
    });
    expect(metrics['requests-availability']?.values[0]).toBeCloseTo(burn('warm', 'requests-availability'), 6);
  });
});
