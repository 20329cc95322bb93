import { dirname, join } from 'node:path';
import type { DashboardsConfigInput } from '../../config.js';
import type { OutputLayout } from '../../output/generate-files.js';
import { count, defineCommand, EXIT, InputError, print, printError, UsageError } from '../command.js';

const USAGE = `usage: tracseq-dashboards generate --out DIR [options]

Writes the dashboard JSON files into DIR, the Grafana provisioning files and, with --configmaps,
one Kubernetes ConfigMap per dashboard. Unchanged files are not rewritten; generated files that
are no longer produced are removed (hand-made files are left alone).

options:
  --out DIR               where the dashboard JSON files go (required)
  --slos PATH             SLO spec file or directory (burn-rate windows, SLO list); repeatable
  --lab-settings FILE     lab settings YAML: storage zones, and grafana_url, runbook_base_url,
                          dashboard_uid_prefix when the lab sets them
  --provisioning DIR      Grafana provisioning directory (default: DIR/../provisioning)
  --configmaps DIR        also write one Kubernetes ConfigMap per dashboard into DIR
  --config FILE           JSON DashboardsConfig merged over the defaults (flags win over it)
  --grafana-url URL       Grafana base URL (wins over the lab settings; default http://localhost:3000)
  --check                 write nothing; exit 1 when a file differs or is stale (what CI runs)
  -h, --help              this help`;

/** `tracseq-dashboards generate`: dashboards, provisioning and ConfigMaps, written or checked. */
export const generateCommand = defineCommand({
  name: 'generate',
  summary: 'write the dashboards, Grafana provisioning and ConfigMaps (--check: verify them)',
  usage: USAGE,
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
  async run(values, positionals) {
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
    if (values.out === undefined) throw new UsageError('generate needs --out DIR');
    // Loaded once the command line is known good: @tracseq/slo and the Grafana SDK take seconds
    // to load on a busy machine, which --help and usage errors should not wait for.
    const [{ DashboardsConfigError }, { generateFiles }, { loadConfigFile, loadLabInputs, loadSlos }, sync] =
      await Promise.all([
        import('../../config.js'),
        import('../../output/generate-files.js'),
        import('../read-inputs.js'),
        import('../sync-files.js'),
      ]);
    // Flags win over the config file, which wins over the lab settings, then the defaults.
    const input: DashboardsConfigInput = {
      ...(values['lab-settings'] !== undefined ? loadLabInputs(values['lab-settings']) : {}),
      ...(values.config !== undefined ? loadConfigFile(values.config) : {}),
      ...(values.slos !== undefined ? { slos: loadSlos(values.slos) } : {}),
      ...(values['grafana-url'] !== undefined ? { grafanaUrl: values['grafana-url'] } : {}),
    };
    const layout: OutputLayout = {
      dashboards: join(values.out),
      provisioning: join(values.provisioning ?? join(dirname(join(values.out)), 'provisioning')),
      ...(values.configmaps !== undefined ? { configMaps: join(values.configmaps) } : {}),
    };
    let files: ReadonlyMap<string, string>;
    try {
      files = generateFiles(input, layout);
    } catch (error) {
      if (error instanceof DashboardsConfigError) throw new InputError(error.message);
      throw error;
    }
    const plan = sync.planSync(files, layout);
    const total = count(plan.files.size, 'file');
    if (values.check) {
      for (const path of plan.changed) printError(`${path}: out of date; run npm run generate`);
      for (const path of plan.stale) printError(`${path}: no longer generated; run npm run generate`);
      if (plan.changed.length > 0 || plan.stale.length > 0) {
        printError(
          `${total} checked: ${plan.changed.length} out of date, ${plan.stale.length} no longer generated`,
        );
        return EXIT.invalid;
      }
      print(`${total} up to date`);
      return EXIT.ok;
    }
    sync.applySync(plan);
    print(
      `${total} generated: ${plan.changed.length} written, ${plan.unchanged.length} unchanged, ${plan.stale.length} removed`,
    );
    return EXIT.ok;
  },
});
