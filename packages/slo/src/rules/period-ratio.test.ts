import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { renderYaml } from '@tracseq/contract';
import { promtoolTestRules } from '@tracseq/testkit';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { SloSpecFile } from '../spec/types.js';
import { buildRules } from './build-rules.js';

// A 1-day SLO keeps a full period inside promtool's per-series sample limit at 1m resolution.
const SPEC: SloSpecFile = {
  version: 'tracseq.slo/v1',
  service: 'sample-service',
  slos: [{ name: 'availability', objective: 99.9, period: '1d', sli: { preset: 'http-availability' } }],
};

const OK =
  'http_server_request_duration_seconds_count{service="sample-service",http_response_status_code="200"}';
const BAD =
  'http_server_request_duration_seconds_count{service="sample-service",http_response_status_code="500"}';

interface Segment {
  minutes: number;
  okPerMinute: number;
  badPerMinute: number;
}

/** promtool series values for consecutive segments of constant per-minute increments. */
function values(segments: readonly Segment[], pick: (s: Segment) => number): string {
  let value = 0;
  const parts = [`0+${pick(segments[0] as Segment)}x${(segments[0] as Segment).minutes}`];
  value = pick(segments[0] as Segment) * (segments[0] as Segment).minutes;
  for (const s of segments.slice(1)) {
    parts.push(`${value + pick(s)}+${pick(s)}x${s.minutes - 1}`);
    value += pick(s) * s.minutes;
  }
  return parts.join(' ');
}

async function runPromtoolTest(segments: readonly Segment[], checks: { expr: string; value: number }[]) {
  const dir = mkdtempSync(join(tmpdir(), 'tracseq-period-'));
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'rules.yml'), renderYaml(buildRules(SPEC)));
  const minutes = segments.reduce((n, s) => n + s.minutes, 0);
  writeFileSync(
    join(dir, 'test.yml'),
    renderYaml({
      rule_files: ['rules.yml'],
      evaluation_interval: '1m',
      tests: [
        {
          interval: '1m',
          input_series: [
            { series: OK, values: values(segments, (s) => s.okPerMinute) },
            { series: BAD, values: values(segments, (s) => s.badPerMinute) },
          ],
          promql_expr_test: checks.map((c) => ({
            expr: c.expr,
            eval_time: `${minutes}m`,
            exp_samples: [{ labels: '{}', value: c.value }],
          })),
        },
      ],
    }),
  );
  return promtoolTestRules(['test.yml'], dir);
}

describe('period error ratio', () => {
  it('is traffic-weighted under bursty traffic, unlike a mean of 5-minute ratios', async () => {
    // Two quiet hours with half the requests failing, then busy hours with no errors.
    const night: Segment = { minutes: 60, okPerMinute: 5, badPerMinute: 5 };
    const day: Segment = { minutes: 660, okPerMinute: 1000, badPerMinute: 0 };
    const segments = [night, day, night, day];
    const bad = 2 * 60 * 5;
    const total = 2 * 60 * 10 + 2 * 660 * 1000;
    const trueRatio = bad / total;
    const sel = '{slo_id="sample-service-availability"}';
    const result = await runPromtoolTest(segments, [
      // Within 5 % of the true ratio of bad to all requests over the day...
      {
        expr: `sum(abs(slo:sli_error:ratio_rate1d${sel} - ${trueRatio}) < bool ${trueRatio * 0.05})`,
        value: 1,
      },
      // ...while the mean of 5-minute ratios (Sloth's period ratio) is over 50x larger.
      {
        expr: `sum(avg_over_time(slo:sli_error:ratio_rate5m${sel}[1d]) / ignoring (slo_window) slo:sli_error:ratio_rate1d${sel} > bool 50)`,
        value: 1,
      },
      // The budget series follow the traffic-weighted ratio.
      {
        expr: `sum(abs(slo:period_burn_rate:ratio${sel} - ${trueRatio / 0.001}) < bool ${(trueRatio / 0.001) * 0.05})`,
        value: 1,
      },
    ]);
    expect(result.stdout + result.stderr).toContain('SUCCESS');
  });

  it('is 0, not NaN, with a full budget after a day without traffic', async () => {
    const sel = '{slo_id="sample-service-availability"}';
    const result = await runPromtoolTest(
      [{ minutes: 1440, okPerMinute: 0, badPerMinute: 0 }],
      [
        { expr: `sum(slo:sli_error:ratio_rate1d${sel})`, value: 0 },
        { expr: `sum(slo:period_error_budget_remaining:ratio${sel})`, value: 1 },
        { expr: `sum(slo:current_burn_rate:ratio${sel})`, value: 0 },
        { expr: 'count(ALERTS{alertname="SloErrorBudgetBurn"}) or vector(0)', value: 0 },
      ],
    );
    expect(result.stdout + result.stderr).toContain('SUCCESS');
  });
});
