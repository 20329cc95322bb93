import type { SloDependency } from '@tracseq/oncall';
import type { LoadedSpec } from '../spec/load-specs.js';
import type { SloSpec } from '../spec/types.js';

const components = (slo: SloSpec): readonly string[] =>
  'composite' in slo.sli ? slo.sli.composite.components.map((c) => c.slo) : [];

/**
 * Every `dependsOn` of the (validated) specs, as `buildAlertmanagerConfig` takes them: the
 * Alertmanager config mutes a dependent SLO's burn alerts while its dependency pages. A
 * composite depends on its components, and on theirs when a component is a composite itself
 * (a component that does not page would not mute the journey): one cause, one page.
 */
export function sloDependencies(specs: readonly LoadedSpec[]): SloDependency[] {
  const byRef = new Map<string, SloSpec>();
  for (const { spec } of specs) for (const slo of spec.slos) byRef.set(`${spec.service}/${slo.name}`, slo);
  const reachable = (slo: SloSpec): string[] => {
    const found: string[] = [];
    const visit = (ref: string) => {
      if (found.includes(ref)) return;
      found.push(ref);
      const target = byRef.get(ref);
      if (target) components(target).forEach(visit);
    };
    components(slo).forEach(visit);
    return found;
  };
  return specs.flatMap(({ spec }) =>
    spec.slos.flatMap((slo) =>
      [...new Set([...(slo.dependsOn ?? []), ...reachable(slo)])].map((target) => {
        const [service, name] = target.split('/') as [string, string];
        return { service: spec.service, slo: slo.name, dependsOn: { service, slo: name } };
      }),
    ),
  );
}
