import { basename, extname } from 'node:path/posix';
import {
  buildMimirNamespace,
  buildPrometheusRule,
  type GeneratedOrigin,
  OUTPUT_DIRS,
  renderYaml,
  SpecValidationError,
} from '@tracseq/contract';
import { buildCompositeRuleTests, type TestComponent } from '../promtool-tests/build-composite-tests.js';
import { buildRuleTests } from '../promtool-tests/build-rule-tests.js';
import { buildRules } from '../rules/build-rules.js';
import { type RuleOptions, resolveRuleOptions } from '../rules/options.js';
import { planSlos } from '../rules/slo-plan.js';
import type { LoadedSpec } from '../spec/load-specs.js';

/** Generated files keyed by path relative to the output directory (POSIX separators), sorted. */
export type GeneratedFiles = ReadonlyMap<string, string>;

/** A spec's file name without directory and extension: the name of its outputs. */
export function specStem(path: string): string {
  const name = basename(path.replace(/\\/g, '/'));
  return name.slice(0, name.length - extname(name).length);
}

/**
 * Every output of a set of valid specs: per spec file a rule file, a `PrometheusRule` CRD and a
 * Mimir namespace file; per SLO with a test model promtool test files, and per composite whose
 * components have test models promtool test files that load the components' rule files too. `source` gives what a
 * spec's headers record: its path as the output directory sees it, or a full
 * {@link GeneratedOrigin} (input and flags). `options` may differ per spec (a function of the
 * spec), as when each spec's outputs reuse the flags their headers recorded. Pure: the CLI
 * writes the files.
 */
export function generateOutputs(
  specs: readonly LoadedSpec[],
  source: (path: string) => string | GeneratedOrigin = (p) => p,
  options: Partial<RuleOptions> | ((spec: LoadedSpec) => Partial<RuleOptions>) = {},
): GeneratedFiles {
  const files = new Map<string, string>();
  const owner = new Map<string, string>();
  // Every SLO of the run with its rule file: a composite's tests load its components' rules.
  const catalog = new Map<string, TestComponent>();
  for (const { path, spec } of specs) {
    for (const plan of planSlos(spec)) {
      catalog.set(`${plan.service}/${plan.name}`, {
        plan,
        ruleFile: `../${OUTPUT_DIRS.rules}/${specStem(path)}.rules.yml`,
      });
    }
  }
  for (const { path, spec } of specs) {
    const name = specStem(path);
    const previous = owner.get(name);
    if (previous !== undefined) {
      throw new SpecValidationError([
        {
          file: path,
          line: 0,
          column: 0,
          path: '',
          message: `shares the file name ${name} with ${previous}, so their generated files would overwrite each other`,
          hint: 'rename one of the two spec files',
        },
      ]);
    }
    owner.set(name, path);
    const header = source(path);
    const resolved = resolveRuleOptions(typeof options === 'function' ? options({ path, spec }) : options);
    const rules = buildRules(spec, resolved);
    const ruleFile = `${OUTPUT_DIRS.rules}/${name}.rules.yml`;
    files.set(ruleFile, renderYaml(rules, header));
    files.set(
      `${OUTPUT_DIRS.k8s}/${name}.prometheusrule.yml`,
      renderYaml(
        buildPrometheusRule(rules, {
          name: `tracseq-slo-${name}`,
          labels: { 'tracseq.dev/service': spec.service },
        }),
        header,
      ),
    );
    files.set(
      `${OUTPUT_DIRS.mimir}/${name}.yml`,
      renderYaml(buildMimirNamespace(rules, `tracseq-slo-${spec.service}`), header),
    );
    for (const plan of planSlos(spec)) {
      const { sli } = plan;
      const tests =
        sli.kind === 'composite'
          ? buildCompositeRuleTests(
              plan,
              `../${ruleFile}`,
              sli.components.flatMap((c) => catalog.get(`${c.service}/${c.name}`) ?? []),
              resolved,
            )
          : buildRuleTests(plan, `../${ruleFile}`, resolved);
      for (const { suffix, file } of tests) {
        files.set(`${OUTPUT_DIRS.tests}/${plan.id}${suffix}.test.yml`, renderYaml(file, header));
      }
    }
  }
  return new Map([...files.entries()].sort(([a], [b]) => a.localeCompare(b)));
}
