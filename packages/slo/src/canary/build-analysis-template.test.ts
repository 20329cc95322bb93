import { describe, expect, it } from 'vitest';
import { planSlos } from '../rules/slo-plan.js';
import { buildAnalysisTemplate } from './build-analysis-template.js';

const plans = planSlos({
  version: 'tracseq.slo/v1',
  service: 'sample-service',
  slos: [
    { name: 'requests-availability', objective: 99.9, sli: { preset: 'http-availability' } },
    { name: 'raw-ratio', objective: 99, sli: { raw: { errorRatioQuery: 'avg(rate(errors[{{.window}}]))' } } },
    {
      name: 'lifecycle',
      objective: 98,
      sli: {
        composite: {
          mode: 'serial',
          components: [{ slo: 'sample-service/requests-availability' }, { slo: 'sample-service/raw-ratio' }],
        },
      },
    },
  ],
});

describe('buildAnalysisTemplate', () => {
  it('measures event-count SLIs, names a skipped raw SLI, and leaves a journey to its components silently', () => {
    const analysis = buildAnalysisTemplate('sample-service', plans);
    if (analysis.template === undefined) throw new Error('no template');
    const metrics = (analysis.template.spec as { metrics: { name: string }[] }).metrics;
    expect(metrics.map((m) => m.name)).toEqual(['requests-availability']);
    expect(analysis.skipped.map((s) => s.slo)).toEqual(['raw-ratio']);
  });
});
