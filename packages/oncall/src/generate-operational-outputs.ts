import type { RuleFile } from '@tracseq/contract';
import { buildMimirNamespace, buildPrometheusRule, OUTPUT_DIRS, renderYaml } from '@tracseq/contract';
import { buildLabOperationalRules, buildPlatformOperationalRules } from './build-operational-rules.js';
import { buildLabOperationalTests, buildPlatformOperationalTests } from './build-operational-tests.js';
import { checkTestDelays } from './check-test-delays.js';
import type { LabAlertInputs } from './lab-alert-inputs.js';
import type { OperationalOptions } from './operational-options.js';

/**
 * The on-call alert files for one lab settings file, keyed like `generateOutputs`' files:
 * `operational` (platform alerts) and `operational-<lab>` (storage, freezers, breakers), each
 * as a rule file, promtool test, `PrometheusRule` CRD and Mimir namespace. Pure. Throws when a
 * delay is too short for the generated tests to probe (see {@link checkTestDelays}).
 */
export function generateOperationalOutputs(
  inputs: LabAlertInputs,
  sourceName: string,
  options: OperationalOptions,
): Map<string, string> {
  const tooShort = checkTestDelays(inputs, options);
  if (tooShort.length > 0) throw new Error(tooShort.join('\n'));
  const files = new Map<string, string>();
  const add = (name: string, rules: RuleFile, tests: (ruleFile: string) => unknown) => {
    const ruleFile = `${OUTPUT_DIRS.rules}/${name}.rules.yml`;
    files.set(ruleFile, renderYaml(rules, sourceName));
    files.set(`${OUTPUT_DIRS.tests}/${name}.test.yml`, renderYaml(tests(`../${ruleFile}`), sourceName));
    files.set(
      `${OUTPUT_DIRS.k8s}/${name}.prometheusrule.yml`,
      renderYaml(
        buildPrometheusRule(rules, {
          name: `tracseq-${name}`,
          labels: { 'tracseq.dev/alerts': 'operational' },
        }),
        sourceName,
      ),
    );
    files.set(
      `${OUTPUT_DIRS.mimir}/${name}.yml`,
      renderYaml(buildMimirNamespace(rules, `tracseq-${name}`), sourceName),
    );
  };
  const platform = buildPlatformOperationalRules(options);
  add('operational', platform, (ruleFile) => buildPlatformOperationalTests(platform, ruleFile, options));
  const lab = buildLabOperationalRules(inputs, options);
  add(`operational-${inputs.lab}`, lab, (ruleFile) =>
    buildLabOperationalTests(inputs, lab, ruleFile, options),
  );
  return files;
}
