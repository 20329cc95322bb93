#!/usr/bin/env node
// tracseq-dashboards: the only place in @tracseq/dashboards that reads or writes files and exits.
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { formatSpecError, loadSpecs, type SpecSource } from '@tracseq/slo';
import { GENERATED_TAG } from '../build/frame.js';
import { DashboardsConfigError, type DashboardsConfigInput } from '../config.js';
import { formatFinding, lintDashboard } from '../lint/lint-dashboard.js';
import { GENERATED_YAML_MARK, generateFiles, type OutputLayout } from '../output/generate-files.js';

const EXIT = { ok: 0, invalid: 1, usage: 2 } as const;

const USAGE = `usage: tracseq-dashboards <command> [options]

commands:
  generate --out DIR               write the dashboard JSON files into DIR
           [--slos PATH]...        SLO spec files or directories (burn-rate windows, SLO list)
           [--lab-settings FILE]   lab settings YAML (storage zones and their target temperatures)
           [--provisioning DIR]    Grafana provisioning directory (default: DIR/../provisioning)
           [--configmaps DIR]      also write one Kubernetes ConfigMap per dashboard into DIR
           [--config FILE]         JSON DashboardsConfig merged over the defaults
           [--grafana-url URL]     Grafana base URL (default http://localhost:3000)
           [--check]               write nothing; exit 1 when a file differs (what CI runs)
  lint FILE... [--allow-label NAME]...
                                   lint dashboard JSON files; one line per finding

exit codes: 0 ok, 1 invalid input / lint findings / stale output, 2 usage`;

class UsageError extends Error {}
class InputError extends Error {}

function fail(error: unknown): never {
  if (error instanceof UsageError) {
    process.stderr.write(`tracseq-dashboards: ${error.message}\n\n${USAGE}\n`);
    process.exit(EXIT.usage);
  }
  process.stderr.write(`tracseq-dashboards: ${(error as Error).message}\n`);
  process.exit(EXIT.invalid);
}

function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(`${path}: cannot read the ${what}: ${(error as Error).message}`);
  }
}

const SPEC_FILE = /\.ya?ml$/;

function specFiles(path: string): string[] {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) throw new InputError(`${path}: no such file or directory`);
  if (!stat.isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const full = join(path, entry.name);
      if (entry.isDirectory()) return specFiles(full);
      return entry.isFile() && SPEC_FILE.test(entry.name) ? [full] : [];
    });
}

function loadSlos(paths: readonly string[]): DashboardsConfigInput['slos'] {
  const sources: SpecSource[] = [...new Set(paths.flatMap(specFiles))].map((path) => ({
    path,
    text: readText(path, 'SLO spec'),
  }));
  const result = loadSpecs(sources);
  if (result.errors.length > 0) throw new InputError(result.errors.map(formatSpecError).join('\n'));
  return result.specs.map((s) => s.spec);
}

async function loadZones(path: string): Promise<DashboardsConfigInput['storageZones']> {
  const { LabSettingsError, parseLabSettings } = await import('@tracseq/contract');
  try {
    return parseLabSettings(readText(path, 'lab settings'), path).storageZones;
  } catch (error) {
    if (error instanceof LabSettingsError) throw new InputError(error.message);
    throw error;
  }
}

function loadConfigFile(path: string): DashboardsConfigInput {
  const text = readText(path, 'config');
  try {
    const value = JSON.parse(text) as unknown;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new Error('must be a JSON object');
    }
    return value as DashboardsConfigInput;
  } catch (error) {
    throw new InputError(`${path}: ${(error as Error).message}`);
  }
}

/** Generated files on disk under the layout's directories (stale ones get deleted). */
function generatedOnDisk(layout: OutputLayout): string[] {
  const list = (dir: string | undefined, test: (path: string) => boolean) => {
    if (dir === undefined || !statSync(dir, { throwIfNoEntry: false })?.isDirectory()) return [];
    return readdirSync(dir)
      .map((name) => join(dir, name))
      .filter((path) => statSync(path).isFile() && test(path));
  };
  const isGeneratedJson = (path: string) => {
    if (!path.endsWith('.json')) return false;
    try {
      const tags = (JSON.parse(readFileSync(path, 'utf8')) as { tags?: unknown }).tags;
      return Array.isArray(tags) && tags.includes(GENERATED_TAG) && tags.includes('tracseq');
    } catch {
      return false;
    }
  };
  const isGeneratedYaml = (path: string) =>
    path.endsWith('.configmap.yaml') && readFileSync(path, 'utf8').startsWith(GENERATED_YAML_MARK);
  return [...list(layout.dashboards, isGeneratedJson), ...list(layout.configMaps, isGeneratedYaml)];
}

function normalise(path: string): string {
  return join(path);
}

async function generate(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: {
      out: { type: 'string' },
      slos: { type: 'string', multiple: true },
      'lab-settings': { type: 'string' },
      provisioning: { type: 'string' },
      configmaps: { type: 'string' },
      config: { type: 'string' },
      'grafana-url': { type: 'string' },
      check: { type: 'boolean' },
    },
    allowPositionals: true,
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  if (values.out === undefined) throw new UsageError('generate needs --out DIR');
  const input: DashboardsConfigInput = {
    ...(values.config !== undefined ? loadConfigFile(values.config) : {}),
    ...(values.slos !== undefined ? { slos: loadSlos(values.slos) } : {}),
    ...(values['lab-settings'] !== undefined
      ? { storageZones: await loadZones(values['lab-settings']) }
      : {}),
    ...(values['grafana-url'] !== undefined ? { grafanaUrl: values['grafana-url'] } : {}),
  };
  const layout: OutputLayout = {
    dashboards: normalise(values.out),
    provisioning: normalise(values.provisioning ?? join(dirname(join(values.out)), 'provisioning')),
    ...(values.configmaps !== undefined ? { configMaps: normalise(values.configmaps) } : {}),
  };
  let files: Map<string, string>;
  try {
    files = new Map([...generateFiles(input, layout)].map(([path, text]) => [normalise(path), text]));
  } catch (error) {
    if (error instanceof DashboardsConfigError) throw new InputError(error.message);
    throw error;
  }
  const stale = generatedOnDisk(layout).filter((path) => !files.has(normalise(path)));
  const differing = [...files].filter(([path, text]) => {
    const onDisk = statSync(path, { throwIfNoEntry: false }) ? readFileSync(path, 'utf8') : undefined;
    return onDisk !== text;
  });
  if (values.check) {
    for (const [path] of differing) process.stderr.write(`${path}: out of date; run npm run generate\n`);
    for (const path of stale) process.stderr.write(`${path}: no longer generated; run npm run generate\n`);
    if (differing.length > 0 || stale.length > 0) return EXIT.invalid;
    process.stdout.write(`${files.size} files up to date\n`);
    return EXIT.ok;
  }
  for (const [path, text] of differing) {
    mkdirSync(dirname(path), { recursive: true });
    // Through a sibling and a rename, so Grafana's file watcher never reads half a dashboard.
    const tmp = `${path}.tmp-${process.pid}`;
    writeFileSync(tmp, text);
    renameSync(tmp, path);
  }
  for (const path of stale) rmSync(path);
  process.stdout.write(
    `${files.size} files generated (${differing.length} written, ${stale.length} removed)\n`,
  );
  return EXIT.ok;
}

function lint(args: string[]): number {
  const { values, positionals } = parseArgs({
    args,
    options: { 'allow-label': { type: 'string', multiple: true } },
    allowPositionals: true,
  });
  if (positionals.length === 0) throw new UsageError('lint needs at least one FILE');
  let problems = 0;
  for (const file of positionals) {
    let json: unknown;
    try {
      json = JSON.parse(readText(file, 'dashboard'));
    } catch (error) {
      process.stdout.write(`${file}: dashboard: [dashboard-shape] ${(error as Error).message}\n`);
      problems++;
      continue;
    }
    for (const finding of lintDashboard(json, { extraLabels: values['allow-label'] ?? [] })) {
      process.stdout.write(`${formatFinding(file, finding)}\n`);
      problems++;
    }
  }
  if (problems > 0) {
    process.stderr.write(`${problems} problem(s) in ${positionals.length} file(s)\n`);
    return EXIT.invalid;
  }
  return EXIT.ok;
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  try {
    if (command === 'generate') return await generate(rest);
    if (command === 'lint') return lint(rest);
  } catch (error) {
    // parseArgs reports unknown or malformed options as TypeErrors with an ERR_PARSE_ARGS code.
    const code = (error as NodeJS.ErrnoException).code;
    if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS'))
      throw new UsageError((error as Error).message);
    throw error;
  }
  throw new UsageError(command === undefined ? 'no command given' : `unknown command ${command}`);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => fail(error),
);
