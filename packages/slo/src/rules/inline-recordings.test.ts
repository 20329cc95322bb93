import type { RuleGroup } from '@tracseq/contract';
import { describe, expect, it } from 'vitest';
import { buildSloGroup, idSelector } from './build-rules.js';
import { inlineRecordings } from './inline-recordings.js';
import { DEFAULT_RULE_OPTIONS } from './options.js';
import { planSlos } from './slo-plan.js';

const [plan] = planSlos({
  version: 'tracseq.slo/v1',
  service: 'sample-service',
  slos: [{ name: 'requests-availability', objective: 99.9, sli: { preset: 'http-availability' } }],
});
if (plan === undefined) throw new Error('no plan');
const group = buildSloGroup(plan, DEFAULT_RULE_OPTIONS);
const selector = idSelector(plan);

describe('inlineRecordings', () => {
  it('leaves no recorded series of the group in any burn alert', () => {
    const burn = group.rules.filter((r) => 'alert' in r && r.alert === 'SloErrorBudgetBurn');
    expect(burn).toHaveLength(4);
    for (const rule of burn) {
      const inlined = inlineRecordings(group, rule.expr, selector);
      expect(inlined).not.toContain('slo:');
      expect(inlined).not.toContain('slo_id=');
      expect(inlined).toContain('http_server_request_duration_seconds_count');
    }
  });

  it('replaces each reference by its recording expression, recursively', () => {
    const tiny: RuleGroup = {
      name: 'g',
      rules: [
        { record: 'a:ratio', expr: 'b:rate{slo_id="x"} / 2', labels: {} },
        { record: 'b:rate', expr: 'sum(rate(m[5m]))', labels: {} },
      ],
    };
    expect(inlineRecordings(tiny, 'a:ratio{slo_id="x"} > 1', '{slo_id="x"}')).toBe(
      '((sum(rate(m[5m]))) / 2) > 1',
    );
    // Other SLOs' series and unknown names stay.
    expect(inlineRecordings(tiny, 'a:ratio{slo_id="y"} + c{slo_id="x"}', '{slo_id="x"}')).toBe(
      'a:ratio{slo_id="y"} + c{slo_id="x"}',
    );
  });

  it('refuses a recording read over a range, which would need a subquery', () => {
    const period = group.rules.find((r) => 'record' in r && r.record === 'slo:sli_error:ratio_rate30d');
    expect(() => inlineRecordings(group, period?.expr ?? '', selector)).toThrow(/is read over a range/);
  });
});
