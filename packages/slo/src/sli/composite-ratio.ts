import { formatNumber, quoteLabelValue, SLO_RULE_LABELS, SLO_SERIES } from '@tracseq/contract';
import { SLO_DEPENDENCY_EQUAL } from '@tracseq/oncall';
import type { CompositeMode } from '../spec/types.js';
import type { ResolvedComponent } from './resolve-sli.js';

/**
 * Labels a composite keeps from its components' ratio series: the topology labels (`cluster`,
 * `namespace`, `lab`) that Alertmanager's inhibition compares too. Everything else (the
 * components' own `slo_*` and static labels) is aggregated away, so components from files with
 * different labels still match one to one; a component split by lab is combined lab by lab.
 */
export const COMPOSITE_KEPT_LABELS = SLO_DEPENDENCY_EQUAL;

/** A composite SLI reduced to what the ratio expression needs. */
export interface CompositeRatioInput {
  readonly mode: CompositeMode;
  readonly components: readonly ResolvedComponent[];
}

/** How a composite's rules select a component's recorded series: by its service and name. */
export function componentSelector(component: Pick<ResolvedComponent, 'service' | 'name'>): string {
  return `{${SLO_RULE_LABELS.service}=${quoteLabelValue(component.service)},${SLO_RULE_LABELS.name}=${quoteLabelValue(component.name)}}`;
}

/** `expr` reduced to the labels a composite keeps ({@link COMPOSITE_KEPT_LABELS}). */
export function keptLabelsOf(expr: string): string {
  return `max by (${COMPOSITE_KEPT_LABELS.join(', ')}) (${expr})`;
}

/** The recorded error ratio of one component over `window`, reduced to the kept labels. */
export function componentRatio(component: ResolvedComponent, window: string): string {
  return keptLabelsOf(`${SLO_SERIES.errorRatio(window)}${componentSelector(component)}`);
}

/**
 * The composite's error ratio from its components' error ratio expressions (`parts`, in the
 * components' order): `serial`, the journey fails when any step fails, 1 − Π(1 − eᵢ) (steps
 * failing independently); `weighted`, Σ wᵢ·eᵢ / Σ wᵢ. The one place the formula is written: the
 * rules combine the components' recordings with it (`rule`: one term per line), `report`, `gate`
 * and `replay` their queries (`query`: on one line).
 */
export function combineComponentRatios(
  sli: CompositeRatioInput,
  parts: readonly string[],
  layout: 'rule' | 'query',
): string {
  const rule = layout === 'rule';
  if (sli.mode === 'serial') {
    const factors = parts.map((p) => `${rule ? '  ' : ''}(1 - ${p})`);
    return rule ? `1 - (\n${factors.join('\n  *\n')}\n)` : `1 - (${factors.join(' * ')})`;
  }
  const total = formatNumber(sli.components.reduce((sum, c) => sum + c.weight, 0));
  const terms = sli.components.map(
    (c, i) => `${rule ? '  ' : ''}${formatNumber(c.weight)} * ${parts[i] as string}`,
  );
  return rule ? `(\n${terms.join('\n  +\n')}\n)\n/ ${total}` : `(${terms.join(' + ')}) / ${total}`;
}

/**
 * The error ratio of a composite over `window`, from its components' recorded ratios of the same
 * window; missing while any component's ratio is missing.
 */
export function compositeRatioExpr(sli: CompositeRatioInput, window: string): string {
  return combineComponentRatios(
    sli,
    sli.components.map((c) => componentRatio(c, window)),
    'rule',
  );
}

/**
 * The composite's error ratio for given component error ratios (same order as the components):
 * what {@link compositeRatioExpr} computes, for `explain` and the generated tests.
 */
export function compositeRatio(sli: CompositeRatioInput, ratios: readonly number[]): number {
  if (sli.mode === 'serial') return 1 - ratios.reduce((p, e) => p * (1 - e), 1);
  const total = sli.components.reduce((sum, c) => sum + c.weight, 0);
  return sli.components.reduce((sum, c, i) => sum + c.weight * (ratios[i] as number), 0) / total;
}
