import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AlertingRule, RecordingRule } from '@tracseq/contract';
import { METRICS, renderYaml } from '@tracseq/contract';
import { promtoolCheckRules } from '@tracseq/testkit';
import { describe, expect, it, onTestFinished } from 'vitest';
import type { SloSpecFile } from '../spec/types.js';
import { buildRules } from './build-rules.js';

const SPEC: SloSpecFile = {
  version: 'tracseq.slo/v1',
  service: 'sample-service',
  labels: { team: 'lab-platform' },
  slos: [
    {
      name: 'requests-availability',
      objective: 99.9,
      sli: { preset: 'http-availability', selector: { http_route: '/api/samples' } },
      alerting: { runbookUrl: 'https://runbooks.example/slo/a', page: { labels: { routing_key: 'lab' } } },
    },
    {
      name: 'requests-latency',
      objective: 95,
      period: '7d',
      sli: { preset: 'http-latency', thresholdSeconds: 1 },
    },
  ],
};

const rulesOf = (name: string) => {
  const group = buildRules(SPEC).groups.find((g) => g.name === `tracseq-slo-sample-service-${name}`);
  if (!group) throw new Error(`no group for ${name}`);
  return group.rules;
};

describe('buildRules', () => {
  it('adds SloErrorBudgetLow only to an SLO with a policy, as a ticket on the recorded budget', () => {
    const alertsOf = (file: SloSpecFile) =>
      buildRules(file).groups.flatMap((g) => g.rules.filter((r): r is AlertingRule => 'alert' in r));
    expect(alertsOf(SPEC).map((r) => r.alert)).not.toContain('SloErrorBudgetLow');
    const withPolicy: SloSpecFile = {
      ...SPEC,
      slos: [{ ...(SPEC.slos[0] as SloSpecFile['slos'][number]), policy: { minBudgetLeft: 12.5 } }],
    };
    const low = alertsOf(withPolicy).filter((r) => r.alert === 'SloErrorBudgetLow');
    expect(low).toHaveLength(1);
    expect(low[0]).toMatchObject({
      expr: 'slo:period_error_budget_remaining:ratio{slo_id="sample-service-requests-availability"} < 0.125',
      labels: {
        service: 'sample-service',
        slo: 'requests-availability',
        severity: 'warning',
        team: 'lab-platform',
      },
      annotations: { runbook_url: 'https://runbooks.example/slo/a#error-budget-low' },
    });
    expect(low[0]?.for).toBeUndefined();
  });

  it('records every window, the period and the meta series with slo_* labels', () => {
    const recordings = rulesOf('requests-availability').filter((r): r is RecordingRule => 'record' in r);
    const windows = recordings
      .filter((r) => r.record.startsWith('slo:sli_error:ratio_rate'))
      .map((r) => r.labels.slo_window);
    expect(windows).toEqual(['5m', '30m', '1h', '2h', '6h', '1d', '3d', '30d']);
    expect(recordings.map((r) => r.record)).toEqual(
      expect.arrayContaining([
        'slo:objective:ratio',
        'slo:error_budget:ratio',
        'slo:time_period:days',
        'slo:current_burn_rate:ratio',
        'slo:period_burn_rate:ratio',
        'slo:period_error_budget_remaining:ratio',
      ]),
    );
    for (const rule of recordings) {
      expect(rule.labels).toMatchObject({
        slo_id: 'sample-service-requests-availability',
        slo_service: 'sample-service',
        slo_name: 'requests-availability',
        team: 'lab-platform',
      });
    }
    expect(recordings.find((r) => r.record === 'slo:error_budget:ratio')?.expr).toBe('vector(0.001)');
  });

  it('reads names from the contract and adds the selector to the preset matchers', () => {
    const ratio = rulesOf('requests-availability').find(
      (r): r is RecordingRule => 'record' in r && r.record === 'slo:sli_error:ratio_rate1h',
    );
    expect(ratio?.expr).toContain(
      `${METRICS.httpServerRequestDuration.name}_count{service="sample-service",http_route="/api/samples",http_response_status_code=~"5.."}[1h]`,
    );
  });

  it('computes the period ratio as a ratio of sums, not a mean of ratios', () => {
    const period = rulesOf('requests-availability').find(
      (r): r is RecordingRule => 'record' in r && r.record === 'slo:sli_error:ratio_rate30d',
    );
    expect(period?.expr).toContain('sum_over_time(slo:sli_errors:rate5m');
    expect(period?.expr).not.toContain('avg_over_time');
  });

  it('emits one SloErrorBudgetBurn per window pair with the alert contract labels and annotations', () => {
    const alerts = rulesOf('requests-availability').filter(
      (r): r is AlertingRule => 'alert' in r && r.alert === 'SloErrorBudgetBurn',
    );
    expect(
      alerts.map((a) => `${a.labels.severity} ${a.labels.long_window}/${a.labels.short_window}`),
    ).toEqual(['critical 1h/5m', 'critical 6h/30m', 'warning 1d/2h', 'warning 3d/6h']);
    for (const alert of alerts) {
      expect(alert.labels).toMatchObject({
        slo: 'requests-availability',
        service: 'sample-service',
        team: 'lab-platform',
      });
      expect(Object.keys(alert.annotations).sort()).toEqual([
        'dashboard_url',
        'description',
        'runbook_url',
        'summary',
      ]);
      expect(alert.annotations.dashboard_url).toBe(
        'http://localhost:3000/d/tracseq-slo-overview?var-service=sample-service&var-slo=requests-availability',
      );
      expect(alert.annotations.description).toContain('$value');
      expect(alert.annotations.description).toContain('slo:period_error_budget_remaining:ratio');
      expect(alert.for).toBeUndefined();
    }
    expect(alerts[0]?.labels.routing_key).toBe('lab');
    expect(alerts[2]?.labels.routing_key).toBeUndefined();
    expect(alerts[0]?.expr).toContain(
      'slo:sli_error:ratio_rate1h{slo_id="sample-service-requests-availability"} > 0.0144',
    );
    expect(alerts[0]?.expr).toContain(
      'slo:sli_error:ratio_rate5m{slo_id="sample-service-requests-availability"} > 0.0144',
    );
  });

  it('watches the SLI total with SloMetricAbsent', () => {
    const absent = rulesOf('requests-availability').find(
      (r): r is AlertingRule => 'alert' in r && r.alert === 'SloMetricAbsent',
    );
    expect(absent).toMatchObject({
      expr: 'absent(slo:sli_total:rate5m{slo_id="sample-service-requests-availability"})',
      for: '10m',
      labels: { slo: 'requests-availability', severity: 'warning', service: 'sample-service' },
    });
  });

  it('matches both spellings of a whole-number latency bucket and uses the 7d shares', () => {
    const rules = rulesOf('requests-latency');
    const ratio = rules.find(
      (r): r is RecordingRule => 'record' in r && r.record === 'slo:sli_error:ratio_rate6h',
    );
    expect(ratio?.expr).toContain('le=~"1|1\\\\.0"');
    const page = rules.find((r): r is AlertingRule => 'alert' in r && r.labels.long_window === '6h');
    expect(page?.expr).toContain('> 0.175');
  });

  it('is deterministic and passes promtool check rules', async () => {
    const text = renderYaml(buildRules(SPEC), 'test');
    expect(renderYaml(buildRules(SPEC), 'test')).toBe(text);
    expect(text.endsWith('\n')).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), 'tracseq-rules-'));
    onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
    const file = join(dir, 'rules.yml');
    writeFileSync(file, text);
    const result = await promtoolCheckRules([file]);
    expect(result.stdout + result.stderr).toContain('SUCCESS');
    expect(result.ok).toBe(true);
  });
});
