import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { count, defineCommand, EXIT, InputError, print, UsageError } from '../command.js';

const USAGE = `usage: tracseq-dashboards lint PATH... [options]

Lints dashboard JSON files (any Grafana dashboard, not only generated ones); a directory stands
for the *.json files in it. Prints one line per finding,
  FILE: panel N (title): [rule] query A: problem
then how many dashboards and findings there were. Exit 1 when there is any finding.

options:
  --allow-label NAME      a label besides the contract's that selectors may use (e.g. namespace
                          from relabelling); repeatable
  -h, --help              this help`;

/** The dashboard files a path stands for: itself, or a directory's `*.json` files. */
function dashboardFiles(path: string): string[] {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) throw new InputError(`${path}: no such file or directory`);
  if (!stat.isDirectory()) return [path];
  return readdirSync(path)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => join(path, name));
}

/** `tracseq-dashboards lint`: every finding of every dashboard, then a count. */
export const lintCommand = defineCommand({
  name: 'lint',
  summary: 'lint dashboard JSON files or directories; one line per finding',
  usage: USAGE,
  options: { 'allow-label': { type: 'string', multiple: true } },
  async run(values, positionals) {
    if (positionals.length === 0) throw new UsageError('lint needs at least one FILE or directory');
    // Loaded once the command line is known good (the linter brings @tracseq/slo and the Grafana
    // SDK, seconds on a busy machine that --help and usage errors should not wait for).
    const [{ formatFinding, lintDashboard }, { readText }] = await Promise.all([
      import('../../lint/lint-dashboard.js'),
      import('../read-inputs.js'),
    ]);
    const files = [...new Set(positionals.flatMap(dashboardFiles))];
    let findings = 0;
    for (const file of files) {
      const text = readText(file, 'dashboard');
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch (error) {
        // A file that is not JSON is a finding like any other: the others still get linted.
        print(`${file}: dashboard: [dashboard-shape] not JSON: ${(error as Error).message}`);
        findings++;
        continue;
      }
      for (const finding of lintDashboard(json, { extraLabels: values['allow-label'] ?? [] })) {
        print(formatFinding(file, finding));
        findings++;
      }
    }
    print(`${count(files.length, 'dashboard')}, ${count(findings, 'finding')}`);
    return findings > 0 ? EXIT.invalid : EXIT.ok;
  },
});
