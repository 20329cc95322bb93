import { basename, extname } from 'node:path/posix';
import { buildMimirNamespace, buildPrometheusRule, OUTPUT_DIRS, renderYaml } from '@tracseq/contract';
import { buildRuleTests } from '../promtool-tests/build-rule-tests.js';
import { buildRules } from '../rules/build-rules.js';
import { type RuleOptions, resolveRuleOptions } from '../rules/options.js';
import { planSlos } from '../rules/slo-plan.js';
import type { LoadedSpec } from '../spec/load-specs.js';

/** Generated files keyed by path relative to the output directory (POSIX separators), sorted. */
export type GeneratedFiles = ReadonlyMap<string, string>;

/** Where each kind of output goes under the output directory. */
function stem(path: string): string {
  const name = basename(path.replace(/\\/g, '/'));
  return name.slice(0, name.length - extname(name).length);
}

/**
 * Every output of a set of valid specs: per spec file a rule file, a `PrometheusRule` CRD and a
 * Mimir namespace file; per SLO with a test model a promtool test file. `sourceName` maps a spec
 * path to how the header names it (repo-relative). Pure: the CLI writes the files.
 */
export function generateOutputs(
  specs: readonly LoadedSpec[],
  sourceName: (path: string) => string = (p) => p,
  options: Partial<RuleOptions> = {},
): GeneratedFiles {
  const resolved = resolveRuleOptions(options);
  const files = new Map<string, string>();
  const owner = new Map<string, string>();
  for (const { path, spec } of specs) {
    const name = stem(path);
    const previous = owner.get(name);
    if (previous !== undefined) {
      throw new Error(`${path}: spec files ${previous} and ${path} share the file name ${name}; rename one`);
    }
    owner.set(name, path);
    const source = sourceName(path);
    const rules = buildRules(spec, resolved);
    const ruleFile = `${OUTPUT_DIRS.rules}/${name}.rules.yml`;
    files.set(ruleFile, renderYaml(rules, source));
    files.set(
      `${OUTPUT_DIRS.k8s}/${name}.prometheusrule.yml`,
      renderYaml(
        buildPrometheusRule(rules, {
          name: `tracseq-slo-${name}`,
          labels: { 'tracseq.dev/service': spec.service },
        }),
        source,
      ),
    );
    files.set(
      `${OUTPUT_DIRS.mimir}/${name}.yml`,
      renderYaml(buildMimirNamespace(rules, `tracseq-slo-${spec.service}`), source),
    );
    for (const plan of planSlos(spec)) {
      for (const { suffix, file } of buildRuleTests(plan, `../${ruleFile}`, resolved)) {
        files.set(`${OUTPUT_DIRS.tests}/${plan.id}${suffix}.test.yml`, renderYaml(file, source));
      }
    }
  }
  return new Map([...files.entries()].sort(([a], [b]) => a.localeCompare(b)));
}
