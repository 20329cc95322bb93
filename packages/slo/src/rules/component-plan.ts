import type { ResolvedComponent } from '../sli/resolve-sli.js';
import type { SloPlan } from './slo-plan.js';

type ComponentRef = Pick<ResolvedComponent, 'service' | 'name'>;

/** The plan of a composite's component among `plans` (matched by service and name), if given. */
export function findComponentPlan(component: ComponentRef, plans: readonly SloPlan[]): SloPlan | undefined {
  return plans.find((p) => p.service === component.service && p.name === component.name);
}

/** The plan of a component of `composite` among `plans`; an Error naming both when it is not there. */
export function componentPlan(
  composite: SloPlan,
  component: ComponentRef,
  plans: readonly SloPlan[],
): SloPlan {
  const found = findComponentPlan(component, plans);
  if (found === undefined)
    throw new Error(
      `composite ${composite.id}: component ${component.service}/${component.name} is not among the SLOs given`,
    );
  return found;
}
