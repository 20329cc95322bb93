import { describe, expect, it } from 'vitest';
import { planSlos } from '../rules/slo-plan.js';
import { renderReportJson, renderReportMarkdown, spellSeconds } from './render-report.js';
import { buildSloReport, clean, isoTime } from './report-model.js';

const [PLAN] = planSlos({
  version: 'tracseq.slo/v1',
  service: 'svc',
  slos: [{ name: 'availability', objective: 99.9, sli: { preset: 'http-availability' } }],
});
if (!PLAN) throw new Error('no plan');

const DAY = 86_400;
const TO = 1_735_689_600; // 2025-01-01T00:00:00Z
const WINDOW = { to: TO, periodSeconds: 30 * DAY, period: '30d', recoveryTargetSeconds: 300 };

describe('buildSloReport', () => {
  it('computes SLI, budget and burn from the objective', () => {
    const report = buildSloReport(PLAN, { errorRatio: 0.0004, worstErrorRatio: 0.05, incidents: [] }, WINDOW);
    expect(report.achievedSli).toBe(0.9996);
    expect(report.errorRatio).toBe(0.0004);
    expect(report.budgetRemaining).toBe(0.6);
    expect(report.worstBurn).toBe(50);
    expect(report.pageIncidents).toBe(0);
    expect(report.mtbfSeconds).toBeNull();
    expect(report.recoveryTargetMet).toBe(true);
    expect(report.from).toBe('2024-12-02T00:00:00Z');
    expect(report.to).toBe('2025-01-01T00:00:00Z');
  });

  it('lets the budget go negative when overspent and reports no data as null', () => {
    expect(
      buildSloReport(PLAN, { errorRatio: 0.003, worstErrorRatio: 1, incidents: [] }, WINDOW),
    ).toMatchObject({ budgetRemaining: -2, worstBurn: 1000 });
    expect(
      buildSloReport(PLAN, { errorRatio: undefined, worstErrorRatio: undefined, incidents: [] }, WINDOW),
    ).toMatchObject({ achievedSli: null, errorRatio: null, budgetRemaining: null, worstBurn: null });
  });

  it('measures recovery, MTBF and the recovery target', () => {
    const start = TO - 10 * DAY;
    const report = buildSloReport(
      PLAN,
      {
        errorRatio: 0,
        worstErrorRatio: 0,
        incidents: [
          { start, resolved: start + 240, startedBeforePeriod: false, alerts: ['1h/5m'] },
          { start: start + DAY, resolved: start + DAY + 420, startedBeforePeriod: false, alerts: ['1h/5m'] },
          { start: TO - 120, resolved: undefined, startedBeforePeriod: false, alerts: ['6h/30m'] },
        ],
      },
      WINDOW,
    );
    expect(
      report.incidents.map((i) => [i.recoverySeconds, i.durationSeconds, i.withinRecoveryTarget]),
    ).toEqual([
      [240, 240, true],
      [420, 420, false],
      [null, 120, null],
    ]);
    expect(report.incidentSeconds).toBe(780);
    expect(report.mtbfSeconds).toBe((30 * DAY - 780) / 3);
    expect(report.maxRecoverySeconds).toBe(420);
    expect(report.openIncidents).toBe(1);
    expect(report.recoveryTargetMet).toBe(false);
    expect(report.incidents[2]).toMatchObject({ resolved: null, open: true });
  });

  it('fails the target for an open incident that already lasted longer', () => {
    const report = buildSloReport(
      PLAN,
      {
        errorRatio: 0,
        worstErrorRatio: 0,
        incidents: [{ start: TO - 600, resolved: undefined, startedBeforePeriod: false, alerts: [] }],
      },
      WINDOW,
    );
    expect(report.recoveryTargetMet).toBe(false);
    expect(report.incidents[0]?.withinRecoveryTarget).toBe(false);
  });
});

describe('helpers and renderers', () => {
  it('rounds away float noise and spells times', () => {
    expect(clean(1 - 0.999)).toBe(0.001);
    expect(clean(Number.NaN)).toBeNull();
    expect(isoTime(TO + 0.5)).toBe('2025-01-01T00:00:00.500Z');
    expect(spellSeconds(0)).toBe('0s');
    expect(spellSeconds(863_400)).toBe('9d23h50m');
  });

  it('renders markdown and JSON with stable keys', () => {
    const slo = buildSloReport(
      PLAN,
      {
        errorRatio: 0.00045,
        worstErrorRatio: 0.05,
        incidents: [
          { start: TO - DAY, resolved: TO - DAY + 180, startedBeforePeriod: false, alerts: ['1h/5m'] },
        ],
      },
      WINDOW,
    );
    const report = { at: isoTime(TO), recoveryTargetSeconds: 300, stepSeconds: 60, slos: [slo] };
    const markdown = renderReportMarkdown(report);
    expect(markdown).toContain(
      '| svc | availability | 99.9% | 30d | 99.955% | 55% | 50x | 1 | met (longest 3m) | 29d23h57m |',
    );
    expect(markdown).toContain(
      '- 2024-12-31T00:00:00Z → 2024-12-31T00:03:00Z: recovered in 3m, within the 5m target (1h/5m)',
    );
    const json = JSON.parse(renderReportJson(report));
    expect(Object.keys(json)).toEqual(['ok', 'errors', 'report']);
    expect(Object.keys(json.report.slos[0])).toEqual([
      'service',
      'slo',
      'objective',
      'period',
      'from',
      'to',
      'achievedSli',
      'errorRatio',
      'budgetRemaining',
      'worstBurn',
      'pageIncidents',
      'openIncidents',
      'incidentSeconds',
      'mtbfSeconds',
      'maxRecoverySeconds',
      'recoveryTargetMet',
      'incidents',
    ]);
  });
});
