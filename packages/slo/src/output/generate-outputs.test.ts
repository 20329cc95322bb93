import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { makeTempDir, promtoolCheckRules, promtoolTestRules } from '@tracseq/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { loadSpecs } from '../spec/load-specs.js';
import { generateOutputs } from './generate-outputs.js';

const tmp = makeTempDir('slo-outputs');
afterAll(() => tmp.remove());

/** Validates a spec, writes its outputs under a fresh directory, returns the directory and files. */
function generate(name: string, text: string): { dir: string; files: ReadonlyMap<string, string> } {
  const loaded = loadSpecs([{ path: `slos/${name}.yaml`, text }]);
  expect(loaded.errors).toEqual([]);
  const files = generateOutputs(loaded.specs);
  const dir = join(tmp.path, name);
  for (const [path, content] of files) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
  return { dir, files };
}

/** promtool check rules on the rule files, promtool test rules on every test file. */
async function promtoolVerdict(dir: string, files: ReadonlyMap<string, string>): Promise<string[]> {
  const failures: string[] = [];
  const rules = [...files.keys()].filter((p) => p.startsWith('rules/')).map((p) => join(dir, p));
  const checked = await promtoolCheckRules(rules);
  if (!checked.ok) failures.push(`check rules: ${checked.stdout}${checked.stderr}`);
  for (const test of [...files.keys()].filter((p) => p.startsWith('tests/'))) {
    const run = await promtoolTestRules([test], dir);
    if (!run.ok) failures.push(`${test}: ${run.stdout}${run.stderr}`);
  }
  return failures;
}

describe('reliability row 3: label and selector values with line separators and control characters', () => {
  const value = '/x\u2028y\u2029z\u0085w\u0007v\tu\rt"s\\r';
  const spec = `version: tracseq.slo/v1
service: sample-service
labels: { team: ${JSON.stringify('lab\u2028platform\u0085\u007f')} }
slos:
  - name: odd-route
    objective: 99.9
    sli: { preset: http-availability, selector: { http_route: ${JSON.stringify(value)} } }
`;

  it('generates rules promtool accepts, whose tests prove the exact value is matched', async () => {
    const { dir, files } = generate('odd', spec);
    const rules = files.get('rules/odd.rules.yml') as string;
    // Prometheus's YAML reader breaks lines at U+2028/U+2029/U+0085 and refuses raw controls.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: looking for raw control characters
    expect(rules).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/);
    expect(await promtoolVerdict(dir, files)).toEqual([]);
  }, 120_000);
});

describe('reliability row 4: no template expansion inside selector values', () => {
  const spec = `version: tracseq.slo/v1
service: sample-service
slos:
  - name: templated-route
    objective: 99
    sli: { preset: http-latency, selector: { http_route: "/x{{.window}}" } }
`;

  it('keeps "{{.window}}" in a selector value literal in every window, and its tests pass on promtool', async () => {
    const { dir, files } = generate('templated', spec);
    const rules = files.get('rules/templated.rules.yml') as string;
    expect(rules).not.toMatch(/http_route="\/x\d+[smhd]"/);
    expect(rules).toContain('http_route="/x\\x7b{.window}}"');
    expect(await promtoolVerdict(dir, files)).toEqual([]);
  }, 120_000);
});

describe('reliability row 5: the highest accepted objective still gets exact rules and tests', () => {
  const spec = `version: tracseq.slo/v1
service: sample-service
slos:
  - name: nine-nines
    objective: 99.9999999
    sli: { preset: http-availability }
  - name: nine-nines-latency
    objective: 99.9999999
    period: 1h
    sli: { preset: http-latency }
`;

  it('passes promtool at the 99.9999999 % bound, with no NaN in the generated tests', async () => {
    const { dir, files } = generate('bound', spec);
    for (const [path, content] of files) expect(content, path).not.toContain('NaN');
    expect(await promtoolVerdict(dir, files)).toEqual([]);
  }, 300_000);
});

describe('alerting.minEvents', () => {
  const spec = `version: tracseq.slo/v1
service: sample-service
labels: { team: lab-platform }
slos:
  - name: night-shift
    objective: 99.9
    sli: { preset: http-availability, selector: { http_route: /api/instruments } }
    alerting: { minEvents: 100 }
  - name: demo-latency
    objective: 95
    period: 1d
    sli: { preset: http-latency, thresholdSeconds: 0.1 }
    alerting: { minEvents: 30 }
`;

  it('generates tests promtool passes: one error at low traffic pages nothing, a sustained outage still alerts', async () => {
    const { dir, files } = generate('min-events', spec);
    const names = [...files.entries()]
      .filter(([p]) => p.startsWith('tests/'))
      .flatMap(([, text]) => [...text.matchAll(/name: (.*minEvents.*)$/gm)].map((m) => m[1] as string));
    expect(names.filter((n) => n.includes('a single error pages nothing'))).toHaveLength(2);
    expect(names.filter((n) => n.includes('a full outage still fires'))).toHaveLength(2);
    expect(await promtoolVerdict(dir, files)).toEqual([]);
  }, 300_000);

  it('those tests fail on rules without the gate, so they prove it', async () => {
    const { dir, files } = generate('min-events-ungated', spec);
    const rulesPath = 'rules/min-events-ungated.rules.yml';
    const gated = files.get(rulesPath) as string;
    // Drops the gate from every burn alert, leaving the plain multiwindow rule.
    const ungated = gated.replace(/\n\s*and ignoring\([^)]*\)\n[^\n]*>= \d+/g, '');
    expect(ungated).not.toContain('ignoring');
    writeFileSync(join(dir, rulesPath), ungated);
    // Only the page files hold minEvents tests; the rest of their tests pass ungated too.
    const pageFiles = new Map([...files].filter(([p]) => p.startsWith('rules/') || p.includes('-page-')));
    const failures = await promtoolVerdict(dir, pageFiles);
    expect(failures.map((f) => f.split(':')[0]).sort()).toEqual(
      [...pageFiles.keys()].filter((p) => p.startsWith('tests/')).sort(),
    );
  }, 300_000);
});
