import { describe, expect, it } from 'vitest';
import { planSlos } from '../rules/slo-plan.js';
import { buildTimeline, MAX_TIMELINE_BUCKETS, timelineBucketSeconds } from './build-timeline.js';

const [PLAN] = planSlos({
  version: 'tracseq.slo/v1',
  service: 'svc',
  slos: [{ name: 'availability', objective: 99, sli: { preset: 'http-availability' } }],
});
if (!PLAN) throw new Error('no plan');

const HOUR = 3600;
const T = 1_735_689_600; // 2025-01-01T00:00:00Z

describe('timelineBucketSeconds', () => {
  it('takes the shortest readable bucket that keeps a period within the bucket limit', () => {
    expect(timelineBucketSeconds(30 * 86_400)).toBe(6 * HOUR);
    expect(timelineBucketSeconds(31 * 86_400)).toBe(6 * HOUR);
    expect(timelineBucketSeconds(86_400)).toBe(600);
    expect(timelineBucketSeconds(3 * HOUR)).toBe(60);
    expect(timelineBucketSeconds(90 * 86_400)).toBe(12 * HOUR);
    const year = 365 * 86_400;
    expect(Math.ceil(year / timelineBucketSeconds(year))).toBeLessThanOrEqual(MAX_TIMELINE_BUCKETS);
  });
});

describe('buildTimeline', () => {
  it('event SLIs: bucket error ratios and the budget spent so far against all of the period', () => {
    // 4 buckets, 1000 events each; 10 bad events in the second bucket, 5 in the fourth.
    // Budget: 1 % of 4000 = 40 bad events.
    const timeline = buildTimeline(PLAN, 'events', [
      { end: T + HOUR, seconds: HOUR, bad: 0, total: 1000 },
      { end: T + 2 * HOUR, seconds: HOUR, bad: 10, total: 1000 },
      { end: T + 3 * HOUR, seconds: HOUR, bad: undefined, total: 1000 }, // no bad series yet
      { end: T + 4 * HOUR, seconds: HOUR, bad: 5, total: 1000 },
    ]);
    expect(timeline.bucketSeconds).toBe(HOUR);
    expect(timeline.points).toEqual([
      { time: '2025-01-01T01:00:00Z', errorRatio: 0, budgetRemaining: 1 },
      { time: '2025-01-01T02:00:00Z', errorRatio: 0.01, budgetRemaining: 0.75 },
      { time: '2025-01-01T03:00:00Z', errorRatio: 0, budgetRemaining: 0.75 },
      { time: '2025-01-01T04:00:00Z', errorRatio: 0.005, budgetRemaining: 0.625 },
    ]);
  });

  it('goes below zero when the budget is overspent; an idle bucket has no SLI but spends nothing', () => {
    const timeline = buildTimeline(PLAN, 'events', [
      { end: T + HOUR, seconds: HOUR, bad: 30, total: 1000 },
      { end: T + 2 * HOUR, seconds: HOUR, bad: 0, total: 0 },
    ]);
    expect(timeline.points.map((p) => [p.errorRatio, p.budgetRemaining])).toEqual([
      [0.03, -2],
      [null, -2],
    ]);
  });

  it('zero traffic is a clean period, no total series at all is no data', () => {
    const idle = buildTimeline(PLAN, 'events', [{ end: T + HOUR, seconds: HOUR, bad: undefined, total: 0 }]);
    expect(idle.points[0]).toMatchObject({ errorRatio: null, budgetRemaining: 1 });
    const absent = buildTimeline(PLAN, 'events', [{ end: T + HOUR, seconds: HOUR }]);
    expect(absent.points[0]).toMatchObject({ errorRatio: null, budgetRemaining: null });
  });

  it('raw SLIs weigh buckets by their length (a short last bucket counts less)', () => {
    // 2h at 0.5 % and a 1h bucket at 2 %: (2 × 0.005 + 1 × 0.02) / 3 = 1 % = the whole budget.
    const timeline = buildTimeline(PLAN, 'raw', [
      { end: T + 2 * HOUR, seconds: 2 * HOUR, errorRatio: 0.005 },
      { end: T + 3 * HOUR, seconds: HOUR, errorRatio: 0.02 },
    ]);
    const [first, last] = timeline.points;
    expect(first?.errorRatio).toBe(0.005);
    expect(first?.budgetRemaining).toBeCloseTo(2 / 3, 10);
    expect(last).toMatchObject({ errorRatio: 0.02, budgetRemaining: 0 });
  });
});
