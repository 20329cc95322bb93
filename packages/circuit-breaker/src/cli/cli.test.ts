import { execFile } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const PACKAGE = join(dirname(fileURLToPath(import.meta.url)), '../..');
const BIN = join(PACKAGE, 'bin/tracseq-breakers.js');
const REPO = join(PACKAGE, '../..');
const VERSION = (JSON.parse(readFileSync(join(PACKAGE, 'package.json'), 'utf8')) as { version: string })
  .version;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the committed bin file as a real process (it loads dist/, built before the tests). */
function cli(args: string[], { cwd = REPO, bin = BIN } = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { cwd }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error.code as number | undefined) ?? 1) : 0, stdout, stderr });
    });
  });
}

const VALID = `lab: lab-a
breakers:
  defaults: { timeout: 2s }
  rules:
    - match: { instrument: lims }
      timeout: 500ms
`;

const INVALID = `lab: lab-a
breakers:
  defaults: { timeout: soon }
  rules:
    - match: { instrument: lims }
      errorThreshold: 2
`;

const STACK_FRAME = /^\s+at /m;

describe('tracseq-breakers CLI', () => {
  const tmp = mkdtempSync(join(tmpdir(), 'tracseq-breakers-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));
  const file = (name: string, text: string) => {
    const path = join(tmp, name);
    writeFileSync(path, text);
    return path;
  };

  it.each([[['--help']], [['-h']], [['help']], [['--debug', '--help']]])(
    '%j prints the usage on stdout and exits 0',
    async (args) => {
      const run = await cli(args);
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(run.stdout).toMatch(/^usage: tracseq-breakers <command>/);
      expect(run.stdout).toContain('validate');
      expect(run.stdout).toContain('istio');
    },
  );

  it.each([[['help', 'istio']], [['istio', '--help']], [['istio', '-h']]])(
    '%j prints the command usage on stdout and exits 0',
    async (args) => {
      const run = await cli(args);
      expect(run).toMatchObject({ code: 0, stderr: '' });
      expect(run.stdout).toMatch(/^usage: tracseq-breakers istio SETTINGS --out DIR --target/);
    },
  );

  it('prints the package version', async () => {
    const run = await cli(['--version']);
    expect(run).toEqual({ code: 0, stdout: `@tracseq/circuit-breaker ${VERSION}\n`, stderr: '' });
  });

  it.each([
    [['frobnicate'], 'tracseq-breakers: unknown command "frobnicate"', 'usage: tracseq-breakers <command>'],
    [[], 'tracseq-breakers: no command given', 'usage: tracseq-breakers <command>'],
    [['--frob'], "tracseq-breakers: unknown option '--frob'", 'usage: tracseq-breakers <command>'],
    [['help', 'frobnicate'], 'unknown command "frobnicate"', 'usage: tracseq-breakers <command>'],
    [
      ['validate', 'x.yaml', '--frob'],
      "tracseq-breakers validate: Unknown option '--frob'.",
      'usage: tracseq-breakers validate',
    ],
    [
      ['istio', 'x.yaml', '--out'],
      "tracseq-breakers istio: Option '--out <value>' argument missing",
      'usage: tracseq-breakers istio',
    ],
    [
      ['validate'],
      'tracseq-breakers validate: give at least one lab settings file',
      'usage: tracseq-breakers validate',
    ],
    [
      ['istio', 'x.yaml', '--target', 'a=b=lab-a/lims'],
      'tracseq-breakers istio: --out DIR is required',
      'usage: tracseq-breakers istio',
    ],
  ])('%j exits 2 with the problem and the usage on stderr', async (args, problem, usage) => {
    const run = await cli(args);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.split('\n')[0]).toContain(problem);
    expect(run.stderr).toContain(usage);
  });

  it('checks every file and lists the problems of each', async () => {
    const good = file('good.yaml', VALID);
    const bad = file('bad-one.yaml', 'lab: lab-a\nbreakers:\n  defaults: { capacity: 0 }\n');
    const missing = join(tmp, 'missing.yaml');
    const run = await cli(['validate', bad, good, missing]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe(`${good}: valid: 1 breaker rule(s), 0 instrument maintenance window(s)\n`);
    expect(run.stderr.trimEnd().split('\n')).toEqual([
      `${bad}:3:25: breakers.defaults.capacity: 0 is not >= 1. Fix: a whole number >= 1, e.g. 100`,
      `${missing}: cannot read the lab settings (no such file). Fix: give the lab settings YAML file`,
    ]);
  });

  it('validates settings files and says what each holds', async () => {
    const a = file('a.yaml', VALID);
    const b = file('b.yaml', readFileSync(join(REPO, 'examples/lab-settings.yaml'), 'utf8'));
    const run = await cli(['validate', a, b]);
    expect(run).toEqual({
      code: 0,
      stdout:
        `${a}: valid: 1 breaker rule(s), 0 instrument maintenance window(s)\n` +
        `${b}: valid: 4 breaker rule(s), 2 instrument maintenance window(s)\n`,
      stderr: '',
    });
  });

  it('reports each settings problem on one line, with a stack trace only under --debug', async () => {
    const bad = file('bad.yaml', INVALID);
    const run = await cli(['validate', bad]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr.trimEnd().split('\n')).toEqual([
      `${bad}:3:24: breakers.defaults.timeout: "soon" is not a duration. Fix: use e.g. 500ms, 10s, 5m, 1h30m`,
      `${bad}:6:23: breakers.rules[0].errorThreshold: 2 is not <= 1. Fix: a ratio in (0, 1], e.g. 0.5 for 50 %`,
    ]);
    expect(run.stderr).not.toMatch(STACK_FRAME);
    const debug = await cli(['validate', bad, '--debug']);
    expect(debug.code).toBe(1);
    expect(debug.stderr).toMatch(/^LabSettingsError: /m);
    expect(debug.stderr).toMatch(STACK_FRAME);

    const missing = await cli(['validate', join(tmp, 'nowhere.yaml')]);
    expect(missing).toEqual({
      code: 1,
      stdout: '',
      stderr: `${join(tmp, 'nowhere.yaml')}: cannot read the lab settings (no such file). Fix: give the lab settings YAML file\n`,
    });
  });

  it('writes the DestinationRules and EnvoyFilters npm run generate commits, naming each file it wrote and warning per policy', async () => {
    const out = join(tmp, 'istio');
    const run = await cli([
      'istio',
      'examples/lab-settings.yaml',
      '--out',
      out,
      '--namespace',
      'tracseq',
      '--target',
      'storage-service=storage-service.tracseq.svc.cluster.local=lab-a/storage-service',
      '--target',
      'sample-service=sample-service.tracseq.svc.cluster.local=lab-a/sample-service',
    ]);
    expect(run).toEqual({
      code: 0,
      stdout: [
        `wrote ${out}/storage-service.yaml: DestinationRule storage-service and 1 EnvoyFilter(s) for storage-service.tracseq.svc.cluster.local (breaker lab-a/storage-service/*)`,
        `wrote ${out}/sample-service.yaml: DestinationRule sample-service and 1 EnvoyFilter(s) for sample-service.tracseq.svc.cluster.local (breaker lab-a/sample-service/*)`,
        `2 DestinationRule(s) written to ${out}`,
        '',
      ].join('\n'),
      // The failure ratio: a DestinationRule only approximates it, an EnvoyFilter expresses it.
      stderr: ['storage-service', 'sample-service']
        .map(
          (name) =>
            `warning: ${name} (breaker lab-a/${name}/*): errorThreshold 50 % over 10 calls is a failure ratio; the DestinationRule approximates it as consecutive5xxErrors 5; EnvoyFilter ${name}-failure-percentage sets Envoy's failure-percentage ejection\n`,
        )
        .join(''),
    });
    for (const name of ['storage-service.yaml', 'sample-service.yaml']) {
      expect(readFileSync(join(out, name), 'utf8')).toBe(
        readFileSync(join(REPO, 'deploy/k8s/istio', name), 'utf8'),
      );
    }
    expect(readdirSync(out).sort()).toEqual(['sample-service.yaml', 'storage-service.yaml']);
  });

  it('writes nothing when a target or the settings are bad', async () => {
    const out = join(tmp, 'untouched');
    const badTarget = await cli(['istio', file('ok.yaml', VALID), '--out', out, '--target', 'lims=lims.svc']);
    expect(badTarget.code).toBe(2);
    expect(badTarget.stderr.split('\n')[0]).toBe(
      'tracseq-breakers istio: --target lims=lims.svc: expected NAME=HOST=LAB/INSTRUMENT[/OPERATION], e.g. storage-service=storage-service.tracseq.svc.cluster.local=lab-a/storage-service',
    );
    const badSettings = await cli([
      'istio',
      file('bad2.yaml', INVALID),
      '--out',
      out,
      '--target',
      'lims=lims.svc=lab-a/lims',
    ]);
    expect(badSettings.code).toBe(1);
    expect(existsSync(out)).toBe(false);
  });

  it('exits 3 with one line telling to build when dist/ is missing', async () => {
    const unbuilt = join(tmp, 'unbuilt');
    mkdirSync(join(unbuilt, 'bin'), { recursive: true });
    copyFileSync(BIN, join(unbuilt, 'bin/tracseq-breakers.js'));
    const run = await cli(['--help'], { bin: join(unbuilt, 'bin/tracseq-breakers.js') });
    expect(run.code).toBe(3);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(
      `tracseq-breakers: ${join(unbuilt, 'dist/cli/main.js')} is missing: @tracseq/circuit-breaker is not built. Fix: run \`npm run build\` at the repository root\n`,
    );
  });
});
