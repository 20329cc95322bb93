import { describe, expect, it } from 'vitest';
import { planSlos } from '../rules/slo-plan.js';
import { loadSpecs } from '../spec/load-specs.js';
import { stepsSpec } from '../spec/test-composite-specs.js';
import { explainComposites, renderCompositeExplanations } from './explain-composites.js';
import { explainSlos } from './explain-slos.js';

const SPECS = [
  { path: 'slos/steps.yaml', text: stepsSpec() },
  {
    path: 'slos/journeys.yaml',
    text: `version: tracseq.slo/v1
service: journeys
slos:
  - name: lifecycle
    objective: 98.5
    sli:
      composite:
        mode: serial
        components:
          - slo: sample-service/submission
          - slo: sample-service/processing
  - name: weighted
    objective: 97
    sli:
      composite:
        mode: weighted
        components:
          - { slo: sample-service/submission, weight: 3 }
          - { slo: sample-service/processing, weight: 1 }
`,
  },
];

function plans() {
  const loaded = loadSpecs(SPECS);
  expect(loaded.errors).toEqual([]);
  return loaded.specs.flatMap((s) => planSlos(s.spec));
}

describe('explain for composites', () => {
  it('maps a lone component outage to the journey: serial is a journey outage, weighted its share', () => {
    const [serial, weighted] = explainComposites(plans(), 60);
    expect(serial?.mode).toBe('serial');
    expect(serial?.lagIntervals).toBe(1);
    // Budget 1.5 %: a journey outage burns 66.67x; the 1h&5m page fires after
    // 14.4 × 1h / 66.67 = 777.6 s, plus one interval and one more for the journey's lag.
    expect(serial?.components[0]).toEqual({
      slo: 'sample-service/submission',
      weight: 1,
      objective: 99.9,
      outageJourneyErrorRatio: 1,
      outageJourneyBurnRate: 66.6667,
      outageFirstAlert: {
        severity: 'critical',
        longWindow: '1h',
        shortWindow: '5m',
        detectSeconds: expect.closeTo(897.6, 6),
      },
      // The lowest page factor (6x) of a 1.5 % budget is 9 % errors: 90x submission's 0.1 %.
      pagesJourneyAboveBurnRate: 90,
    });
    // Weighted 3:1, budget 3 %: processing down is 25 % errors, 8.33x, under the 14.4x page.
    const processing = weighted?.components[1];
    expect(processing?.outageJourneyErrorRatio).toBe(0.25);
    expect(processing?.outageFirstAlert).toEqual({
      severity: 'critical',
      longWindow: '6h',
      shortWindow: '30m',
      detectSeconds: expect.closeTo((6 * 21_600) / (0.25 / 0.03) + 120, 6),
    });
    // 6 × 3 % / 25 % = 72 % processing errors, 72x its 1 % budget.
    expect(processing?.pagesJourneyAboveBurnRate).toBe(72);
    expect(weighted?.components[0]?.pagesJourneyAboveBurnRate).toBe(240);
  });

  it("adds the journey's lag to its alerts' bounds, and only to a journey's", () => {
    const rows = explainSlos(plans(), 60);
    const fast = (slo: string) =>
      rows.find((r) => r.slo === slo && r.longWindow === '1h')?.detectFullOutageSeconds;
    // Full outage: 14.4 × 3600 × budget + intervals.
    expect(fast('submission')).toBeCloseTo(14.4 * 3600 * 0.001 + 60, 6);
    expect(fast('lifecycle')).toBeCloseTo(14.4 * 3600 * 0.015 + 120, 6);
  });

  it('renders the journey, its mode and one row per component', () => {
    const text = renderCompositeExplanations(explainComposites(plans(), 60));
    expect(text).toContain('journeys/lifecycle: serial journey (1 − Π(1 − eᵢ)), objective 98.5%');
    expect(text).toContain('journeys/weighted: weighted journey (Σ wᵢ·eᵢ / Σ wᵢ), objective 97%');
    expect(text).toMatch(
      /sample-service\/processing\s+99%\s+1\s+25%\s+8\.333x\s+critical 6h&30m after 4h21m12s\s+72x its budget/,
    );
    expect(text).toContain('counts one failure twice');
  });
});
