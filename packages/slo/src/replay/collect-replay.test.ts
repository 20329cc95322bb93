import { describe, expect, it } from 'vitest';
import { planSlos } from '../rules/slo-plan.js';
import { checkPromql } from '../sli/check-promql.js';
import { inlinedBurnAlerts } from './collect-replay.js';

const plans = planSlos({
  version: 'tracseq.slo/v1',
  service: 'sample-service',
  slos: [
    { name: 'requests-availability', objective: 99.9, sli: { preset: 'http-availability' } },
    {
      name: 'processing',
      objective: 99,
      sli: {
        events: {
          errorQuery: 'sum(rate(qc_failed_total[{{.window}}]))',
          totalQuery: 'sum(rate(qc_total[{{.window}}]))',
        },
      },
    },
    {
      name: 'lifecycle',
      objective: 98.5,
      sli: {
        composite: {
          mode: 'serial',
          components: [{ slo: 'sample-service/requests-availability' }, { slo: 'sample-service/processing' }],
        },
      },
    },
  ],
});

describe('inlinedBurnAlerts', () => {
  it("replays a draft journey from its components' own SLI queries: no recorded series left", () => {
    const journey = plans[2];
    if (journey === undefined) throw new Error('no journey');
    const alerts = inlinedBurnAlerts(journey, {}, plans);
    expect(alerts).toHaveLength(4);
    for (const { expr } of alerts) {
      expect(expr).not.toContain('slo:');
      expect(expr).toContain('http_server_request_duration_seconds_count');
      expect(expr).toContain('qc_failed_total');
      expect(checkPromql(expr)).toBeUndefined();
    }
  });

  it('names a component missing from the SLOs given', () => {
    const journey = plans[2];
    if (journey === undefined) throw new Error('no journey');
    expect(() => inlinedBurnAlerts(journey, {}, [journey])).toThrow(
      'component sample-service/requests-availability is not among the SLOs given',
    );
  });
});
