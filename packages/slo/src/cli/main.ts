#!/usr/bin/env node
import { execFile } from 'node:child_process';
// tracseq-slo: the only place in @tracseq/slo that touches files, spawns promtool and exits.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import {
  formatSpecError,
  type LabSettings,
  LabSettingsError,
  parseDuration,
  parseLabSettings,
  renderYaml,
  type SpecError,
} from '@tracseq/contract';
import {
  AlertmanagerApiError,
  applySilences,
  buildAlertmanagerConfig,
  buildSilences,
  DEFAULT_SILENCE_HORIZON_MS,
  generateOperationalOutputs,
  labAlertInputs,
  resolveOperationalOptions,
} from '@tracseq/oncall';
import { explainSlos, renderExplanations } from '../explain/explain-slos.js';
import { importSpec } from '../import/import-spec.js';
import { generateOutputs } from '../output/generate-outputs.js';
import { collectReport } from '../report/collect-report.js';
import { createPrometheusClient, PrometheusError } from '../report/prometheus-client.js';
import { renderReportJson, renderReportMarkdown } from '../report/render-report.js';
import { parseReportFlags } from '../report/report-options.js';
import { planSlos } from '../rules/slo-plan.js';
import { type LoadResult, loadSpecs } from '../spec/load-specs.js';
import { readSpecSources } from './read-spec-sources.js';
import { diffOutputs, writeOutputs } from './write-files.js';

const EXIT = { ok: 0, invalid: 1, usage: 2, missingTool: 3 } as const;

const USAGE = `usage: tracseq-slo <command> [options]

commands:
  validate PATH...                 validate SLO specs (files or directories of *.yaml/*.yml)
  generate PATH... [--out DIR]     write rules, promtool tests, PrometheusRule CRDs and Mimir files
           [--alertmanager FILE]   also write the Alertmanager config
           [--lab-settings FILE]   also write the on-call alerts (storage, freezers, breakers,
                                   targets, telemetry, Watchdog) and their tests (check takes it too)
  test [--out DIR]                 promtool check rules + test rules on DIR's generated files
  check PATH... [--out DIR]        validate, regenerate, fail on stale output, then test (what CI runs)
  explain PATH... [--evaluation-interval 1m]
                                   per alert: budget spent before firing, time to detect, time to reset
  import sloth|openslo FILE        print the native spec of a Sloth or OpenSLO file
  silences LAB_SETTINGS [--at RFC3339] [--horizon 7d] [--alertmanager-url URL]
                                   print an Alertmanager silence per maintenance window not yet
                                   over and per occurrence of a recurring one within --horizon;
                                   with --alertmanager-url create them (once) through its API
  report [PATH...] --prometheus URL [--period 30d] [--at RFC3339] [--format markdown|json]
         [--recovery-target 5m] [--step 1m]
                                   per SLO from a live Prometheus: achieved SLI, budget left, worst
                                   burn, page incidents, time to recover, MTBF (PATH default prometheus/slos)

options:
  --out DIR            output directory (default: the parent of the first PATH, e.g. prometheus/)
  --grafana-url URL    Grafana base URL for alert dashboard_url (default http://localhost:3000)
  --runbook-url URL    base URL of the on-call alerts' runbook_url (default https://runbooks.tracseq.dev/)
  --json               machine-readable result: {ok, errors: [{file, line, column, path, message, hint}]}

exit codes: 0 ok, 1 invalid input / stale output / failing test, 2 usage, 3 a needed tool is missing`;

class UsageError extends Error {}
class MissingToolError extends Error {}

interface Flags {
  out?: string;
  json?: boolean;
  'grafana-url'?: string;
  alertmanager?: string;
  'evaluation-interval'?: string;
  prometheus?: string;
  period?: string;
  at?: string;
  format?: string;
  'recovery-target'?: string;
  step?: string;
  'lab-settings'?: string;
  'alertmanager-url'?: string;
  horizon?: string;
  'runbook-url'?: string;
  help?: boolean;
}

function print(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

function report(json: boolean, errors: readonly SpecError[], extra: Record<string, unknown> = {}): void {
  if (json) {
    print(JSON.stringify({ ok: errors.length === 0, errors, ...extra }, null, 2));
  } else {
    for (const error of errors) process.stderr.write(`${formatSpecError(error)}\n`);
  }
}

function load(paths: readonly string[], json: boolean): LoadResult | undefined {
  if (paths.length === 0) throw new UsageError('give at least one spec file or directory');
  let result: LoadResult;
  try {
    result = loadSpecs(readSpecSources(paths));
  } catch (error) {
    const err = error as NodeJS.ErrnoException;
    report(json, [
      {
        file: String(err.path ?? paths[0]),
        line: 0,
        column: 0,
        path: '',
        message: err.message,
        hint: 'check the path',
      },
    ]);
    return undefined;
  }
  if (result.errors.length > 0) {
    report(json, result.errors);
    return undefined;
  }
  return result;
}

function outDirOf(flags: Flags, paths: readonly string[]): string {
  if (flags.out) return resolve(flags.out);
  const first = paths[0];
  if (!first) throw new UsageError('--out is required when no PATH is given');
  const stat = statSync(first, { throwIfNoEntry: false });
  return resolve(stat?.isDirectory() ? dirname(resolve(first)) : dirname(dirname(resolve(first))));
}

/** Bad input found by the CLI itself (not by a parser): one line naming the file and the fix. */
class InputError extends Error {}

function readLabSettings(file: string): LabSettings {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InputError(`${file}: ${(error as Error).message}. Fix: give the lab settings YAML file`);
  }
  return parseLabSettings(text, file);
}

function generated(result: LoadResult, outDir: string, flags: Flags): ReadonlyMap<string, string> {
  const sourceName = (path: string) => relative(outDir, resolve(path)).split('\\').join('/');
  const settings = flags['lab-settings'];
  const lab = settings === undefined ? undefined : readLabSettings(settings);
  // A flag wins over the lab settings, which win over the generators' defaults.
  const grafanaUrl = flags['grafana-url'] ?? lab?.grafanaUrl;
  const runbookBaseUrl = flags['runbook-url'] ?? lab?.runbookBaseUrl;
  const files = generateOutputs(result.specs, sourceName, grafanaUrl ? { grafanaUrl } : {});
  if (settings === undefined || lab === undefined) return files;
  const operational = generateOperationalOutputs(
    labAlertInputs(lab),
    sourceName(settings),
    resolveOperationalOptions({
      ...(grafanaUrl ? { grafanaUrl } : {}),
      ...(runbookBaseUrl ? { runbookBaseUrl } : {}),
    }),
  );
  for (const path of operational.keys()) {
    if (files.has(path))
      throw new InputError(
        `${settings}: generated ${path} collides with an SLO spec's output. Fix: rename the spec file`,
      );
  }
  return new Map([...files, ...operational].sort(([a], [b]) => a.localeCompare(b)));
}

function listFiles(dir: string, suffix: string): string[] {
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith(suffix))
    .sort()
    .map((name) => join(dir, name));
}

/** Runs promtool; a missing binary is a MissingToolError (exit 3), a failing check is `ok: false`. */
function promtool(args: string[], cwd?: string): Promise<{ ok: boolean; output: string }> {
  return new Promise((done, fail) => {
    execFile('promtool', args, { cwd, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if ((error as NodeJS.ErrnoException | null)?.code === 'ENOENT') {
        fail(
          new MissingToolError(
            "promtool is not installed: it comes from the Debian package 'prometheus' (apt-get install prometheus) or a Prometheus release",
          ),
        );
        return;
      }
      done({ ok: !error, output: `${stdout}${stderr}` });
    });
  });
}

async function runTests(outDir: string, json: boolean): Promise<number> {
  const rules = listFiles(join(outDir, 'rules'), '.yml');
  const tests = listFiles(join(outDir, 'tests'), '.yml');
  if (rules.length === 0) {
    report(json, [
      {
        file: join(outDir, 'rules'),
        line: 0,
        column: 0,
        path: '',
        message: 'no generated rule files',
        hint: 'run tracseq-slo generate first',
      },
    ]);
    return EXIT.invalid;
  }
  const checked = await promtool(['check', 'rules', ...rules]);
  if (!checked.ok) {
    process.stderr.write(checked.output);
    return EXIT.invalid;
  }
  // promtool is single-threaded per file; run as many files at once as there are cores.
  const queue = [...tests];
  let failed = 0;
  const worker = async () => {
    for (let test = queue.shift(); test !== undefined; test = queue.shift()) {
      const result = await promtool(['test', 'rules', relative(dirname(test), test)], dirname(test));
      if (!result.ok) {
        failed++;
        process.stderr.write(`${test}:\n${result.output}\n`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, availableParallelism()) }, worker));
  const summary = `${rules.length} rule file(s) pass promtool check rules; ${tests.length - failed} passed, ${failed} failed promtool rule test file(s)`;
  if (json) print(JSON.stringify({ ok: failed === 0, errors: [], summary }));
  else print(summary);
  return failed === 0 ? EXIT.ok : EXIT.invalid;
}

async function run(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: {
      out: { type: 'string' },
      json: { type: 'boolean' },
      'grafana-url': { type: 'string' },
      alertmanager: { type: 'string' },
      'evaluation-interval': { type: 'string' },
      prometheus: { type: 'string' },
      period: { type: 'string' },
      at: { type: 'string' },
      format: { type: 'string' },
      'recovery-target': { type: 'string' },
      step: { type: 'string' },
      'lab-settings': { type: 'string' },
      'alertmanager-url': { type: 'string' },
      horizon: { type: 'string' },
      'runbook-url': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  const flags = values as Flags;
  const json = flags.json === true;
  if (command === undefined || command === 'help' || flags.help) {
    print(USAGE);
    return command === undefined ? EXIT.usage : EXIT.ok;
  }
  switch (command) {
    case 'validate': {
      const result = load(positionals, json);
      if (!result) return EXIT.invalid;
      const count = result.specs.reduce((n, s) => n + s.spec.slos.length, 0);
      if (json) report(true, []);
      else print(`${result.specs.length} spec file(s), ${count} SLO(s): valid`);
      return EXIT.ok;
    }
    case 'generate': {
      const result = load(positionals, json);
      if (!result) return EXIT.invalid;
      const outDir = outDirOf(flags, positionals);
      const files = generated(result, outDir, flags);
      const written = writeOutputs(outDir, files);
      if (flags.alertmanager) {
        const content = renderYaml(
          buildAlertmanagerConfig(),
          'tracseq-slo defaults (buildAlertmanagerConfig)',
        );
        writeFileSync(flags.alertmanager, content);
      }
      if (json) report(true, [], { written });
      else print(`${files.size} file(s) generated in ${outDir} (${written.length} changed)`);
      return EXIT.ok;
    }
    case 'test':
      return runTests(outDirOf(flags, positionals), json);
    case 'check': {
      const result = load(positionals, json);
      if (!result) return EXIT.invalid;
      const outDir = outDirOf(flags, positionals);
      const diff = diffOutputs(outDir, generated(result, outDir, flags));
      const stale = [...diff.changed, ...diff.missing, ...diff.stale];
      if (stale.length > 0) {
        const errors = stale.map((path) => ({
          file: join(outDir, path),
          line: 0,
          column: 0,
          path: '',
          message: diff.stale.includes(path)
            ? 'generated file no longer produced by any spec'
            : 'generated file is out of date',
          hint: `run tracseq-slo generate ${positionals.join(' ')}`,
        }));
        report(json, errors);
        return EXIT.invalid;
      }
      return await runTests(outDir, json);
    }
    case 'explain': {
      const result = load(positionals, json);
      if (!result) return EXIT.invalid;
      const interval = flags['evaluation-interval'] ?? '1m';
      const rows = explainSlos(
        result.specs.flatMap((s) => planSlos(s.spec)),
        parseDuration(interval),
      );
      print(
        json
          ? JSON.stringify({ ok: true, errors: [], alerts: rows }, null, 2)
          : renderExplanations(rows, interval),
      );
      return EXIT.ok;
    }
    case 'report': {
      let options: ReturnType<typeof parseReportFlags>;
      try {
        options = parseReportFlags(flags, Math.floor(Date.now() / 1000));
      } catch (error) {
        throw new UsageError((error as Error).message);
      }
      const asJson = json || options.format === 'json';
      const result = load(positionals.length > 0 ? positionals : ['prometheus/slos'], asJson);
      if (!result) return EXIT.invalid;
      try {
        const client = createPrometheusClient(options.prometheusUrl);
        const data = await collectReport(
          client,
          result.specs.flatMap((s) => planSlos(s.spec)),
          options,
        );
        print(asJson ? renderReportJson(data) : renderReportMarkdown(data));
        return EXIT.ok;
      } catch (error) {
        if (!(error instanceof PrometheusError)) throw error;
        if (!asJson) process.stderr.write(`tracseq-slo: ${error.message}\n`);
        else
          report(true, [
            {
              file: options.prometheusUrl,
              line: 0,
              column: 0,
              path: '',
              message: error.message,
              hint: 'check --prometheus and that Prometheus is up',
            },
          ]);
        return EXIT.invalid;
      }
    }
    case 'silences': {
      const [file, ...extra] = positionals;
      if (!file || extra.length > 0)
        throw new UsageError(
          'usage: tracseq-slo silences LAB_SETTINGS [--at RFC3339] [--horizon 7d] [--alertmanager-url URL]',
        );
      const at = flags.at === undefined ? new Date() : new Date(flags.at);
      if (Number.isNaN(at.getTime()))
        throw new UsageError(`--at ${flags.at} is not an RFC 3339 time, e.g. 2026-12-01T06:00:00Z`);
      let horizonMs = DEFAULT_SILENCE_HORIZON_MS;
      try {
        if (flags.horizon !== undefined) horizonMs = parseDuration(flags.horizon) * 1000;
      } catch (error) {
        throw new UsageError(`--horizon: ${(error as Error).message}`);
      }
      const silences = buildSilences(labAlertInputs(readLabSettings(file)), at, horizonMs);
      const url = flags['alertmanager-url'];
      if (url === undefined) {
        print(JSON.stringify(silences, null, 2));
        return EXIT.ok;
      }
      try {
        const applied = await applySilences(url, silences);
        if (json) print(JSON.stringify(applied, null, 2));
        else
          for (const a of applied)
            print(
              `${a.created ? 'created' : 'exists '} ${a.id} ${a.silence.startsAt}..${a.silence.endsAt} ${a.silence.comment}`,
            );
        return EXIT.ok;
      } catch (error) {
        if (!(error instanceof AlertmanagerApiError)) throw error;
        process.stderr.write(`tracseq-slo: ${error.message}\n`);
        return EXIT.invalid;
      }
    }
    case 'import': {
      const [format, file] = positionals;
      if ((format !== 'sloth' && format !== 'openslo') || !file)
        throw new UsageError('usage: tracseq-slo import sloth|openslo FILE');
      const outcome = importSpec(format, readSpecSources([file])[0] as { path: string; text: string });
      for (const warning of outcome.warnings)
        process.stderr.write(`${formatSpecError(warning).replace(/^/, 'warning: ')}\n`);
      if (outcome.errors.length > 0) {
        report(json, outcome.errors);
        return EXIT.invalid;
      }
      print(outcome.text ?? '');
      return EXIT.ok;
    }
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}

async function main(): Promise<void> {
  let code: number;
  try {
    code = await run(process.argv.slice(2));
  } catch (error) {
    if (error instanceof UsageError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`tracseq-slo: ${(error as Error).message}\n\n${USAGE}\n`);
      code = EXIT.usage;
    } else if (error instanceof LabSettingsError || error instanceof InputError) {
      process.stderr.write(`tracseq-slo: ${error.message}\n`);
      code = EXIT.invalid;
    } else if (error instanceof MissingToolError) {
      process.stderr.write(`tracseq-slo: ${error.message}\n`);
      code = EXIT.missingTool;
    } else {
      process.stderr.write(`tracseq-slo: ${(error as Error).stack ?? String(error)}\n`);
      code = EXIT.invalid;
    }
  }
  process.exitCode = code;
}

await main();
