import { describe, expect, it } from 'vitest';
import { planSlos } from '../rules/slo-plan.js';
import { gateVerdict, judgeSlo } from './gate-model.js';

const [plan] = planSlos({
  version: 'tracseq.slo/v1',
  service: 'sample-service',
  slos: [
    {
      name: 'requests-availability',
      objective: 99,
      sli: { preset: 'http-availability' },
      policy: { minBudgetLeft: 25 },
    },
  ],
});
if (plan === undefined) throw new Error('no plan');

describe('judgeSlo', () => {
  it('passes exactly at the minimum and fails just under it, by the points it is short', () => {
    // Budget 1 %: an error ratio of 0.75 % leaves exactly 25 %.
    expect(judgeSlo(plan, { errorRatio: 0.0075, activeSince: undefined })).toMatchObject({
      status: 'ok',
      budgetLeftPercent: 25,
      shortByPercent: 0,
      belowSince: null,
    });
    expect(judgeSlo(plan, { errorRatio: 0.009, activeSince: Date.UTC(2025, 0, 2) / 1000 })).toMatchObject({
      status: 'below',
      budgetLeftPercent: 10,
      shortByPercent: 15,
      belowSince: '2025-01-02T00:00:00Z',
    });
  });

  it('reports an overspent budget as negative and no data or NaN as unknown, never a pass', () => {
    expect(judgeSlo(plan, { errorRatio: 0.02, activeSince: undefined })).toMatchObject({
      status: 'below',
      budgetLeftPercent: -100,
      shortByPercent: 125,
    });
    for (const errorRatio of [undefined, Number.NaN]) {
      expect(judgeSlo(plan, { errorRatio, activeSince: undefined })).toMatchObject({
        status: 'unknown',
        budgetLeftPercent: null,
      });
    }
  });
});

describe('gateVerdict', () => {
  it('fails on any breach, is unknown on missing data otherwise, and passes when all are ok', () => {
    const ok = judgeSlo(plan, { errorRatio: 0, activeSince: undefined });
    const below = judgeSlo(plan, { errorRatio: 0.01, activeSince: undefined });
    const unknown = judgeSlo(plan, { errorRatio: undefined, activeSince: undefined });
    expect(gateVerdict([ok, unknown, below])).toBe('fail');
    expect(gateVerdict([ok, unknown])).toBe('unknown');
    expect(gateVerdict([ok])).toBe('pass');
    expect(gateVerdict([])).toBe('pass');
  });
});
