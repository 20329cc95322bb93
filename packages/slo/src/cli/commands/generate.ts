import { join, relative } from 'node:path';
import { fileProblem, InputError } from '../cli-errors.js';
import { type Command, EXIT, stringFlag } from '../command.js';
import { commitFiles, type FileChange } from '../commit-files.js';
import { GENERATION_FLAGS } from '../common-flags.js';
import { prepareGeneration } from '../generation-run.js';
import { print, printResult, printWarnings } from '../print.js';

/** `tracseq-slo generate PATH...`: writes every output, all or nothing. */
export const generateCommand: Command = {
  name: 'generate',
  synopsis: 'PATH...',
  summary:
    'write rules, promtool tests, PrometheusRule CRDs, Mimir files (and AnalysisTemplates) under --out',
  details:
    'Every generated file records in its header the input and flags that produced it. A run writes\n' +
    'its outputs all or nothing (staged next to the targets, then renamed into place), never\n' +
    'overwrites a file another input generated or no tool generated, and deletes only files whose\n' +
    'header names an input of this run (a spec under its PATHs, its --lab-settings) that no longer\n' +
    'produces them. Flags a header recorded are reused when the command line gives none.\n' +
    '\n' +
    "--split-groups moves each SLO's long windows (the ticket pairs' long windows and the period, e.g.\n" +
    '1d, 3d, 30d) into a second rule group evaluated every --slow-interval (default 2m, under the 5m\n' +
    'lookback); alerts read those series through last_over_time(x[2 x interval]). The headers record\n' +
    'it as --slow-interval; --no-split-groups goes back to one group per SLO.\n' +
    '\n' +
    '--argo-rollouts adds k8s/<service>.analysistemplate.yml: an Argo Rollouts AnalysisTemplate per\n' +
    'service with one Prometheus metric per event-count SLO (raw SLIs are left out with a warning).\n' +
    "Each measurement is the canary pods' burn rate (error ratio / (1 - objective)) over 5m divided\n" +
    "by max(1, k x the stable pods' burn rate): above 1 fails the canary, fewer events than the SLO's\n" +
    "alerting.minEvents (default 100) is inconclusive. Arguments: canary-hash (required; the pods'\n" +
    "rollouts-pod-template-hash, which the ServiceMonitor's podTargetLabels copies onto the series),\n" +
    'stable-hash (optional), stable-factor (k, default 2), prometheus-url. Once generated, a template\n' +
    'is regenerated (and checked) without the flag.',
  flags: GENERATION_FLAGS,
  async run(context) {
    const run = prepareGeneration(context, 'generate');
    const { plan, outDir } = run;
    if (plan.conflicts.length > 0) {
      throw new InputError(
        plan.conflicts.map((c) => fileProblem(join(outDir, c.path), c.message, c.hint)),
        run.warnings,
      );
    }
    const changes: FileChange[] = [
      ...plan.written.map((path) => ({
        path: join(outDir, path),
        content: run.expected.get(path) as string,
      })),
      ...plan.deleted.map((path) => ({ path: join(outDir, path), content: undefined })),
    ];
    const alertmanager = run.alertmanager;
    const alertmanagerChanged = alertmanager !== undefined && alertmanager.onDisk !== alertmanager.content;
    if (alertmanagerChanged) changes.push({ path: alertmanager.path, content: alertmanager.content });
    commitFiles(changes);

    const lab = stringFlag(context, 'lab-settings');
    const from = `${run.specCount} spec file(s) with ${run.sloCount} SLO(s)${lab === undefined ? '' : ` and the lab settings ${lab}`}`;
    const lines = [
      `${run.expected.size} file(s) generated in ${outDir} from ${from}: ${plan.written.length} written, ${plan.deleted.length} deleted, ${plan.unchanged.length} unchanged`,
      ...plan.deleted.map(
        (path) => `deleted ${relative(process.cwd(), join(outDir, path))} (its input no longer produces it)`,
      ),
      ...(plan.leftAlone.length > 0
        ? [`${plan.leftAlone.length} generated file(s) of inputs not in this run left alone`]
        : []),
      ...(alertmanager === undefined
        ? []
        : [`Alertmanager config ${alertmanager.path} ${alertmanagerChanged ? 'written' : 'unchanged'}`]),
    ];
    if (context.json) {
      printResult(true, [], run.warnings, {
        summary: lines.join('\n'),
        written: plan.written,
        deleted: plan.deleted,
        leftAlone: plan.leftAlone,
      });
    } else {
      printWarnings(run.warnings);
      print(lines.join('\n'));
    }
    return EXIT.ok;
  },
};
