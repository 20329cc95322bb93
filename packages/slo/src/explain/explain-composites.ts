import { formatDuration, formatNumber } from '@tracseq/contract';
import { findComponentPlan } from '../rules/component-plan.js';
import type { SloPlan } from '../rules/slo-plan.js';
import { compositeRatio } from '../sli/composite-ratio.js';
import type { CompositeMode } from '../spec/types.js';
import { alertTiming } from './burn-math.js';

/** What an outage or a burn of one component does to its journey. */
export interface ComponentExplanation {
  /** `<service>/<name>`. */
  readonly slo: string;
  /** Weight in `weighted` mode, 1 in `serial` mode. */
  readonly weight: number;
  /** The component's objective, percent. */
  readonly objective: number;
  /** The journey's error ratio while this component is fully down and the others are clean. */
  readonly outageJourneyErrorRatio: number;
  /** That error ratio over the journey's budget. */
  readonly outageJourneyBurnRate: number;
  /** The journey's first alert during that outage, or `undefined` when none fires. */
  readonly outageFirstAlert?: {
    readonly severity: string;
    readonly longWindow: string;
    readonly shortWindow: string;
    readonly detectSeconds: number;
  };
  /**
   * The burn rate of this component (× its own budget), the others clean, above which a journey
   * page fires; `undefined` when even its full outage cannot page the journey.
   */
  readonly pagesJourneyAboveBurnRate: number | undefined;
}

/** The bounds `tracseq-slo explain` prints for one composite SLO. */
export interface CompositeExplanation {
  readonly service: string;
  readonly slo: string;
  readonly mode: CompositeMode;
  readonly objective: number;
  /**
   * Evaluation intervals added to the composite's bounds on top of the usual one: a journey reads
   * its components' recordings, up to one interval old per composite level on a real Prometheus.
   */
  readonly lagIntervals: number;
  readonly components: readonly ComponentExplanation[];
}

/** Composite levels under `plan` (0 for an SLO with its own SLI), given every plan of the run. */
export function compositeDepth(
  plan: SloPlan,
  plans: readonly SloPlan[],
  seen: readonly string[] = [],
): number {
  if (plan.sli.kind !== 'composite' || seen.includes(plan.id)) return 0;
  const below = plan.sli.components.map((c) => {
    const component = findComponentPlan(c, plans);
    return component ? compositeDepth(component, plans, [...seen, plan.id]) : 0;
  });
  return 1 + Math.max(0, ...below);
}

/**
 * Explains each composite among `plans` (which must hold its components): per component, the
 * journey's error ratio and burn during that component's full outage and how soon the journey
 * alerts (the window math plus one evaluation interval, plus one per composite level), and the
 * component burn above which the journey pages. Serial: a component outage is a journey outage;
 * weighted: it is the component's share of the weights.
 */
export function explainComposites(
  plans: readonly SloPlan[],
  evaluationIntervalSeconds: number,
): CompositeExplanation[] {
  return plans.flatMap((plan) => {
    const { sli } = plan;
    if (sli.kind !== 'composite') return [];
    const lagIntervals = compositeDepth(plan, plans);
    const delays = {
      forSeconds: 0,
      evaluationIntervalSeconds: evaluationIntervalSeconds * (1 + lagIntervals),
    };
    const pageFactors = plan.pairs.filter((p) => p.kind === 'page').map((p) => p.factor);
    const components = sli.components.map((c, i): ComponentExplanation => {
      const component = findComponentPlan(c, plans);
      const alone = (ratio: number) =>
        compositeRatio(
          sli,
          sli.components.map((_, k) => (k === i ? ratio : 0)),
        );
      const outage = alone(1);
      const burn = outage / plan.budget;
      const first = plan.pairs
        .map((pair) => ({
          pair,
          detect: alertTiming(pair, plan.budget, plan.periodSeconds, delays).detect(burn),
        }))
        .filter((x): x is { pair: (typeof plan.pairs)[number]; detect: number } => x.detect !== undefined)
        .sort((a, b) => a.detect - b.detect)[0];
      // The journey ratio is linear in a lone component's ratio (slope alone(1)), so the journey
      // page threshold factor × budget maps back to one component ratio.
      const componentBudget = component?.budget ?? 1;
      const lowestPage = pageFactors.length > 0 ? Math.min(...pageFactors) : undefined;
      const pagingRatio = lowestPage === undefined ? undefined : (lowestPage * plan.budget) / outage;
      return {
        slo: `${c.service}/${c.name}`,
        weight: c.weight,
        objective: component ? Number(formatNumber(component.objective * 100)) : Number.NaN,
        outageJourneyErrorRatio: Number(formatNumber(outage)),
        outageJourneyBurnRate: Number(burn.toPrecision(6)),
        ...(first
          ? {
              outageFirstAlert: {
                severity: first.pair.severity,
                longWindow: first.pair.longWindow,
                shortWindow: first.pair.shortWindow,
                detectSeconds: first.detect,
              },
            }
          : {}),
        pagesJourneyAboveBurnRate:
          pagingRatio === undefined || pagingRatio >= 1
            ? undefined
            : Number((pagingRatio / componentBudget).toPrecision(6)),
      };
    });
    return [
      {
        service: plan.service,
        slo: plan.name,
        mode: sli.mode,
        objective: Number(formatNumber(plan.objective * 100)),
        lagIntervals,
        components,
      },
    ];
  });
}

function spell(seconds: number): string {
  return formatDuration(Math.max(1, Math.ceil(seconds)));
}

const percent = (ratio: number) => `${formatNumber(Number((ratio * 100).toPrecision(4)))}%`;

/** Renders composite explanations as text: one block per journey with a row per component. */
export function renderCompositeExplanations(rows: readonly CompositeExplanation[]): string {
  if (rows.length === 0) return '';
  const blocks = rows.map((r) => {
    const header = [
      'component',
      'objective',
      'weight',
      'outage: journey errors',
      'journey burn',
      'first journey alert',
      'pages the journey above',
    ];
    const table = r.components.map((c) => [
      c.slo,
      `${formatNumber(c.objective)}%`,
      formatNumber(c.weight),
      percent(c.outageJourneyErrorRatio),
      `${formatNumber(Number(c.outageJourneyBurnRate.toPrecision(4)))}x`,
      c.outageFirstAlert
        ? `${c.outageFirstAlert.severity} ${c.outageFirstAlert.longWindow}&${c.outageFirstAlert.shortWindow} after ${spell(c.outageFirstAlert.detectSeconds)}`
        : 'none',
      c.pagesJourneyAboveBurnRate === undefined
        ? 'never'
        : `${formatNumber(Number(c.pagesJourneyAboveBurnRate.toPrecision(4)))}x its budget`,
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...table.map((row) => (row[i] as string).length)));
    const line = (cells: readonly string[]) =>
      `  ${cells
        .map((c, i) => c.padEnd(widths[i] as number))
        .join('  ')
        .trimEnd()}`;
    const formula = r.mode === 'serial' ? '1 − Π(1 − eᵢ)' : 'Σ wᵢ·eᵢ / Σ wᵢ';
    return [
      `${r.service}/${r.slo}: ${r.mode} journey (${formula}), objective ${formatNumber(r.objective)}%`,
      line(header),
      ...table.map(line),
    ].join('\n');
  });
  return [
    '',
    'Journeys (composite SLOs): what one component, the others clean, does to the journey.',
    ...blocks,
    '',
    "A journey reads its components' recorded ratios, which may be one evaluation interval old: its bounds above include one more interval per composite level.",
    "Serial composites assume steps that fail independently; a step that calls another synchronously counts one failure twice. A component's page mutes the journey's alerts in Alertmanager.",
    '',
  ].join('\n');
}
