import type { AlertingRule, RecordingRule, RuleGroup } from '@tracseq/contract';
import { describe, expect, it } from 'vitest';
import type { SloSpecFile } from '../spec/types.js';
import { buildRules, buildSloGroup } from './build-rules.js';
import { resolveRuleOptions } from './options.js';
import { planSlos } from './slo-plan.js';
import { slowIntervalProblem, slowWindows } from './split-groups.js';

const SPEC: SloSpecFile = {
  version: 'tracseq.slo/v1',
  service: 'sample-service',
  slos: [
    {
      name: 'requests-availability',
      objective: 99.9,
      sli: { preset: 'http-availability' },
      policy: { minBudgetLeft: 25 },
    },
    {
      name: 'requests-latency',
      objective: 99,
      period: '2h',
      sli: { preset: 'http-latency', thresholdSeconds: 0.1 },
    },
  ],
};

const records = (group: RuleGroup | undefined) =>
  (group?.rules ?? []).filter((r): r is RecordingRule => 'record' in r).map((r) => r.record);
const alerts = (group: RuleGroup | undefined) =>
  (group?.rules ?? []).filter((r): r is AlertingRule => 'alert' in r);

describe('--split-groups: the long windows in a slower group per SLO', () => {
  it('without a slow interval, builds exactly the one group per SLO it always built', () => {
    const plans = planSlos(SPEC);
    expect(buildRules(SPEC).groups).toEqual(plans.map((p) => buildSloGroup(p, resolveRuleOptions())));
  });

  it('moves the ticket long windows, the period and what derives from it into `<group>.slow`', () => {
    const { groups } = buildRules(SPEC, { slowInterval: '2m' });
    expect(groups.map((g) => [g.name, g.interval])).toEqual([
      ['tracseq-slo-sample-service-requests-availability.slow', '2m'],
      ['tracseq-slo-sample-service-requests-availability', undefined],
      ['tracseq-slo-sample-service-requests-latency.slow', '2m'],
      ['tracseq-slo-sample-service-requests-latency', undefined],
    ]);
    const [slow, fast] = groups;
    expect(records(slow)).toEqual([
      'slo:sli_error:ratio_rate1d',
      'slo:sli_error:ratio_rate3d',
      'slo:sli_error:ratio_rate30d',
      'slo:period_burn_rate:ratio',
      'slo:period_error_budget_remaining:ratio',
    ]);
    expect(alerts(slow)).toEqual([]);
    // Nothing lost, nothing duplicated: the two groups hold the single group's rules.
    const single = buildSloGroup(planSlos(SPEC)[0] as never, resolveRuleOptions());
    expect([...records(slow), ...records(fast)].sort()).toEqual(records(single).sort());
    expect(alerts(fast).map((a) => a.alert)).toEqual(alerts(single).map((a) => a.alert));
    // A scaled period (2h): its windows scale too, so do the slow ones.
    expect(records(groups[2])).toEqual([
      'slo:sli_error:ratio_rate4m',
      'slo:sli_error:ratio_rate12m',
      'slo:sli_error:ratio_rate2h',
      'slo:period_burn_rate:ratio',
      'slo:period_error_budget_remaining:ratio',
    ]);
  });

  it('alerts read slow series through last_over_time over two slow intervals, fast ones directly', () => {
    const { groups } = buildRules(SPEC, { slowInterval: '90s' });
    const fast = alerts(groups[1]);
    const burn = (long: string) =>
      fast.find((a) => a.alert === 'SloErrorBudgetBurn' && a.labels.long_window === long)?.expr;
    expect(burn('1d')).toContain(
      'max without (slo_window) (last_over_time(slo:sli_error:ratio_rate1d{slo_id="sample-service-requests-availability"}[3m]) > 0.003)',
    );
    expect(burn('1d')).toContain(
      '(slo:sli_error:ratio_rate2h{slo_id="sample-service-requests-availability"} > 0.003)',
    );
    expect(burn('3d')).toContain('last_over_time(slo:sli_error:ratio_rate3d{');
    expect(burn('1h')).not.toContain('last_over_time');
    expect(burn('6h')).not.toContain('last_over_time');
    expect(fast.find((a) => a.alert === 'SloErrorBudgetLow')?.expr).toBe(
      'last_over_time(slo:period_error_budget_remaining:ratio{slo_id="sample-service-requests-availability"}[3m]) < 0.25',
    );
    // Recordings left in the fast group read no slow series; the slow group reads its own directly.
    for (const rule of groups[1]?.rules ?? []) {
      if ('record' in rule) expect(rule.expr).not.toContain('last_over_time');
    }
    expect(groups[0]?.rules.some((r) => r.expr.includes('last_over_time'))).toBe(false);
  });

  it('keeps a window a page pair reads in the fast group', () => {
    const plan = planSlos({
      ...SPEC,
      slos: [
        {
          name: 'custom',
          objective: 99.9,
          sli: { preset: 'http-availability' },
          alertWindows: {
            page: {
              quick: { errorBudgetPercent: 2, shortWindow: '5m', longWindow: '1h' },
              slow: { errorBudgetPercent: 5, shortWindow: '30m', longWindow: '1d' },
            },
            ticket: {
              quick: { errorBudgetPercent: 10, shortWindow: '2h', longWindow: '1d' },
              slow: { errorBudgetPercent: 10, shortWindow: '6h', longWindow: '3d' },
            },
          },
        },
      ],
    })[0];
    expect(plan && slowWindows(plan)).toEqual(['3d', '30d']);
  });

  it('refuses a slow interval that lets series go stale under the 5m lookback', () => {
    expect(slowIntervalProblem('2m')).toBeUndefined();
    expect(slowIntervalProblem('4m59s')).toBeUndefined();
    expect(slowIntervalProblem('5m')).toMatch(/stale between two evaluations under Prometheus's 5m lookback/);
    expect(slowIntervalProblem('1h')).toMatch(/too long/);
    expect(slowIntervalProblem('2 minutes')).toMatch(/not a duration/);
    expect(slowIntervalProblem('0s')).toMatch(/longer than zero/);
  });
});
