import type { RuleFile } from './rule-types.js';

/** Options of {@link buildPrometheusRule}. */
export interface PrometheusRuleOptions {
  readonly name: string;
  readonly namespace?: string;
  /** Labels the Prometheus Operator's `ruleSelector` matches. */
  readonly labels?: Readonly<Record<string, string>>;
}

/** A `monitoring.coreos.com/v1` `PrometheusRule` wrapping a rule file, for the Prometheus Operator. */
export function buildPrometheusRule(
  rules: RuleFile,
  options: PrometheusRuleOptions,
): Record<string, unknown> {
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'PrometheusRule',
    metadata: {
      name: options.name,
      ...(options.namespace ? { namespace: options.namespace } : {}),
      labels: {
        'app.kubernetes.io/managed-by': 'tracseq-slo',
        'app.kubernetes.io/part-of': 'tracseq',
        ...(options.labels ?? {}),
      },
    },
    spec: { groups: rules.groups },
  };
}

/** A Grafana Mimir ruler namespace file (`mimirtool rules load`): the rule groups under a namespace. */
export function buildMimirNamespace(rules: RuleFile, namespace: string): Record<string, unknown> {
  return { namespace, groups: rules.groups };
}
