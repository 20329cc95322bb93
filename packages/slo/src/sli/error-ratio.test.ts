import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderYaml } from '@tracseq/contract';
import { makeTempDir, promtoolTestRules } from '@tracseq/testkit';
import { describe, expect, it } from 'vitest';
import { errorRatioExpr, isSingleSeriesQuery } from './error-ratio.js';

describe('isSingleSeriesQuery', () => {
  it.each([
    ['sum(rate(x[{{.window}}]))', true],
    ['(sum(rate(a[5m])))', true],
    ['sum(rate(a[5m])) - sum(rate(b[5m]))', true],
    ['sum(rate(a[5m])) * 2', true],
    ['sum by (x) (rate(a[5m]))', false],
    ['sum without (a) (rate(a[5m]))', false],
    ['rate(a[5m])', false],
    ['topk(1, a)', false],
    ['sum(rate(a[5m])) / on() sum(rate(b[5m]))', true],
    ['sum(rate(a[5m]', false],
    ['sum_over_time((count(u < 0.75))[{{.window}}:]) OR on() vector(0)', true],
    ['sum_over_time((count(u))[5m:])', true],
    ['label_replace(sum(x), "a", "b", "c", "d")', false],
    ['sum(a) + on(x) sum(b)', false],
    ['sum(a) * on() group_left sum(b)', false],
    ['rate(sum(a)[5m:])', true],
  ])('%s → %s', (query, expected) => {
    expect(isSingleSeriesQuery(query)).toBe(expected);
  });
});

describe('errorRatioExpr', () => {
  it('both forms read 0 without traffic or error series, the ratio otherwise, nothing without a total', async () => {
    const errors = 'sum(rate(errors_total[5m]))';
    const total = 'sum(rate(requests_total[5m]))';
    const dir = makeTempDir('error-ratio');
    const rules = join(dir.path, 'rules.yml');
    writeFileSync(
      rules,
      renderYaml({
        groups: [
          {
            name: 'ratios',
            rules: [
              { record: 'single', expr: errorRatioExpr(errors, total, true) },
              { record: 'labelled', expr: errorRatioExpr(errors, total, false) },
            ],
          },
        ],
      }),
    );
    const at = (expr: string, time: string, value: number | undefined) => ({
      expr,
      eval_time: time,
      exp_samples: value === undefined ? [] : [{ labels: expr, value }],
    });
    const expectations = (time: string, value: number | undefined) => [
      at('single', time, value),
      at('labelled', time, value),
    ];
    writeFileSync(
      join(dir.path, 'test.yml'),
      renderYaml({
        rule_files: ['rules.yml'],
        evaluation_interval: '1m',
        tests: [
          {
            name: 'flat counters, then traffic without errors, then 1 % errors',
            interval: '1m',
            input_series: [
              { series: 'requests_total', values: '0x10 0+100x10 1000+100x10' },
              { series: 'errors_total', values: '_x21 0+1x10' },
            ],
            promql_expr_test: [
              ...expectations('10m', 0),
              ...expectations('20m', 0),
              ...expectations('31m', 0.01),
            ],
          },
          {
            name: 'no total series at all',
            interval: '1m',
            input_series: [{ series: 'unrelated', values: '0x10' }],
            promql_expr_test: expectations('10m', undefined),
          },
        ],
      }),
    );
    const result = await promtoolTestRules(['test.yml'], dir.path);
    expect(result.ok, result.stdout + result.stderr).toBe(true);
    dir.remove();
  });
});
