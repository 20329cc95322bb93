import { readFileSync, statSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import {
  formatGeneratedOrigin,
  GENERATED_MARK,
  type GeneratedOrigin,
  type LabSettings,
  parseGeneratedHeader,
  renderYaml,
  type SpecError,
} from '@tracseq/contract';
import {
  buildAlertmanagerConfig,
  generateOperationalOutputs,
  labAlertInputs,
  resolveOperationalOptions,
  type SloDependency,
} from '@tracseq/oncall';
import { sloDependencies } from '../alerting/slo-dependencies.js';
import { ANALYSIS_TEMPLATE_SUFFIX, generateCanaryOutputs } from '../canary/generate-canary-outputs.js';
import { generateOutputs } from '../output/generate-outputs.js';
import { type OutputPlan, ownsInput, planOutputs, type RunInputs } from '../output/plan-outputs.js';
import { DEFAULT_SLOW_INTERVAL, slowIntervalProblem } from '../rules/split-groups.js';
import type { LoadedSpec } from '../spec/load-specs.js';
import { fileProblem, InputError, UsageError } from './cli-errors.js';
import { type CommandContext, stringFlag } from './command.js';
import { describeFsError } from './fs-errors.js';
import { loadSpecPaths } from './load-spec-paths.js';
import { readExistingOutputs } from './read-existing-outputs.js';
import { readLabSettingsFile } from './read-lab-settings-file.js';

/** Header text of the Alertmanager config: its inhibitions come from the specs' `dependsOn`, the rest from defaults. */
export const ALERTMANAGER_SOURCE =
  "the SLO specs' dependencies over tracseq-slo defaults (buildAlertmanagerConfig)";

/** Everything `generate` would write and `check` compares, worked out without writing. */
export interface GenerationRun {
  readonly outDir: string;
  readonly specCount: number;
  readonly sloCount: number;
  /** Whether the run writes Argo Rollouts `AnalysisTemplate`s (`--argo-rollouts`, or they exist already). */
  readonly argoRollouts: boolean;
  readonly warnings: readonly SpecError[];
  /** Generated files keyed by path relative to `outDir`. */
  readonly expected: ReadonlyMap<string, string>;
  readonly plan: OutputPlan;
  /** `--alertmanager FILE`: its generated content and what is on disk now. */
  readonly alertmanager?: { readonly path: string; readonly content: string; readonly onDisk?: string };
}

type Flags = (readonly [flag: string, value: string])[];

/** The output directory: `--out`, else the parent of the first PATH (`prometheus/slos` → `prometheus`). */
function outDirOf(context: CommandContext, verb: string): string {
  const out = stringFlag(context, 'out');
  if (out !== undefined) return resolve(out);
  const first = context.positionals[0];
  if (first === undefined) throw new UsageError('--out is required when no PATH is given', verb);
  const stat = statSync(first, { throwIfNoEntry: false });
  return resolve(stat?.isDirectory() ? dirname(resolve(first)) : dirname(dirname(resolve(first))));
}

/**
 * Prepares a `generate` or `check` run: reads and validates the specs, the lab settings and the
 * output directory, and works out every generated file and what happens to each one on disk.
 *
 * Flags a generated header records (`--grafana-url`, and `--lab-settings` when it supplied the
 * Grafana URL of SLO outputs; `--grafana-url` and `--runbook-url` for on-call outputs) are
 * reused when the command line gives none of them for that output, so `check slos/` reproduces
 * what `generate slos/ --lab-settings FILE` wrote. `--slow-interval` (what `--split-groups`
 * records) is reused the same way. Flags given on the command line replace the recorded ones;
 * `--no-split-groups` drops a recorded `--slow-interval`.
 */
export function prepareGeneration(context: CommandContext, verb: string): GenerationRun {
  // Usage first: a wrong flag is reported before any file is read.
  const splitFlag = splitGroupsFlag(context, verb);
  const loaded = loadSpecPaths(context.positionals, verb);
  const outDir = outDirOf(context, verb);
  const nameOf = (path: string) => relative(outDir, resolve(path)).split(sep).join('/');
  const existing = readExistingOutputs(outDir);
  const origins = recordedOrigins(existing);

  const grafanaFlag = stringFlag(context, 'grafana-url');
  const runbookFlag = stringFlag(context, 'runbook-url');
  const labFlag = stringFlag(context, 'lab-settings');
  const lab = labFlag === undefined ? undefined : readLabSettingsFile(labFlag);
  const labs = new Map<string, LabSettings>();
  const recordedLab = (path: string, header: string): LabSettings => {
    const full = resolve(outDir, path);
    const cached = labs.get(full);
    if (cached) return cached;
    try {
      const settings = readLabSettingsFile(full);
      labs.set(full, settings);
      return settings;
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      throw new InputError([
        fileProblem(
          resolve(outDir, header),
          `its header records --lab-settings ${path}, which cannot be read (${error.errors[0]?.message ?? 'unreadable'})`,
          'give --lab-settings FILE or --grafana-url URL on the command line',
        ),
      ]);
    }
  };

  // SLO outputs: where the dashboard URL of their alerts comes from, and whether their groups split.
  const sloSettings = new Map<string, { grafanaUrl?: string; slowInterval?: string; flags: Flags }>();
  type SloSettings = { grafanaUrl?: string; slowInterval?: string; flags: Flags };
  const settingsOf = (spec: LoadedSpec): SloSettings => {
    const name = nameOf(spec.path);
    const known = sloSettings.get(name);
    if (known) return known;
    let grafana = grafanaFlag;
    let labPath = labFlag === undefined ? undefined : nameOf(labFlag);
    let settings = lab;
    if (grafanaFlag === undefined && labFlag === undefined) {
      const recorded = origins.get(key({ path: name }));
      grafana = recorded?.origin.flags.find(([f]) => f === '--grafana-url')?.[1];
      labPath = recorded?.origin.flags.find(([f]) => f === '--lab-settings')?.[1];
      settings = labPath === undefined ? undefined : recordedLab(labPath, recorded?.file as string);
    }
    const url: SloSettings =
      grafana !== undefined
        ? { grafanaUrl: grafana, flags: [['--grafana-url', grafana]] as Flags }
        : settings?.grafanaUrl !== undefined && labPath !== undefined
          ? { grafanaUrl: settings.grafanaUrl, flags: [['--lab-settings', labPath]] as Flags }
          : { flags: [] as Flags };
    const slowInterval =
      splitFlag === false
        ? undefined
        : (splitFlag ?? recordedSlowInterval(origins.get(key({ path: name })), outDir));
    const resolved: SloSettings =
      slowInterval === undefined
        ? url
        : { ...url, slowInterval, flags: [...url.flags, ['--slow-interval', slowInterval]] as Flags };
    sloSettings.set(name, resolved);
    return resolved;
  };
  const slo = generateOutputs(
    loaded.specs,
    (path): GeneratedOrigin => {
      const spec = loaded.specs.find((s) => s.path === path) as LoadedSpec;
      return { input: { path: nameOf(path) }, flags: settingsOf(spec).flags };
    },
    (spec) => {
      const { grafanaUrl, slowInterval } = settingsOf(spec);
      return {
        ...(grafanaUrl === undefined ? {} : { grafanaUrl }),
        ...(slowInterval === undefined ? {} : { slowInterval }),
      };
    },
  );

  const expected = new Map(slo);
  if (labFlag !== undefined && lab !== undefined) {
    const input = { path: nameOf(labFlag), flag: '--lab-settings' };
    let flags: Flags = [
      ...(grafanaFlag === undefined ? [] : [['--grafana-url', grafanaFlag] as [string, string]]),
      ...(runbookFlag === undefined ? [] : [['--runbook-url', runbookFlag] as [string, string]]),
    ];
    if (grafanaFlag === undefined && runbookFlag === undefined) {
      flags = [...(origins.get(key(input))?.origin.flags ?? [])].filter(
        ([f]) => f === '--grafana-url' || f === '--runbook-url',
      );
    }
    const flag = (name: string) => flags.find(([f]) => f === name)?.[1];
    const grafanaUrl = flag('--grafana-url') ?? lab.grafanaUrl;
    const runbookBaseUrl = flag('--runbook-url') ?? lab.runbookBaseUrl;
    const operational = generateOperationalOutputs(
      labAlertInputs(lab),
      // oncall takes its header source as text: the origin spelled the way it parses back.
      formatGeneratedOrigin({ input, flags }),
      resolveOperationalOptions({
        ...(grafanaUrl ? { grafanaUrl } : {}),
        ...(runbookBaseUrl ? { runbookBaseUrl } : {}),
      }),
    );
    const collisions = [...operational.keys()].filter((path) => expected.has(path));
    if (collisions.length > 0) {
      const owner = parseGeneratedHeader(expected.get(collisions[0] as string) as string)?.input.path;
      throw new InputError([
        fileProblem(
          resolve(outDir, owner ?? ''),
          `its outputs (${collisions.join(', ')}) have the names of the on-call outputs of --lab-settings ${labFlag}`,
          'rename the spec file',
        ),
      ]);
    }
    for (const [path, content] of operational) expected.set(path, content);
  }

  const inputs: RunInputs = {
    specs: loaded.specs.map((s) => nameOf(s.path)),
    paths: context.positionals.map((path) => ({
      path: nameOf(path),
      directory: statSync(path, { throwIfNoEntry: false })?.isDirectory() === true,
    })),
    ...(labFlag === undefined ? {} : { labSettings: nameOf(labFlag) }),
  };

  // `--argo-rollouts` once is remembered by its outputs: a run that owns an AnalysisTemplate
  // regenerates it (and `check` compares it) without the flag, as recorded flags are reused.
  const argoRollouts =
    context.flags['argo-rollouts'] === true ||
    [...existing].some(([path, text]) => {
      if (!path.endsWith(ANALYSIS_TEMPLATE_SUFFIX)) return false;
      const origin = parseGeneratedHeader(text);
      return origin !== undefined && ownsInput(inputs, origin.input);
    });
  const warnings = [...loaded.warnings];
  if (argoRollouts) {
    const canary = generateCanaryOutputs(loaded.specs, (path) => ({
      input: { path: nameOf(path) },
      flags: [],
    }));
    for (const [path, content] of canary.files) {
      if (expected.has(path)) {
        throw new InputError([
          fileProblem(
            resolve(outDir, path),
            'is both a spec output and an AnalysisTemplate',
            'rename the spec file',
          ),
        ]);
      }
      expected.set(path, content);
    }
    for (const s of canary.skipped) {
      const index = loaded.specs
        .find((l) => l.path === s.file)
        ?.spec.slos.findIndex((slo) => slo.name === s.slo);
      warnings.push({
        file: s.file,
        line: 0,
        column: 0,
        path: `slos[${index ?? 0}].sli`,
        message: `${s.service}/${s.slo} is left out of the Argo Rollouts AnalysisTemplate: ${s.reason}`,
        hint: 'give the SLO an events, latency or preset SLI to gate canaries on it',
      });
    }
  }
  const sorted = new Map([...expected].sort(([a], [b]) => a.localeCompare(b)));
  const alertmanagerPath = stringFlag(context, 'alertmanager');
  return {
    outDir,
    specCount: loaded.specs.length,
    sloCount: loaded.specs.reduce((n, s) => n + s.spec.slos.length, 0),
    argoRollouts,
    warnings,
    expected: sorted,
    plan: planOutputs(sorted, existing, inputs),
    ...(alertmanagerPath === undefined
      ? {}
      : { alertmanager: alertmanagerOutput(alertmanagerPath, sloDependencies(loaded.specs)) }),
  };
}

/**
 * `--split-groups` / `--slow-interval D` of the command line: the slow groups' interval;
 * `--no-split-groups`: `false`; `undefined` when none is given (the outputs' headers then
 * decide). A slow interval of 5m or more is a usage error: the slow series would go stale
 * between evaluations.
 */
function splitGroupsFlag(context: CommandContext, verb: string): string | false | undefined {
  const interval = stringFlag(context, 'slow-interval');
  if (context.flags['no-split-groups'] === true) {
    if (interval !== undefined || context.flags['split-groups'] === true) {
      throw new UsageError(
        `--no-split-groups contradicts ${interval === undefined ? '--split-groups' : '--slow-interval'}; give one of them`,
        verb,
      );
    }
    return false;
  }
  if (interval === undefined)
    return context.flags['split-groups'] === true ? DEFAULT_SLOW_INTERVAL : undefined;
  const problem = slowIntervalProblem(interval);
  if (problem !== undefined) {
    throw new UsageError(
      `--slow-interval ${interval}: ${problem}; give a shorter one, e.g. --slow-interval ${DEFAULT_SLOW_INTERVAL}`,
      verb,
    );
  }
  return interval;
}

/** The `--slow-interval` a spec's existing outputs record, checked like the flag. */
function recordedSlowInterval(
  recorded: { origin: GeneratedOrigin; file: string } | undefined,
  outDir: string,
): string | undefined {
  const interval = recorded?.origin.flags.find(([f]) => f === '--slow-interval')?.[1];
  if (interval === undefined || recorded === undefined) return undefined;
  const problem = slowIntervalProblem(interval);
  if (problem !== undefined) {
    throw new InputError([
      fileProblem(
        resolve(outDir, recorded.file),
        `its header records --slow-interval ${interval}: ${problem}`,
        `give --slow-interval ${DEFAULT_SLOW_INTERVAL} (or another interval under 5m) on the command line`,
      ),
    ]);
  }
  return interval;
}

function key(input: { path: string; flag?: string }): string {
  return `${input.flag ?? ''}\u0000${input.path}`;
}

/** The origin each input's existing outputs record, read from its rule file first. */
function recordedOrigins(
  existing: ReadonlyMap<string, string>,
): Map<string, { origin: GeneratedOrigin; file: string }> {
  const origins = new Map<string, { origin: GeneratedOrigin; file: string }>();
  const files = [...existing.keys()].sort(
    (a, b) => Number(!a.startsWith('rules/')) - Number(!b.startsWith('rules/')),
  );
  for (const file of files) {
    const origin = parseGeneratedHeader(existing.get(file) as string);
    if (origin && !origins.has(key(origin.input))) origins.set(key(origin.input), { origin, file });
  }
  return origins;
}

function alertmanagerOutput(
  path: string,
  dependencies: readonly SloDependency[],
): { path: string; content: string; onDisk?: string } {
  const full = resolve(path);
  const content = renderYaml(buildAlertmanagerConfig({ sloDependencies: dependencies }), ALERTMANAGER_SOURCE);
  const stat = statSync(full, { throwIfNoEntry: false });
  if (!stat) return { path: full, content };
  let onDisk: string;
  try {
    onDisk = stat.isFile() ? readFileSync(full, 'utf8') : '';
  } catch (error) {
    throw new InputError([
      fileProblem(full, `cannot read it: ${describeFsError(error)}`, 'check its permissions'),
    ]);
  }
  if (onDisk !== content && !onDisk.startsWith(GENERATED_MARK)) {
    throw new InputError([
      fileProblem(
        full,
        'exists and was not generated by tracseq-slo, so --alertmanager does not overwrite it',
        'move the file away or give --alertmanager another path',
      ),
    ]);
  }
  return { path: full, content, onDisk };
}
