import type { SloDependency } from '@tracseq/oncall';
import type { LoadedSpec } from '../spec/load-specs.js';

/**
 * Every `dependsOn` of the (validated) specs, as `buildAlertmanagerConfig` takes them: the
 * Alertmanager config mutes a dependent SLO's burn alerts while its dependency pages.
 */
export function sloDependencies(specs: readonly LoadedSpec[]): SloDependency[] {
  return specs.flatMap(({ spec }) =>
    spec.slos.flatMap((slo) =>
      (slo.dependsOn ?? []).map((target) => {
        const [service, name] = target.split('/') as [string, string];
        return { service: spec.service, slo: slo.name, dependsOn: { service, slo: name } };
      }),
    ),
  );
}
