import {
  formatNumber,
  parseDuration,
  ROLLOUT_POD_HASH_LABEL,
  ROLLOUT_POD_HASH_POD_LABEL,
  withWindow,
} from '@tracseq/contract';
import type { SloPlan } from '../rules/slo-plan.js';
import { isSingleSeriesQuery } from '../sli/error-ratio.js';
import { CANARY_ARGS, type CanaryOptions, DEFAULT_CANARY_OPTIONS } from './canary-options.js';
import { scopeQuery } from './scope-query.js';

/** `metadata.name` of a service's `AnalysisTemplate` (what a Rollout's `templateName` gives). */
export function analysisTemplateName(service: string): string {
  return `tracseq-slo-${service}`;
}

/** A measurement passes when this holds: a number (enough events) at most 1, the canary's bar. */
export const CANARY_SUCCESS_CONDITION = '!isNaN(result[0]) && result[0] <= 1';

/** A measurement fails when this holds: a number above 1. NaN (too few events) is neither: inconclusive. */
export const CANARY_FAILURE_CONDITION = '!isNaN(result[0]) && result[0] > 1';

const arg = (name: string) => `{{args.${name}}}`;

/** PromQL matchers of the canary's pods and of the stable pods (never unlabelled series). */
export const CANARY_MATCHERS = {
  canary: `${ROLLOUT_POD_HASH_LABEL}="${arg(CANARY_ARGS.canaryHash)}"`,
  stable: `${ROLLOUT_POD_HASH_LABEL}="${arg(CANARY_ARGS.stableHash)}",${ROLLOUT_POD_HASH_LABEL}!=""`,
} as const;

/** An SLO the template leaves out, and why. */
export interface SkippedSlo {
  readonly slo: string;
  readonly reason: string;
}

/** One service's analysis: the template (absent when no SLO has event counts) and what it left out. */
export interface CanaryAnalysis {
  readonly template?: Record<string, unknown>;
  readonly skipped: readonly SkippedSlo[];
}

/**
 * The measurement of one event-count SLO: the canary pods' burn rate over the window (error
 * ratio / (1 - objective)) divided by the canary's bar, max(1, k x the stable pods' burn rate).
 * Above 1 the canary burns budget faster than it may. It is NaN when the canary's window holds
 * fewer than `minEvents` events (no traffic is not success), and the stable pods count only
 * when their window holds `minEvents` too (otherwise the bar is 1x). Missing error series count
 * as 0 errors; a missing total series leaves the canary at NaN.
 */
export function canaryQuery(plan: SloPlan, minEvents: number, options: CanaryOptions): string {
  if (plan.sli.kind !== 'events') throw new Error(`${plan.id}: only event-count SLIs have a canary query`);
  const { errorQuery, totalQuery } = plan.sli;
  const seconds = parseDuration(options.window);
  const budget = formatNumber(plan.budget);
  const events = formatNumber(minEvents);
  // One unlabelled series each: the traffic-weighted ratio of sums, as the recording rules use.
  const one = (query: string, matchers: string) => {
    const scoped = withWindow(scopeQuery(query, matchers), options.window);
    return isSingleSeriesQuery(query) ? `(${scoped})` : `sum(${scoped})`;
  };
  const part = (matchers: string) => {
    const errors = one(errorQuery, matchers);
    const total = one(totalQuery, matchers);
    return {
      burn: `((${errors} or on() vector(0)) / clamp_min(${total}, 1e-300)) / ${budget}`,
      enough: `${total} * ${seconds} >= ${events}`,
    };
  };
  const canary = part(CANARY_MATCHERS.canary);
  const stable = part(CANARY_MATCHERS.stable);
  const stableBurn = `((${stable.burn}) and on() (${stable.enough})) or on() vector(0)`;
  const bar = `clamp_min(${arg(CANARY_ARGS.stableFactor)} * (${stableBurn}), 1)`;
  return `(\n  (${canary.burn})\n  /\n  ${bar}\n)\nand on() (${canary.enough})\nor on() vector(NaN)\n`;
}

/**
 * The Argo Rollouts `AnalysisTemplate` of one service: one Prometheus metric per event-count SLO
 * (see {@link canaryQuery}). Every measurement must pass: `failureLimit: 0` fails the analysis
 * (and aborts the rollout) at the first window that burns too fast, `inconclusiveLimit: 0`
 * makes it inconclusive (the rollout pauses for a person) at the first window with too few
 * events. Raw SLIs have no event counts to gate on and are left out.
 */
export function buildAnalysisTemplate(
  service: string,
  plans: readonly SloPlan[],
  options: Partial<CanaryOptions> = {},
): CanaryAnalysis {
  const resolved = { ...DEFAULT_CANARY_OPTIONS, ...options };
  const skipped: SkippedSlo[] = [];
  const metrics: Record<string, unknown>[] = [];
  for (const plan of plans) {
    // A journey has no queries of its own: its components' metrics already judge the canary.
    if (plan.sli.kind === 'composite') continue;
    if (plan.sli.kind !== 'events') {
      skipped.push({
        slo: plan.name,
        reason:
          'its raw SLI has no event counts, so a canary window cannot tell too little traffic from good traffic',
      });
      continue;
    }
    const minEvents = plan.spec.alerting?.minEvents ?? resolved.defaultMinEvents;
    metrics.push({
      name: plan.name,
      initialDelay: resolved.window,
      interval: resolved.interval,
      count: resolved.count,
      failureLimit: 0,
      inconclusiveLimit: 0,
      successCondition: CANARY_SUCCESS_CONDITION,
      failureCondition: CANARY_FAILURE_CONDITION,
      provider: {
        prometheus: {
          address: arg(CANARY_ARGS.prometheusUrl),
          query: canaryQuery(plan, minEvents, resolved),
        },
      },
    });
  }
  if (metrics.length === 0) return { skipped };
  const k = formatNumber(resolved.stableFactor);
  return {
    skipped,
    template: {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AnalysisTemplate',
      metadata: {
        name: analysisTemplateName(service),
        labels: { 'tracseq.dev/service': service },
        annotations: {
          'tracseq.dev/canary-analysis':
            `Each metric is the canary pods' budget burn rate over ${resolved.window} (pods whose ${ROLLOUT_POD_HASH_POD_LABEL} is ` +
            `the ${CANARY_ARGS.canaryHash} argument) divided by max(1, k x the stable pods' burn rate; k = ${CANARY_ARGS.stableFactor}, default ${k}; ` +
            `1x without ${CANARY_ARGS.stableHash}). Above 1 fails; NaN (fewer events than the SLO's alerting.minEvents, ` +
            `default ${formatNumber(resolved.defaultMinEvents)}) is inconclusive.`,
          ...(skipped.length > 0
            ? { 'tracseq.dev/skipped-slos': skipped.map((s) => `${s.slo}: ${s.reason}`).join('; ') }
            : {}),
        },
      },
      spec: {
        args: [
          { name: CANARY_ARGS.canaryHash },
          { name: CANARY_ARGS.stableHash, value: '' },
          { name: CANARY_ARGS.stableFactor, value: k },
          { name: CANARY_ARGS.prometheusUrl, value: resolved.prometheusUrl },
        ],
        metrics,
      },
    },
  };
}
