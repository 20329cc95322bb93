import { execFile } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatDuration, MAX_INPUT_BYTES } from '@tracseq/contract';
import { amtoolCheckConfig, makeTempDir } from '@tracseq/testkit';
import { afterAll, describe, expect, it } from 'vitest';

const PACKAGE = join(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = join(PACKAGE, 'bin/tracseq-slo.js');
const REPO = join(PACKAGE, '../..');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

interface RunOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Run as another user (to meet EACCES as root, who may write anywhere). */
  uid?: number;
}

/** Runs a program to completion; a run that hangs (a FIFO read) is killed and fails the test. */
function exec(file: string, args: readonly string[], options: RunOptions = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      file,
      args,
      {
        env: options.env ?? process.env,
        cwd: options.cwd,
        maxBuffer: 32 * 1024 * 1024,
        timeout: 600_000,
        ...(options.uid === undefined ? {} : { uid: options.uid, gid: options.uid }),
      },
      (error, stdout, stderr) => {
        const code = error ? ((error.code as number | undefined) ?? (error.killed ? 'killed' : 1)) : 0;
        resolve({ code: code as number, stdout, stderr });
      },
    );
  });
}

const cli = (args: readonly string[], options: RunOptions = {}) =>
  exec(process.execPath, [BIN, ...args], options);

/** The shell runs a line exactly as a README or a CI file spells it. */
const sh = (line: string, cwd: string) =>
  // Offline: npx must find the package's own bin, never fetch one from the registry.
  exec('sh', ['-c', line], { cwd, env: { ...process.env, npm_config_offline: 'true' } });

/** Every error line names a real position or none: never the 0:0 of "no position". */
function expectOneLineErrors(stderr: string): void {
  expect(stderr).not.toMatch(/:0:0:/);
  expect(stderr).not.toMatch(/^\s+at /m);
}

const VALID = `version: tracseq.slo/v1
service: sample-service
slos:
  - name: requests-availability
    objective: 99.9
    sli: { preset: http-availability }
    alerting: { runbookUrl: https://runbooks.example/a }
`;

const tmp = makeTempDir('slo-cli');
afterAll(() => tmp.remove());

function workspace(name: string, specs: Record<string, string>): string {
  const root = join(tmp.path, name);
  mkdirSync(join(root, 'slos'), { recursive: true });
  for (const [file, text] of Object.entries(specs)) writeFileSync(join(root, 'slos', file), text);
  return root;
}

/** Every file under `dir` with its content: what "nothing changed" is compared against. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    out[relative(dir, path)] = entry.isFile() ? readFileSync(path, 'utf8') : '<dir>';
  }
  return out;
}

/** A copy of the repository's prometheus/ and lab settings in the same layout, so headers match. */
function repoCopy(name: string): string {
  const root = join(tmp.path, name);
  cpSync(join(REPO, 'prometheus'), join(root, 'prometheus'), { recursive: true });
  mkdirSync(join(root, 'examples'), { recursive: true });
  cpSync(join(REPO, 'examples/lab-settings.yaml'), join(root, 'examples/lab-settings.yaml'));
  return root;
}

const ON_CALL_FILES = [
  'rules/operational.rules.yml',
  'rules/operational-lab-a.rules.yml',
  'tests/operational.test.yml',
  'tests/operational-lab-a.test.yml',
  'k8s/operational.prometheusrule.yml',
  'k8s/operational-lab-a.prometheusrule.yml',
  'mimir/operational.yml',
  'mimir/operational-lab-a.yml',
];

describe('tracseq-slo CLI: usage, help and the committed bin', () => {
  it.each([['--help'], ['-h'], ['help']])('%s prints the usage on stdout and exits 0', async (flag) => {
    const run = await cli([flag]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('usage: tracseq-slo <command> [options]');
    for (const verb of [
      'validate',
      'generate',
      'test',
      'check',
      'explain',
      'import',
      'silences',
      'report',
      'gate',
      'replay',
      'schema',
    ]) {
      expect(run.stdout).toContain(`\n  ${verb} `);
    }
    expect(run.stderr).toBe('');
  });

  it('help VERB and VERB --help print that verb’s usage with its flags', async () => {
    for (const args of [
      ['help', 'generate'],
      ['generate', '--help'],
      ['generate', '-h'],
    ]) {
      const run = await cli(args);
      expect(run.code).toBe(0);
      expect(run.stdout).toContain('usage: tracseq-slo generate PATH... [--out DIR] [--alertmanager FILE]');
      for (const flag of ['--lab-settings FILE', '--grafana-url URL', '--runbook-url URL', '--json']) {
        expect(run.stdout).toContain(flag);
      }
    }
  });

  it('--version prints the package version', async () => {
    const run = await cli(['--version']);
    expect(run.code).toBe(0);
    expect(run.stdout.trim()).toBe(JSON.parse(readFileSync(join(PACKAGE, 'package.json'), 'utf8')).version);
  });

  it.each<[string, string[], string]>([
    ['an unknown command', ['frobnicate'], 'tracseq-slo: unknown command "frobnicate"'],
    ['no command', [], 'tracseq-slo: give a command'],
    [
      'an unknown flag',
      ['validate', '--nope', 'slos'],
      "tracseq-slo: Unknown option '--nope'\n\nusage: tracseq-slo validate",
    ],
    ['a flag of another verb', ['validate', '--out', 'x', 'slos'], "Unknown option '--out'"],
    ['an unknown verb to help', ['help', 'frobnicate'], 'unknown command "frobnicate"'],
  ])('exits 2 with the usage on stderr on %s', async (_what, args, message) => {
    const run = await cli(args);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain('usage: tracseq-slo');
    expect(run.stdout).toBe('');
  });

  it('is a committed ESM bin with a shebang and the exec bit, named in package.json', () => {
    const pkg = JSON.parse(readFileSync(join(PACKAGE, 'package.json'), 'utf8'));
    expect(pkg.bin).toEqual({ 'tracseq-slo': './bin/tracseq-slo.js' });
    expect(pkg.files).toContain('bin');
    expect(readFileSync(BIN, 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
    expect(statSync(BIN).mode & 0o111).toBe(0o111);
  });

  it('says to build when dist is missing, and exits 3', async () => {
    const copy = join(tmp.path, 'unbuilt/bin/tracseq-slo.js');
    mkdirSync(dirname(copy), { recursive: true });
    cpSync(BIN, copy);
    const run = await exec(process.execPath, [copy, '--help']);
    expect(run.code).toBe(3);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('npm run build');
  });

  it('runs as `npx tracseq-slo` from the repository root', async () => {
    const run = await sh('npx tracseq-slo --help', REPO);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('usage: tracseq-slo <command>');
  });
});

describe('tracseq-slo CLI: verbs', () => {
  it('validates a directory recursively', async () => {
    const root = workspace('valid', { 'a.yaml': VALID });
    mkdirSync(join(root, 'slos/nested'));
    writeFileSync(join(root, 'slos/nested/b.yml'), VALID.replace('sample-service', 'storage-service'));
    const run = await cli(['validate', join(root, 'slos')]);
    expect(run.stdout).toContain('2 spec file(s), 2 SLO(s): valid');
    expect(run.code).toBe(0);
  });

  it('prints one FILE:LINE:COL: path: problem. Fix: hint line per error and exits 1', async () => {
    const root = workspace('invalid', {
      'a.yaml': VALID.replace('99.9', '100').replace('preset:', 'presett:'),
    });
    const run = await cli(['validate', join(root, 'slos')]);
    expect(run.code).toBe(1);
    const lines = run.stderr.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines) expect(line).toMatch(/^\/.+\/a\.yaml:\d+:\d+: slos\[0\]\..+\. Fix: .+/);
    expect(run.stderr).toContain('slos[0].objective');
  });

  it('prints {ok, errors, warnings} with --json', async () => {
    const root = workspace('json', { 'a.yaml': VALID.replace('99.9', '0') });
    const run = await cli(['validate', '--json', join(root, 'slos')]);
    expect(run.code).toBe(1);
    const body = JSON.parse(run.stdout);
    expect(body.ok).toBe(false);
    expect(body.errors[0]).toMatchObject({ line: 5, column: 16, path: 'slos[0].objective' });
    expect(Object.keys(body.errors[0]).sort()).toEqual(['column', 'file', 'hint', 'line', 'message', 'path']);
    expect(body.warnings).toEqual([]);
  });

  it('writes nothing when any input is invalid', async () => {
    const root = workspace('nothing', {
      'a.yaml': VALID,
      'b.yaml': VALID.replace('service: sample-service', 'service: Bad Name'),
    });
    const run = await cli(['generate', join(root, 'slos')]);
    expect(run.code).toBe(1);
    expect(readdirSync(root)).toEqual(['slos']);
  });

  it('generates, checks clean output with promtool, and fails on stale output', async () => {
    const root = workspace('generate', { 'a.yaml': VALID });
    const generated = await cli([
      'generate',
      join(root, 'slos'),
      '--alertmanager',
      join(root, 'alertmanager.yml'),
    ]);
    expect(generated.code).toBe(0);
    expect(generated.stdout).toMatch(
      /^8 file\(s\) generated in .+ from 1 spec file\(s\) with 1 SLO\(s\): 8 written, 0 deleted/,
    );
    expect(readdirSync(join(root, 'rules'))).toEqual(['a.rules.yml']);
    expect(readdirSync(join(root, 'k8s'))).toEqual(['a.prometheusrule.yml']);
    expect(readFileSync(join(root, 'rules/a.rules.yml'), 'utf8')).toMatch(
      /^# Code generated by tracseq-slo from slos\/a\.yaml\. DO NOT EDIT\./,
    );
    expect((await amtoolCheckConfig([join(root, 'alertmanager.yml')])).ok).toBe(true);

    const checked = await cli([
      'check',
      join(root, 'slos'),
      '--alertmanager',
      join(root, 'alertmanager.yml'),
    ]);
    expect(checked.stdout).toContain('9 generated file(s) in');
    expect(checked.stdout).toMatch(/1 rule file\(s\) pass promtool check rules; 5 passed, 0 failed/);
    expect(checked.code).toBe(0);

    writeFileSync(join(root, 'slos/a.yaml'), VALID.replace('99.9', '99.5'));
    const stale = await cli(['check', join(root, 'slos')]);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain(
      `${join(root, 'rules/a.rules.yml')}: generated file is out of date. Fix: run tracseq-slo generate ${join(root, 'slos')}\n`,
    );
    expectOneLineErrors(stale.stderr);
  }, 180_000);

  it('records --grafana-url in the headers and reuses it when the command line gives none', async () => {
    const root = workspace('grafana', { 'a.yaml': VALID });
    expect(
      (await cli(['generate', join(root, 'slos'), '--grafana-url', 'https://grafana.lab.example'])).code,
    ).toBe(0);
    const rules = readFileSync(join(root, 'rules/a.rules.yml'), 'utf8');
    expect(rules.split('\n')[0]).toBe(
      '# Code generated by tracseq-slo from slos/a.yaml with --grafana-url https://grafana.lab.example. DO NOT EDIT.',
    );
    expect(rules).toContain('dashboard_url: https://grafana.lab.example/d/tracseq-slo-overview');
    const again = await cli(['generate', join(root, 'slos')]);
    expect(again.stdout).toContain('0 written, 0 deleted, 8 unchanged');
  });

  it('exits 3 when promtool is missing', async () => {
    const root = workspace('no-promtool', { 'a.yaml': VALID });
    expect((await cli(['generate', join(root, 'slos')])).code).toBe(0);
    const run = await cli(['test', '--out', root], {
      env: { ...process.env, PATH: dirname(process.execPath) },
    });
    expect(run.stderr).toContain("Debian package 'prometheus'");
    expect(run.code).toBe(3);
  });

  it('explains detection and reset times from the window math', async () => {
    const root = workspace('explain', { 'a.yaml': VALID });
    const run = await cli(['explain', join(root, 'slos')]);
    expect(run.code).toBe(0);
    // 30d page 1h&5m at 14.4x: a full outage needs 14.4 x 0.001 x 1h, plus the 1m evaluation interval.
    const page = run.stdout.split('\n').find((line) => line.includes('1h&5m'));
    expect(page).toContain(formatDuration(Math.ceil(14.4 * 0.001 * 3600 + 60)));
    expect(page).toContain('14.4x');
    // A 10x burn never reaches 14.4x, so the quick page cannot fire on it; the 6x page fires after 6/10 x 6h.
    expect(page).toContain('never');
    const slowPage = run.stdout.split('\n').find((line) => line.includes('6h&30m'));
    expect(slowPage).toContain(formatDuration(Math.ceil((6 / 10) * 6 * 3600 + 60)));
    // Reset: the short window clears, plus one evaluation.
    expect(run.stdout.split('\n').find((line) => line.includes('3d&6h'))).toMatch(/6h1m$/);
  });

  it('explains per window pair the traffic below which alerting.minEvents keeps it silent', async () => {
    const gated = VALID.replace('{ runbookUrl:', '{ minEvents: 120, runbookUrl:');
    expect(gated).toContain('minEvents');
    const root = workspace('explain-min-events', { 'a.yaml': gated });
    const run = await cli(['explain', join(root, 'slos')]);
    expect(run.code).toBe(0);
    const line = (pair: string) => run.stdout.split('\n').find((l) => l.includes(pair));
    // 120 events per 1h is 2 a minute; per 3d it is under 2 an hour.
    expect(line('1h&5m')).toMatch(/120 per 1h \(2\/min\)$/);
    expect(line('3d&6h')).toMatch(/120 per 3d \(1\.67\/h\)$/);
    const json = await cli(['explain', '--json', join(root, 'slos')]);
    const alerts = JSON.parse(json.stdout).alerts as { longWindow: string; silentBelow: unknown }[];
    expect(alerts.find((a) => a.longWindow === '6h')?.silentBelow).toEqual({
      events: 120,
      perSecond: 120 / 21_600,
    });
  });

  it('imports a Sloth spec, dropping a conflicting severity label with a warning', async () => {
    const sloth = join(tmp.path, 'sloth.yml');
    writeFileSync(
      sloth,
      `version: prometheus/v1
service: myservice
slos:
  - name: requests-availability
    objective: 99.9
    sli:
      events:
        error_query: sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))
        total_query: sum(rate(http_requests_total[{{.window}}]))
    alerting:
      name: MyServiceHighErrorRate
      page_alert:
        labels: { severity: pageteam, routing_key: myteam }
`,
    );
    const run = await cli(['import', 'sloth', sloth]);
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(
      /warning: .*sloth\.yml:13:\d+: slos\[0\]\.alerting\.page_alert\.labels\.severity: label severity: pageteam conflicts/,
    );
    expect(run.stderr).toContain(`imported 1 SLO(s) of service myservice from ${sloth} (sloth)`);
    expect(run.stdout).toContain('version: tracseq.slo/v1');
    expect(run.stdout).toContain('errorQuery: sum(rate(http_requests_total{code=~"5.."}[{{.window}}]))');
    expect(run.stdout).toContain('routing_key: myteam');
    const imported = join(tmp.path, 'imported');
    mkdirSync(imported);
    writeFileSync(join(imported, 'myservice.yaml'), run.stdout);
    expect((await cli(['validate', imported])).code).toBe(0);
  });

  it('writes the JSON Schema the package publishes', async () => {
    const file = join(tmp.path, 'schema.json');
    const run = await cli(['schema', file]);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`wrote the JSON Schema of tracseq.slo/v1 to ${file}`);
    expect(readFileSync(file, 'utf8')).toBe(
      readFileSync(join(PACKAGE, 'schema/tracseq-slo-v1.schema.json'), 'utf8'),
    );
  });
});

describe('issue 15: check and generate never destroy work', () => {
  it('`check prometheus/slos` without --lab-settings passes on the repository', async () => {
    const run = await sh('npx tracseq-slo check prometheus/slos', REPO);
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain('(8 of inputs not in this run not checked)');
    expect(run.code).toBe(0);
  }, 900_000);

  it('passes the README’s CI lines exactly as written, via npx, from each repository root', async () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const lines = readme.split('\n').filter((line) => line.startsWith('npx tracseq-slo check '));
    expect(lines).toEqual([
      'npx tracseq-slo check slos/',
      'npx tracseq-slo check prometheus/slos --lab-settings examples/lab-settings.yaml --alertmanager prometheus/alertmanager.yml',
    ]);
    // A TracSeq service repository: its specs in slos/, @tracseq/slo installed, outputs committed.
    const service = join(tmp.path, 'service-repo');
    mkdirSync(join(service, 'slos'), { recursive: true });
    mkdirSync(join(service, 'node_modules/.bin'), { recursive: true });
    mkdirSync(join(service, 'node_modules/@tracseq'), { recursive: true });
    symlinkSync(PACKAGE, join(service, 'node_modules/@tracseq/slo'));
    symlinkSync('../@tracseq/slo/bin/tracseq-slo.js', join(service, 'node_modules/.bin/tracseq-slo'));
    writeFileSync(join(service, 'package.json'), '{"name":"sample-service","private":true}\n');
    writeFileSync(join(service, 'slos/sample-service.yaml'), VALID);
    expect((await sh('npx tracseq-slo generate slos/', service)).code).toBe(0);
    const serviceRun = await sh(lines[0] as string, service);
    expect(serviceRun.stderr).toBe('');
    expect(serviceRun.code).toBe(0);

    const repoRun = await sh(lines[1] as string, REPO);
    expect(repoRun.stderr).toBe('');
    expect(repoRun.stdout).toContain('52 generated file(s) in');
    expect(repoRun.code).toBe(0);
  }, 900_000);

  it('`npm run generate` as .ci/run runs it (the package script) changes nothing in the repository layout', async () => {
    const root = repoCopy('ci-line');
    const pkg = JSON.parse(readFileSync(join(PACKAGE, 'package.json'), 'utf8'));
    cpSync(join(PACKAGE, 'schema'), join(root, 'packages/slo/schema'), { recursive: true });
    const before = snapshot(root);
    for (const command of (pkg.scripts.generate as string).split(' && ')) {
      const args = command.replace(/^node bin\/tracseq-slo\.js /, '').split(' ');
      const run = await cli(args, { cwd: join(root, 'packages/slo') });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
    }
    expect(snapshot(root)).toEqual(before);
  });

  it('no suggested fix deletes a committed file: only outputs of the checked inputs change', async () => {
    const root = repoCopy('fix');
    const out = join(root, 'prometheus');
    const onCall = Object.fromEntries(ON_CALL_FILES.map((f) => [f, readFileSync(join(out, f), 'utf8')]));
    // Stale state: one spec changed, one removed.
    const sample = join(out, 'slos/sample-service.yaml');
    // The removed spec's SLO is a dependency of sample-service's: drop that reference with it.
    writeFileSync(
      sample,
      readFileSync(sample, 'utf8')
        .replace('objective: 99.9', 'objective: 99.5')
        .replace(/^\s*dependsOn:.*\n/m, ''),
    );
    rmSync(join(out, 'slos/storage-service.yaml'));

    const checked = await cli(['check', join(out, 'slos')]);
    expect(checked.code).toBe(1);
    expectOneLineErrors(checked.stderr);
    const fixes = new Set(
      checked.stderr
        .trim()
        .split('\n')
        .map((line) => line.split('. Fix: run ')[1]),
    );
    expect([...fixes]).toEqual([`tracseq-slo generate ${join(out, 'slos')}`]);
    for (const file of ON_CALL_FILES) expect(checked.stderr).not.toContain(file);
    expect(checked.stderr).toContain(
      `${join(out, 'rules/storage-service.rules.yml')}: generated file is no longer produced by its input`,
    );

    const fixed = await cli((fixes.values().next().value as string).split(' ').slice(1));
    expect(fixed.code).toBe(0);
    // storage-service's 13 rule, test, CRD and Mimir files, and its AnalysisTemplate.
    expect(fixed.stdout).toMatch(/ \d+ written, 14 deleted, \d+ unchanged/);
    expect(existsSync(join(out, 'k8s/storage-service.analysistemplate.yml'))).toBe(false);
    expect(existsSync(join(out, 'k8s/sample-service.analysistemplate.yml'))).toBe(true);
    expect(fixed.stdout).toContain('8 generated file(s) of inputs not in this run left alone');
    for (const file of ON_CALL_FILES) expect(readFileSync(join(out, file), 'utf8')).toBe(onCall[file]);
    expect(existsSync(join(out, 'rules/sample-service.rules.yml'))).toBe(true);
    expect(readdirSync(join(out, 'rules')).sort()).toEqual([
      'operational-lab-a.rules.yml',
      'operational.rules.yml',
      'sample-service.rules.yml',
    ]);
    expect((await cli(['generate', join(out, 'slos')])).stdout).toContain('0 written, 0 deleted');
  });

  it('refuses to overwrite a file no tool generated', async () => {
    const root = workspace('hand-written', { 'a.yaml': VALID });
    mkdirSync(join(root, 'rules'));
    writeFileSync(join(root, 'rules/a.rules.yml'), 'groups: [] # written by hand\n');
    const before = snapshot(root);
    const run = await cli(['generate', join(root, 'slos')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `${join(root, 'rules/a.rules.yml')}: exists and was not generated by tracseq-slo, so it is not overwritten. Fix: move the file away, or generate into another --out directory\n`,
    );
    expect(snapshot(root)).toEqual(before);
  });
});

describe('reliability row 6: no specs found deletes nothing', () => {
  it('generate EMPTY_DIR --out OUT refuses and leaves OUT’s generated files alone', async () => {
    const root = workspace('empty', { 'a.yaml': VALID });
    expect((await cli(['generate', join(root, 'slos')])).code).toBe(0);
    rmSync(join(root, 'slos/a.yaml'));
    const before = snapshot(root);
    const run = await cli(['generate', join(root, 'slos'), '--out', root]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `${join(root, 'slos')}: no SLO spec files (*.yaml, *.yml) found. Fix: give the files or directories that hold your tracseq.slo/v1 specs\n`,
    );
    expect(snapshot(root)).toEqual(before);
  });

  it('validate EMPTY_DIR says no specs were found and exits 1', async () => {
    const root = workspace('empty-validate', {});
    const run = await cli(['validate', join(root, 'slos')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('no SLO spec files (*.yaml, *.yml) found');
    expect(run.stdout).toBe('');
  });
});

describe('reliability row 12: size limit', () => {
  it('refuses a spec over MAX_INPUT_BYTES from its size, with one clear line', async () => {
    const root = workspace('big', {});
    const slo = (i: number) =>
      `  - name: s${i}\n    objective: 99.9\n    sli: { preset: http-availability }\n`;
    let text = 'version: tracseq.slo/v1\nservice: sample-service\nslos:\n';
    for (let i = 0; text.length <= MAX_INPUT_BYTES; i++) text += slo(i);
    writeFileSync(join(root, 'slos/big.yaml'), text);
    const run = await cli(['validate', join(root, 'slos')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `${join(root, 'slos/big.yaml')}: the spec file is ${Buffer.byteLength(text)} bytes, over the ${MAX_INPUT_BYTES}-byte limit of a spec or settings file. Fix: split it into several files or remove generated bulk\n`,
    );
  });
});

describe('reliability row 13: unwritable output and hostile input', () => {
  it('an unwritable rules directory (EACCES) leaves every output as it was', async () => {
    const root = workspace('eacces', { 'a.yaml': VALID });
    expect((await cli(['generate', join(root, 'slos')])).code).toBe(0);
    writeFileSync(join(root, 'slos/a.yaml'), VALID.replace('99.9', '99.5'));
    for (const dir of [tmp.path, root, join(root, 'slos'), join(root, 'k8s'), join(root, 'mimir')])
      chmodSync(dir, 0o777);
    for (const dir of ['tests', 'rules']) chmodSync(join(root, dir), 0o755);
    for (const file of readdirSync(root, { recursive: true, withFileTypes: true })) {
      if (file.isFile()) chmodSync(join(file.parentPath, file.name), 0o644);
    }
    chmodSync(join(root, 'rules'), 0o555);
    const before = snapshot(root);
    // Root may write anywhere: run as nobody then, so the permission check is the kernel's.
    const run = await cli(['generate', join(root, 'slos')], process.getuid?.() === 0 ? { uid: 65534 } : {});
    chmodSync(join(root, 'rules'), 0o755);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('permission denied (EACCES); nothing was written');
    expectOneLineErrors(run.stderr);
    expect(snapshot(root)).toEqual(before);
  });

  it('`tests` being a file (ENOTDIR) writes nothing at all', async () => {
    const root = workspace('enotdir', { 'a.yaml': VALID });
    writeFileSync(join(root, 'tests'), 'not a directory');
    const before = snapshot(root);
    const run = await cli(['generate', join(root, 'slos')]);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`${join(root, 'tests')}: is a file, not a directory`);
    expectOneLineErrors(run.stderr);
    expect(snapshot(root)).toEqual(before);
  });

  it('an unwritable --out inside a file is one line, not a stack trace', async () => {
    const root = workspace('out-in-file', { 'a.yaml': VALID });
    writeFileSync(join(root, 'file'), 'x');
    const run = await cli(['generate', join(root, 'slos'), '--out', join(root, 'file/out')]);
    expect(run.code).toBe(1);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expectOneLineErrors(run.stderr);
  });

  it('import of a YAML bomb is one located error and no output', async () => {
    const bomb = join(tmp.path, 'bomb.yaml');
    const levels = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    writeFileSync(
      bomb,
      `version: prometheus/v1\na: &a ["x","x","x","x","x","x","x","x","x"]\n${levels
        .slice(1)
        .map((l, i) => `${l}: &${l} [${Array(9).fill(`*${levels[i]}`).join(',')}]`)
        .join('\n')}\n`,
    );
    const run = await cli(['import', 'sloth', bomb]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(/^.+bomb\.yaml:\d+:\d+: YAML document refused: .+\. Fix: .+\n$/);
  });
});

describe('reliability row 14: positions, and inputs that are not regular files', () => {
  it.each<[string, (fifo: string, root: string) => string[], string]>([
    ['a spec PATH', (fifo) => ['validate', fifo], 'is a FIFO (named pipe), not a spec file'],
    [
      '--lab-settings',
      (fifo, root) => ['generate', join(root, 'slos'), '--lab-settings', fifo],
      'the lab settings file is a FIFO',
    ],
    ['an import FILE', (fifo) => ['import', 'sloth', fifo], 'the file to import is a FIFO'],
    ['silences', (fifo) => ['silences', fifo], 'the lab settings file is a FIFO'],
  ])('refuses a FIFO as %s instead of blocking forever', async (_what, args, message) => {
    const root = workspace(`fifo-${_what.replace(/\W/g, '')}`, { 'a.yaml': VALID });
    const fifo = join(root, 'input.yaml');
    const made = await exec('mkfifo', [fifo]);
    expect(made.code).toBe(0);
    const run = await cli(args(fifo, root));
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(`${fifo}: ${run.stderr.slice(fifo.length + 2)}`);
    expect(run.stderr).toContain(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('a missing PATH has no position rather than 0:0', async () => {
    const missing = join(tmp.path, 'missing.yaml');
    const run = await cli(['validate', missing]);
    expect(run.code).toBe(1);
    expect(run.stderr).toBe(
      `${missing}: no such file or directory. Fix: give a spec file or a directory of specs\n`,
    );
  });
});

describe('silences of recurring maintenance windows', () => {
  it('silences: one per occurrence of a recurring window within --horizon; a bad horizon is a usage error', async () => {
    const settings = join(tmp.path, 'recurring-lab.yaml');
    writeFileSync(
      settings,
      'lab: lab-a\nmaintenance_windows:\n  - { instrument: sequencer-1, schedule: "DTSTART;TZID=Europe/Berlin:20261006T060000\\nRRULE:FREQ=WEEKLY;BYDAY=TU", duration: 4h }\n',
    );
    const at = ['silences', settings, '--at', '2026-10-21T00:00:00Z'];
    const week = await cli(at);
    expect(week.code).toBe(0);
    expect((JSON.parse(week.stdout) as { startsAt: string }[]).map((s) => s.startsAt)).toEqual([
      '2026-10-27T05:00:00.000Z',
    ]);
    const fortnight = await cli([...at, '--horizon', '14d']);
    expect((JSON.parse(fortnight.stdout) as unknown[]).length).toBe(2);
    const bad = await cli([...at, '--horizon', 'soon']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--horizon: "soon" is not a duration');
  });
});
