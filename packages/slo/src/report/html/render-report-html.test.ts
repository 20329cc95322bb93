import { describe, expect, it } from 'vitest';
import { reportTitle } from '../render-report.js';
import type { Report, SloReport } from '../report-model.js';
import { renderReportHtml } from './render-report-html.js';

const HOUR = 3600;
const FROM = Date.UTC(2026, 10, 1) / 1000; // 2026-11-01T00:00:00Z
const iso = (t: number) => new Date(t * 1000).toISOString().replace('.000Z', 'Z');

function slo(name: string, overrides: Partial<SloReport> = {}): SloReport {
  // Ten 1h buckets: 1 % of the budget per bucket, 5 % in bucket 4.
  const points = Array.from({ length: 10 }, (_, i) => ({
    time: iso(FROM + (i + 1) * HOUR),
    errorRatio: i === 3 ? 0.00005 : 0.00001,
    budgetRemaining: 1 - (i + 1) * 0.01 - (i >= 3 ? 0.04 : 0),
  }));
  return {
    service: 'sample-service',
    slo: name,
    objective: 0.999,
    period: '10h',
    from: iso(FROM),
    to: iso(FROM + 10 * HOUR),
    achievedSli: 0.99986,
    errorRatio: 0.00014,
    budgetRemaining: 0.86,
    worstBurn: 0.05,
    pageIncidents: 2,
    openIncidents: 1,
    incidentSeconds: 900,
    mtbfSeconds: 17_550,
    maxRecoverySeconds: 240,
    recoveryTargetMet: false,
    incidents: [
      {
        start: iso(FROM + 2 * HOUR),
        resolved: iso(FROM + 2 * HOUR + 240),
        open: false,
        recoverySeconds: 240,
        durationSeconds: 240,
        withinRecoveryTarget: true,
        startedBeforePeriod: false,
        alerts: ['1h/5m'],
      },
      {
        start: iso(FROM + 10 * HOUR - 660),
        resolved: null,
        open: true,
        recoverySeconds: null,
        durationSeconds: 660,
        withinRecoveryTarget: false,
        startedBeforePeriod: false,
        alerts: ['6h/30m'],
      },
    ],
    timeline: { bucketSeconds: HOUR, points },
    ...overrides,
  };
}

const REPORT: Report = {
  at: iso(FROM + 10 * HOUR),
  recoveryTargetSeconds: 300,
  stepSeconds: 60,
  calendarMonth: '2026-11',
  slos: [slo('requests-availability')],
};

const pointsOf = (html: string, chart: string): number[] => {
  const svg = new RegExp(`<svg[^>]*data-chart="${chart}"[\\s\\S]*?</svg>`).exec(html)?.[0] ?? '';
  return [...svg.matchAll(/<polyline class="series" points="([^"]*)"/g)].map(
    (m) => (m[1] ?? '').split(' ').length,
  );
};

describe('renderReportHtml', () => {
  it('is one self-contained page: nothing to fetch, the same bytes for the same report', () => {
    const html = renderReportHtml(REPORT);
    expect(renderReportHtml(structuredClone(REPORT))).toBe(html);
    expect(html.startsWith('<!doctype html>')).toBe(true);
    expect(html).not.toMatch(/(?:src|href|url)\s*[=(]\s*["']?(?:https?:)?\/\//i);
    expect(html).not.toMatch(/<link|<img|@import/i);
    expect(html).toContain(`<title>${reportTitle(REPORT)}</title>`);
    expect(html).toContain('calendar month 2026-11 (UTC)');
  });

  it('draws every chart from its data', () => {
    const html = renderReportHtml(REPORT);
    expect(pointsOf(html, 'burn-down')).toEqual([11]); // the period start at 100 % and 10 buckets
    expect(pointsOf(html, 'sli')).toEqual([10]);
    expect(html.match(/<rect class="incident[^"]*"/g)).toHaveLength(2);
    expect(html.match(/<rect class="incident over-target"/g)).toHaveLength(1);
    expect(html.match(/<rect class="bar[^"]*"/g)).toHaveLength(2);
    // Bucket 4 (SLI 99.995 %) is above the 99.9 % objective: no breach marker.
    expect(html).not.toContain('class="breach"');
    expect(html).toContain('data-figure="MTBF">4h52m30s<');
    expect(html).toContain('data-figure="time to recover &lt; 5m">not met (longest 11m)<');
  });

  it('marks buckets below the objective, breaks lines at gaps and scales below zero', () => {
    const base = slo('x');
    const points = (base.timeline?.points ?? []).map((p, i) => ({
      ...p,
      errorRatio: i === 5 ? null : i === 7 ? 0.01 : p.errorRatio,
      budgetRemaining: i === 5 ? null : i >= 7 ? -1.5 : p.budgetRemaining,
    }));
    const html = renderReportHtml({
      ...REPORT,
      slos: [{ ...base, timeline: { bucketSeconds: HOUR, points } }],
    });
    expect(pointsOf(html, 'burn-down')).toEqual([6, 4]);
    expect(pointsOf(html, 'sli')).toEqual([5, 4]);
    expect(html.match(/class="breach"/g)).toHaveLength(1);
    expect(html).toContain('>-200%</text>');
  });

  it('says so when an SLO has no data or no incidents', () => {
    const html = renderReportHtml({
      ...REPORT,
      slos: [
        slo('idle', {
          achievedSli: null,
          budgetRemaining: null,
          incidents: [],
          pageIncidents: 0,
          openIncidents: 0,
          mtbfSeconds: null,
          maxRecoverySeconds: null,
          recoveryTargetMet: true,
          timeline: {
            bucketSeconds: HOUR,
            points: [{ time: iso(FROM + HOUR), errorRatio: null, budgetRemaining: null }],
          },
        }),
      ],
    });
    expect(pointsOf(html, 'burn-down')).toEqual([]);
    expect(html.match(/<text class="empty"[^>]*>no data</g)).toHaveLength(2);
    expect(html.match(/>no page incidents</g)).toHaveLength(2);
    expect(html).toContain('data-figure="MTBF">n/a<');
  });
});
