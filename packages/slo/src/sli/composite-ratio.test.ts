import { describe, expect, it } from 'vitest';
import { compositeRatio, compositeRatioExpr } from './composite-ratio.js';

const STEPS = [
  { service: 'sample-service', name: 'requests-availability', weight: 3 },
  { service: 'sample-service', name: 'sample-processing-success', weight: 1 },
];

describe('composite error ratios', () => {
  it('serial: 1 − Π(1 − eᵢ), from the components’ ratios of the same window', () => {
    expect(compositeRatioExpr({ mode: 'serial', components: STEPS }, '1h')).toBe(
      [
        '1 - (',
        '  (1 - max by (cluster, namespace, lab) (slo:sli_error:ratio_rate1h{slo_service="sample-service",slo_name="requests-availability"}))',
        '  *',
        '  (1 - max by (cluster, namespace, lab) (slo:sli_error:ratio_rate1h{slo_service="sample-service",slo_name="sample-processing-success"}))',
        ')',
      ].join('\n'),
    );
    expect(compositeRatio({ mode: 'serial', components: STEPS }, [0.1, 0.2])).toBeCloseTo(0.28, 12);
    expect(compositeRatio({ mode: 'serial', components: STEPS }, [1, 0])).toBe(1);
  });

  it('weighted: Σ wᵢ·eᵢ / Σ wᵢ', () => {
    expect(compositeRatioExpr({ mode: 'weighted', components: STEPS }, '30d')).toBe(
      [
        '(',
        '  3 * max by (cluster, namespace, lab) (slo:sli_error:ratio_rate30d{slo_service="sample-service",slo_name="requests-availability"})',
        '  +',
        '  1 * max by (cluster, namespace, lab) (slo:sli_error:ratio_rate30d{slo_service="sample-service",slo_name="sample-processing-success"})',
        ')',
        '/ 4',
      ].join('\n'),
    );
    expect(compositeRatio({ mode: 'weighted', components: STEPS }, [0.1, 0.2])).toBeCloseTo(0.125, 12);
    expect(compositeRatio({ mode: 'weighted', components: STEPS }, [0, 1])).toBe(0.25);
  });
});
