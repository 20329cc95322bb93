import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AnalysisTemplate } from '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/AnalysisTemplate';
import { parseGeneratedHeader } from '@tracseq/contract';
import { makeTempDir } from '@tracseq/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadSpecs } from '../spec/load-specs.js';
import { generateCanaryOutputs } from './generate-canary-outputs.js';

const CLI = join(dirname(fileURLToPath(import.meta.url)), '../../dist/cli/main.js');

const spec = (service: string, slos: string) =>
  `version: tracseq.slo/v1\nservice: ${service}\nslos:\n${slos}`;
const AVAILABILITY = `  - name: requests-availability
    objective: 99.9
    sli: { preset: http-availability }
`;
const CUSTOM = `  - name: checkout
    objective: 99.5
    alerting: { minEvents: 50 }
    sli:
      events:
        errorQuery: sum(rate(checkout_total{result="error"}[{{.window}}])) by (route)
        totalQuery: sum(rate(checkout_total[{{.window}}])) by (route)
`;
const RAW = `  - name: queue
    objective: 99
    sli: { raw: { errorRatioQuery: 'avg_over_time(queue_error_ratio[{{.window}}])' } }
`;

function load(files: Record<string, string>) {
  const result = loadSpecs(Object.entries(files).map(([path, text]) => ({ path, text })));
  expect(result.errors).toEqual([]);
  return result.specs;
}

describe('generateCanaryOutputs', () => {
  it('writes one valid AnalysisTemplate per service across its spec files, owned by the first file', () => {
    const outputs = generateCanaryOutputs(
      load({
        'slos/b-shop.yaml': spec('shop', CUSTOM),
        'slos/a-shop.yaml': spec('shop', AVAILABILITY),
        'slos/queue.yaml': spec('queue-service', RAW),
      }),
    );
    expect([...outputs.files.keys()]).toEqual(['k8s/shop.analysistemplate.yml']);
    const text = outputs.files.get('k8s/shop.analysistemplate.yml') as string;
    expect(parseGeneratedHeader(text)?.input.path).toBe('slos/a-shop.yaml');
    const template = parse(text);
    expect(() => new AnalysisTemplate(template).validate()).not.toThrow();
    // The model does check: a broken copy is refused.
    const broken = structuredClone(template);
    broken.spec.metrics[0].failureLimit = true;
    expect(() => new AnalysisTemplate(broken).validate()).toThrow(/failureLimit/);

    expect(template.metadata.name).toBe('tracseq-slo-shop');
    const metrics = template.spec.metrics as { name: string; provider: { prometheus: { query: string } } }[];
    expect(metrics.map((m) => m.name)).toEqual(['requests-availability', 'checkout']);
    const checkout = metrics[1]?.provider.prometheus.query as string;
    // A labelled custom query is summed to one series; its minEvents is the SLO's own.
    expect(checkout).toContain(
      'sum(sum(rate(checkout_total{result="error",rollouts_pod_template_hash="{{args.canary-hash}}"}[5m])) by (route))',
    );
    expect(checkout).toContain('* 300 >= 50)');
    expect(metrics[0]?.provider.prometheus.query).toContain('* 300 >= 100)');
    // A service with only a raw SLI gets no template, and says why.
    expect(outputs.skipped).toEqual([
      expect.objectContaining({ service: 'queue-service', slo: 'queue', file: 'slos/queue.yaml' }),
    ]);
  });
});

function cli(args: string[]): Promise<{ code: number; out: string }> {
  return new Promise((resolve) =>
    execFile(process.execPath, [CLI, ...args], (error, stdout, stderr) =>
      resolve({ code: error ? ((error.code as number | undefined) ?? 1) : 0, out: `${stdout}${stderr}` }),
    ),
  );
}

describe('tracseq-slo generate --argo-rollouts', () => {
  const tmp = makeTempDir('slo-argo-cli');
  afterAll(() => tmp.remove());

  it('keeps, checks and deletes templates like every other output once generated', async () => {
    const root = join(tmp.path, 'repo');
    mkdirSync(join(root, 'slos'), { recursive: true });
    writeFileSync(join(root, 'slos/shop.yaml'), spec('shop', AVAILABILITY + RAW));
    const template = join(root, 'k8s/shop.analysistemplate.yml');

    const first = await cli(['generate', join(root, 'slos'), '--argo-rollouts']);
    expect(first.code).toBe(0);
    expect(first.out).toContain('shop/queue is left out of the Argo Rollouts AnalysisTemplate');
    expect(first.out).toContain('slos[1].sli');
    expect(existsSync(template)).toBe(true);

    // Without the flag the template is regenerated, not deleted, and `check` compares it.
    const again = await cli(['generate', join(root, 'slos')]);
    expect(again.code).toBe(0);
    expect(existsSync(template)).toBe(true);
    writeFileSync(template, readFileSync(template, 'utf8').replace('count: 5', 'count: 50'));
    const stale = await cli(['check', join(root, 'slos')]);
    expect(stale.code).toBe(1);
    expect(stale.out).toContain('shop.analysistemplate.yml');

    // Its input gone, the template goes with the other outputs of that input; a spec added to
    // the same PATH gets its template, the run having generated templates before.
    rmSync(join(root, 'slos/shop.yaml'));
    writeFileSync(join(root, 'slos/other.yaml'), spec('other', AVAILABILITY));
    const gone = await cli(['generate', join(root, 'slos')]);
    expect(gone.code).toBe(0);
    expect(gone.out).toContain('deleted');
    expect(existsSync(template)).toBe(false);
    expect(existsSync(join(root, 'k8s/other.analysistemplate.yml'))).toBe(true);
  });
});
