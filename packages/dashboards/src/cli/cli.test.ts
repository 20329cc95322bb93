import { execFile } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTempDir } from '@tracseq/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const PACKAGE = join(dirname(fileURLToPath(import.meta.url)), '../..');
const MANIFEST = JSON.parse(readFileSync(join(PACKAGE, 'package.json'), 'utf8')) as {
  version: string;
  bin: Record<string, string>;
  files: string[];
};
// The command as npm links it: the committed bin script, which runs the built dist/cli/main.js.
const BIN = join(PACKAGE, MANIFEST.bin['tracseq-dashboards'] as string);
const REPO = join(PACKAGE, '../..');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], cwd = REPO, bin = BIN): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { cwd, maxBuffer: 32 * 1024 * 1024 },
      (error, stdout, stderr) => {
        resolve({ code: error ? ((error.code as number | undefined) ?? 1) : 0, stdout, stderr });
      },
    );
  });
}

const NAMES = [
  'circuit-breakers',
  'lab-operations',
  'runtime',
  'service-health',
  'slo-overview',
  'storage-capacity',
];

// Each test starts several real CLI processes; one that lints or generates loads @tracseq/slo and
// the Grafana SDK, seconds each on a busy two-core machine.
describe('tracseq-dashboards CLI', { timeout: 120_000 }, () => {
  const tmp = makeTempDir('dashboards-cli');
  afterAll(() => tmp.remove());
  const repoArgs = ['--slos', 'prometheus/slos', '--lab-settings', 'examples/lab-settings.yaml'];

  it('prints usage on stdout and exits 0 for --help, -h and help', async () => {
    for (const args of [['--help'], ['-h'], ['help']]) {
      const run = await cli(args);
      expect({ args, code: run.code, stderr: run.stderr }).toEqual({ args, code: 0, stderr: '' });
      expect(run.stdout).toMatch(/^usage: tracseq-dashboards <command> \[options\]\n/);
      expect(run.stdout).toMatch(/^ {2}generate {2,}\S/m);
      expect(run.stdout).toMatch(/^ {2}lint {2,}\S/m);
      expect(run.stdout).toContain('--version');
    }
  });

  it("prints a command's usage on stdout and exits 0 for help VERB, VERB --help and VERB -h", async () => {
    const usages: [string, RegExp, string[]][] = [
      [
        'generate',
        /^usage: tracseq-dashboards generate --out DIR \[options\]\n[\s\S]*--lab-settings FILE/,
        ['--out', 'x', '-h'],
      ],
      [
        'lint',
        /^usage: tracseq-dashboards lint PATH\.\.\. \[options\]\n[\s\S]*--allow-label NAME/,
        ['x.json', '--help'],
      ],
    ];
    for (const [verb, usage, withOthers] of usages) {
      for (const args of [
        ['help', verb],
        [verb, '--help'],
        [verb, '-h'],
        [verb, ...withOthers],
      ]) {
        const run = await cli(args);
        expect({ args, code: run.code, stderr: run.stderr }).toEqual({ args, code: 0, stderr: '' });
        expect(run.stdout).toMatch(usage);
      }
    }
  });

  it('prints the package version for --version', async () => {
    expect(await cli(['--version'])).toEqual({ code: 0, stdout: `${MANIFEST.version}\n`, stderr: '' });
  });

  it('exits 2 with one line and the usage on stderr on a missing or unknown command, flag or argument', async () => {
    const cases: [string[], string, string][] = [
      [[], 'no command given', 'usage: tracseq-dashboards <command>'],
      [['frobnicate'], 'unknown command frobnicate', 'usage: tracseq-dashboards <command>'],
      [['--colour'], 'unknown option --colour', 'usage: tracseq-dashboards <command>'],
      [['help', 'frobnicate'], 'unknown command frobnicate', 'usage: tracseq-dashboards <command>'],
      [['generate'], 'generate needs --out DIR', 'usage: tracseq-dashboards generate'],
      [
        ['generate', '--out', 'x', '--colour'],
        'unknown option --colour',
        'usage: tracseq-dashboards generate',
      ],
      [
        ['generate', '--out'],
        "Option '--out <value>' argument missing",
        'usage: tracseq-dashboards generate',
      ],
      [
        ['generate', '--out', 'x', 'extra'],
        'unexpected argument extra',
        'usage: tracseq-dashboards generate',
      ],
      [['lint'], 'lint needs at least one FILE or directory', 'usage: tracseq-dashboards lint'],
      [['lint', '--strict', 'x.json'], 'unknown option --strict', 'usage: tracseq-dashboards lint'],
    ];
    for (const [args, message, usage] of cases) {
      const run = await cli(args);
      expect({ args, code: run.code, stdout: run.stdout }).toEqual({ args, code: 2, stdout: '' });
      expect(run.stderr.split('\n\n')[0]).toBe(`tracseq-dashboards: ${message}`);
      expect(run.stderr.split('\n\n')[1]).toMatch(new RegExp(`^${usage}`));
    }
  });

  it('reports failures in one line, with the stack trace only under --debug', async () => {
    const file = join(tmp.path, 'a-file');
    writeFileSync(file, '');
    // A directory cannot be made under a file: an environment failure, not an input the CLI checks.
    const args = ['generate', '--out', join(file, 'dashboards')];
    const plain = await cli(args);
    expect(plain.code).toBe(1);
    expect(plain.stderr).toMatch(
      /^tracseq-dashboards: ENOTDIR: .*\(run with --debug for the stack trace\)\n$/,
    );
    const debug = await cli([...args, '--debug']);
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/\n {4}at /);
    const missing = await cli(['generate', '--out', join(tmp.path, 'x'), '--lab-settings', 'nope.yaml']);
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toMatch(
      /^tracseq-dashboards: nope\.yaml: cannot read the lab settings: [^\n]*\n$/,
    );
  });

  it('is a committed, executable bin script that npm links before dist/ exists, and says so when unbuilt', async () => {
    const bin = MANIFEST.bin['tracseq-dashboards'] as string;
    expect(bin).toBe('./bin/tracseq-dashboards.js');
    expect(MANIFEST.files).toContain('bin');
    expect(readFileSync(BIN, 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
    expect(statSync(BIN).mode & 0o111).not.toBe(0);
    // A copy with no dist/ beside it: what `npx tracseq-dashboards` meets before `npm run build`.
    const unbuilt = join(tmp.path, 'unbuilt/bin/tracseq-dashboards.js');
    mkdirSync(dirname(unbuilt), { recursive: true });
    copyFileSync(BIN, unbuilt);
    const run = await cli(['--help'], REPO, unbuilt);
    expect(run).toMatchObject({ code: 3, stdout: '' });
    expect(run.stderr).toMatch(/^tracseq-dashboards: .*not built.*run npm run build\n$/);
  });

  it('writes dashboards, provisioning and ConfigMaps; a second run writes nothing; --check passes', async () => {
    const out = join(tmp.path, 'a/grafana/dashboards');
    const maps = join(tmp.path, 'a/deploy/k8s/grafana-dashboards');
    const args = ['generate', '--out', out, ...repoArgs, '--configmaps', maps];
    const first = await cli(args);
    expect(first).toMatchObject({
      code: 0,
      stdout: '14 files generated: 14 written, 0 unchanged, 0 removed\n',
    });
    expect(readdirSync(out).sort()).toEqual(NAMES.map((n) => `${n}.json`));
    const json = readFileSync(join(out, 'slo-overview.json'), 'utf8');
    expect(json).toMatch(/^\{\n {2}"annotations"/);
    expect(json.endsWith('}\n')).toBe(true);
    const datasources = readFileSync(
      join(tmp.path, 'a/grafana/provisioning/datasources/prometheus.yaml'),
      'utf8',
    );
    expect(datasources).toMatch(/^# Code generated by tracseq-dashboards .*DO NOT EDIT\.\n/);
    expect(parse(datasources)).toMatchObject({ datasources: [{ uid: 'prometheus', type: 'prometheus' }] });
    const provider = parse(
      readFileSync(join(tmp.path, 'a/grafana/provisioning/dashboards/tracseq.yaml'), 'utf8'),
    );
    expect(provider).toMatchObject({ providers: [{ type: 'file', allowUiUpdates: false }] });
    const mapText = readFileSync(join(maps, 'slo-overview.configmap.yaml'), 'utf8');
    expect(mapText).toMatch(/^# Code generated by tracseq-dashboards .*DO NOT EDIT\.\n/);
    expect(mapText).toContain('grafana_dashboard: "1"');
    const map = parse(mapText);
    expect(map).toMatchObject({ kind: 'ConfigMap', metadata: { labels: { grafana_dashboard: '1' } } });
    expect(map.data['slo-overview.json']).toBe(json);
    // kubectl apply keeps the object in an annotation capped at 256 KiB.
    expect(Buffer.byteLength(mapText)).toBeLessThan(256 * 1024);

    expect(await cli(args)).toMatchObject({
      code: 0,
      stdout: '14 files generated: 0 written, 14 unchanged, 0 removed\n',
    });
    expect(await cli([...args, '--check'])).toMatchObject({ code: 0, stdout: '14 files up to date\n' });
  });

  it('--check fails on an edited or stale file, and generate removes stale dashboards', async () => {
    const out = join(tmp.path, 'b/dashboards');
    const args = ['generate', '--out', out, ...repoArgs];
    expect((await cli(args)).code).toBe(0);
    writeFileSync(join(out, 'runtime.json'), '{}\n');
    const stale = JSON.stringify({ uid: 'tracseq-old', tags: ['tracseq', 'generated'], panels: [] });
    writeFileSync(join(out, 'old.json'), stale);
    writeFileSync(join(out, 'hand-made.json'), JSON.stringify({ uid: 'mine', panels: [] }));
    const check = await cli([...args, '--check']);
    expect(check.code).toBe(1);
    expect(check.stderr).toContain(`${join(out, 'runtime.json')}: out of date; run npm run generate`);
    expect(check.stderr).toContain(`${join(out, 'old.json')}: no longer generated`);
    expect(check.stderr).toContain('8 files checked: 1 out of date, 1 no longer generated\n');
    expect(check.stdout).toBe('');
    expect(await cli(args)).toMatchObject({
      code: 0,
      stdout: '8 files generated: 1 written, 7 unchanged, 1 removed\n',
    });
    expect(existsSync(join(out, 'old.json'))).toBe(false);
    expect(existsSync(join(out, 'hand-made.json'))).toBe(true);
  });

  it('exits 1 on invalid input, naming the file', async () => {
    const specs = join(tmp.path, 'bad-slos');
    mkdirSync(specs, { recursive: true });
    writeFileSync(
      join(specs, 'x.yaml'),
      'version: tracseq.slo/v1\nservice: s\nslos:\n  - name: a\n    objective: 100\n',
    );
    const out = join(tmp.path, 'c');
    const badSpec = await cli(['generate', '--out', out, '--slos', specs]);
    expect(badSpec.code).toBe(1);
    expect(badSpec.stderr).toContain(join(specs, 'x.yaml'));
    const missing = await cli(['generate', '--out', out, '--lab-settings', join(tmp.path, 'nope.yaml')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('nope.yaml: cannot read the lab settings');
    writeFileSync(
      join(tmp.path, 'lab.yaml'),
      'lab: a\nstorage_zones: [{ name: z, temperature: -80, capacity: 0 }]\n',
    );
    const badLab = await cli(['generate', '--out', out, '--lab-settings', join(tmp.path, 'lab.yaml')]);
    expect(badLab.code).toBe(1);
    expect(badLab.stderr).toContain('storage_zones[0].capacity');
    writeFileSync(join(tmp.path, 'config.json'), JSON.stringify({ datasource: { uid: '' } }));
    const badConfig = await cli(['generate', '--out', out, '--config', join(tmp.path, 'config.json')]);
    expect(badConfig.code).toBe(1);
    expect(badConfig.stderr).toContain('datasource.uid: is required');
    expect(existsSync(out)).toBe(false);
  });

  it('lints: 0 and a count on clean dashboards, 1 with FILE: panel N (title): lines on bad ones', async () => {
    const out = join(tmp.path, 'd');
    expect((await cli(['generate', '--out', out])).code).toBe(0);
    const files = NAMES.map((n) => join(out, `${n}.json`));
    expect(await cli(['lint', ...files])).toEqual({
      code: 0,
      stdout: '6 dashboards, 0 findings\n',
      stderr: '',
    });
    expect(await cli(['lint', out])).toEqual({ code: 0, stdout: '6 dashboards, 0 findings\n', stderr: '' });
    expect(await cli(['lint', 'grafana/dashboards'])).toMatchObject({
      code: 0,
      stdout: '6 dashboards, 0 findings\n',
    });
    const dashboard = JSON.parse(readFileSync(files[3] as string, 'utf8'));
    dashboard.editable = true;
    dashboard.panels[1].targets[0].expr = 'sum(tracseq_samples_received_total)';
    const bad = join(tmp.path, 'bad.json');
    writeFileSync(bad, JSON.stringify(dashboard));
    const run = await cli(['lint', bad]);
    expect(run.code).toBe(1);
    expect(run.stdout.trim().split('\n')).toEqual([
      `${bad}: dashboard: [readonly] editable is not false: UI edits would be lost at the next provisioning`,
      `${bad}: panel 2 (Request rate): [counter-rate] query A: tracseq_samples_received_total is a counter: read it through rate() or increase() over [$__rate_interval]`,
      '1 dashboard, 2 findings',
    ]);
    dashboard.editable = false;
    dashboard.panels[1].targets[0].expr = 'sum(rate(tracseq_samples_received_total[$__rate_interval]';
    writeFileSync(bad, JSON.stringify(dashboard));
    const syntax = await cli(['lint', bad]);
    expect(syntax.code).toBe(1);
    expect(syntax.stdout.trim().split('\n')).toEqual([
      `${bad}: panel 2 (Request rate): [promql-syntax] query A: syntax error at line 1, column 58: the query ends too early`,
      '1 dashboard, 1 finding',
    ]);
    writeFileSync(join(tmp.path, 'not.json'), 'nope');
    const notJson = await cli(['lint', join(tmp.path, 'not.json')]);
    expect(notJson.code).toBe(1);
    expect(notJson.stdout).toMatch(
      /: dashboard: \[dashboard-shape\] not JSON: .*\n1 dashboard, 1 finding\n$/,
    );
    const missing = await cli(['lint', join(tmp.path, 'missing.json')]);
    expect(missing).toMatchObject({ code: 1, stdout: '' });
    expect(missing.stderr).toBe(
      `tracseq-dashboards: ${join(tmp.path, 'missing.json')}: no such file or directory\n`,
    );
  });

  it('keeps the repository dashboards, provisioning and ConfigMaps current (what CI runs)', async () => {
    const run = await cli([
      'generate',
      '--out',
      'grafana/dashboards',
      ...repoArgs,
      '--configmaps',
      'deploy/k8s/grafana-dashboards',
      '--check',
    ]);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('takes the uid prefix from the lab settings; --config wins over them', async () => {
    const lab = join(tmp.path, 'lab-prefix.yaml');
    writeFileSync(
      lab,
      `${readFileSync(join(REPO, 'examples/lab-settings.yaml'), 'utf8')}dashboard_uid_prefix: lab-b-\n`,
    );
    const uids = (dir: string) =>
      readdirSync(dir)
        .filter((f) => f.endsWith('.json'))
        .map((f) => (JSON.parse(readFileSync(join(dir, f), 'utf8')) as { uid: string }).uid)
        .sort();
    const fromLab = join(tmp.path, 'prefix-lab/dashboards');
    const run = await cli(['generate', '--out', fromLab, '--slos', 'prometheus/slos', '--lab-settings', lab]);
    expect(run.code, run.stderr).toBe(0);
    expect(uids(fromLab)).toEqual(NAMES.map((n) => `lab-b-${n}`));
    const config = join(tmp.path, 'prefix.json');
    writeFileSync(config, JSON.stringify({ uidPrefix: 'lab-c-' }));
    const fromConfig = join(tmp.path, 'prefix-config/dashboards');
    const both = await cli(['generate', '--out', fromConfig, '--lab-settings', lab, '--config', config]);
    expect(both.code, both.stderr).toBe(0);
    expect(uids(fromConfig)).toEqual(NAMES.map((n) => `lab-c-${n}`));
  });
});
