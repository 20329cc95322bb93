import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { makeTempDir, promtoolCheckRules, promtoolTestRules } from '@tracseq/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { generateOutputs } from '../output/generate-outputs.js';
import { loadSpecs } from '../spec/load-specs.js';
import { stepsSpec } from '../spec/test-composite-specs.js';

const tmp = makeTempDir('slo-composites');
afterAll(() => tmp.remove());

const STEPS = stepsSpec('team: lab-platform');

// Another file, other labels: the journey reads the components' recordings across files.
const JOURNEYS = `version: tracseq.slo/v1
service: journeys
labels: { team: lims }
slos:
  - name: lifecycle
    objective: 98.5
    sli:
      composite:
        mode: serial
        components:
          - slo: sample-service/submission
          - slo: sample-service/processing
  - name: weighted-lifecycle
    objective: 97
    sli:
      composite:
        mode: weighted
        components:
          - { slo: sample-service/submission, weight: 3 }
          - { slo: sample-service/processing, weight: 1 }
`;

/** Writes the outputs of both specs under a fresh directory. */
function generate(name: string): { dir: string; files: Map<string, string> } {
  const loaded = loadSpecs([
    { path: 'slos/steps.yaml', text: STEPS },
    { path: 'slos/journeys.yaml', text: JOURNEYS },
  ]);
  expect(loaded.errors).toEqual([]);
  const files = new Map(generateOutputs(loaded.specs));
  const dir = join(tmp.path, name);
  for (const [path, content] of files) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return { dir, files };
}

const journeyTests = (files: ReadonlyMap<string, string>) =>
  [...files.keys()].filter((p) => p.startsWith('tests/journeys-')).sort();

/** The test files among `tests` that promtool fails. */
async function failing(dir: string, tests: readonly string[]): Promise<string[]> {
  const failed: string[] = [];
  for (const test of tests) {
    const run = await promtoolTestRules([test], dir);
    if (!run.ok) failed.push(test);
  }
  return failed;
}

describe('generated promtool tests of composite SLOs', () => {
  it('serial and weighted journeys: a component outage pages the journey within the bound, and promtool passes', async () => {
    const { dir, files } = generate('pass');
    const rules = [...files.keys()].filter((p) => p.startsWith('rules/')).map((p) => join(dir, p));
    const checked = await promtoolCheckRules(rules);
    expect(checked.ok, checked.stdout + checked.stderr).toBe(true);
    const tests = journeyTests(files);
    const suffixes = ['', '-page-1h-5m', '-page-6h-30m', '-ticket-1d-2h', '-ticket-3d-6h'];
    expect(tests).toEqual(
      ['lifecycle', 'weighted-lifecycle']
        .flatMap((slo) => suffixes.map((s) => `tests/journeys-${slo}${s}.test.yml`))
        .sort(),
    );
    const names = tests.flatMap((t) =>
      [...(files.get(t) as string).matchAll(/name: "?(.*?)"?$/gm)].map((m) => m[1] as string),
    );
    // Serial: either step down is the journey down.
    expect(names).toContain(
      'journeys-lifecycle page 1h/5m: an outage of sample-service/processing pages the serial journey within 14m30s and resets within 6m30s',
    );
    // Weighted 3:1 with a 3 % budget: submission down is 75 % errors (25x), processing down 25 % (8.3x).
    expect(names).toContain(
      'journeys-weighted-lifecycle page 1h/5m: an outage of sample-service/submission pages the weighted journey within 36m30s and resets within 6m30s',
    );
    expect(names).toContain(
      "journeys-weighted-lifecycle page 1h/5m: an outage of sample-service/processing alone (journey error ratio 0.25) stays under the weighted journey's threshold",
    );
    expect(
      names.some((n) =>
        /weighted-lifecycle page 6h\/30m: an outage of sample-service\/processing pages/.test(n),
      ),
    ).toBe(true);
    // Each test file loads both rule files and evaluates the components first.
    expect(files.get('tests/journeys-lifecycle.test.yml')).toContain(
      'rule_files:\n  - ../rules/steps.rules.yml\n  - ../rules/journeys.rules.yml\n',
    );
    expect(await failing(dir, tests)).toEqual([]);
  }, 900_000);

  it('those tests fail when the serial rule ignores a component, so they prove the composition', async () => {
    const { dir, files } = generate('broken');
    const path = 'rules/journeys.rules.yml';
    const rules = files.get(path) as string;
    // The serial journey without its processing step: 1 − (1 − e_submission).
    const broken = rules.replace(
      /\n\s*\*\n\s*\(1 - max by \(cluster, namespace, lab\) \(slo:sli_error:ratio_rate\w+\{slo_service="sample-service",slo_name="processing"\}\)\)/g,
      '',
    );
    expect(broken).not.toBe(rules);
    writeFileSync(join(dir, path), broken);
    // The formula test (general file) and the processing outage test (fast page file).
    const serial = ['tests/journeys-lifecycle-page-1h-5m.test.yml', 'tests/journeys-lifecycle.test.yml'];
    expect(await failing(dir, serial)).toEqual(serial);
  }, 900_000);
});
