import { describe, expect, it } from 'vitest';
import { planSlos } from '../rules/slo-plan.js';
import { checkPromql } from '../sli/check-promql.js';
import { buildReportQueries, buildTimelineQueries } from './query-plan.js';
import { parseReportFlags } from './report-options.js';

const PLANS = planSlos({
  version: 'tracseq.slo/v1',
  service: 'svc',
  slos: [
    { name: 'avail', objective: 99.9, sli: { preset: 'http-availability', selector: { http_route: '/a' } } },
    { name: 'raw', objective: 99, sli: { raw: { errorRatioQuery: 'avg(rate(errors[{{.window}}]))' } } },
  ],
});

describe('buildReportQueries', () => {
  it("composes a journey's error ratio from its components' own queries, by its mode", () => {
    const plans = planSlos({
      version: 'tracseq.slo/v1',
      service: 'svc',
      slos: [
        ...(PLANS.map((p) => p.spec) as never[]),
        {
          name: 'journey',
          objective: 97,
          sli: {
            composite: {
              mode: 'weighted',
              components: [
                { slo: 'svc/avail', weight: 3 },
                { slo: 'svc/raw', weight: 1 },
              ],
            },
          },
        },
      ],
    });
    const journey = plans[2] as (typeof plans)[0];
    const q = buildReportQueries(journey, { periodSeconds: 7 * 86_400, stepSeconds: 60, plans });
    const avail = buildReportQueries(plans[0] as (typeof plans)[0], {
      periodSeconds: 7 * 86_400,
      stepSeconds: 60,
    });
    expect(q.errorRatio).toBe(
      `(3 * max by (cluster, namespace, lab) (${avail.errorRatio}) + 1 * max by (cluster, namespace, lab) (avg(rate(errors[7d])))) / 4`,
    );
    for (const query of Object.values(q)) expect(checkPromql(query)).toBeUndefined();
    expect(() => buildReportQueries(journey, { periodSeconds: 86_400, stepSeconds: 60 })).toThrow(
      'composite svc-journey: component svc/avail is not among the SLOs given',
    );
    // The HTML report's timeline draws a journey from the same composed ratio, per bucket.
    const timeline = buildTimelineQueries(journey, 7 * 86_400, plans);
    expect(timeline).toEqual({ kind: 'raw', errorRatio: q.errorRatio });
    if (timeline.kind === 'raw') expect(checkPromql(timeline.errorRatio)).toBeUndefined();
  });

  it("uses the SLI's own queries with the period as window", () => {
    const q = buildReportQueries(PLANS[0] as (typeof PLANS)[0], {
      periodSeconds: 30 * 86_400,
      stepSeconds: 60,
    });
    const errors =
      'sum(rate(http_server_request_duration_seconds_count{service="svc",http_route="/a",http_response_status_code=~"5.."}[30d]))';
    const total = 'sum(rate(http_server_request_duration_seconds_count{service="svc",http_route="/a"}[30d]))';
    // Single-series SLIs evaluate the total once (see errorRatioExpr).
    const ratio = (e: string, t: string) => `((${e}) or on() vector(0))\n/\nclamp_min(${t}, 1e-300)`;
    expect(q.errorRatio).toBe(ratio(errors, total));
    const hour = (text: string) => text.replace('[30d]', '[1h]');
    expect(q.worstErrorRatio).toBe(`max_over_time((${ratio(hour(errors), hour(total))})[30d:5m])`);
    expect(q.pageAlerts).toBe(
      'last_over_time(ALERTS{alertname="SloErrorBudgetBurn",alertstate="firing",severity="critical",service="svc",slo="avail"}[59999ms])',
    );
    for (const query of Object.values(q)) expect(checkPromql(query)).toBeUndefined();
  });

  it('substitutes the window of a raw SLI', () => {
    const q = buildReportQueries(PLANS[1] as (typeof PLANS)[0], {
      periodSeconds: 7 * 86_400,
      stepSeconds: 15,
    });
    expect(q.errorRatio).toBe('avg(rate(errors[7d]))');
    expect(q.worstErrorRatio).toBe('max_over_time((avg(rate(errors[1h])))[7d:5m])');
    expect(q.pageAlerts).toContain('[14999ms]');
  });
});

describe('buildTimelineQueries', () => {
  it("sums the SLI's error and total queries over one bucket, or takes a raw SLI's ratio", () => {
    const events = buildTimelineQueries(PLANS[0] as (typeof PLANS)[0], 6 * 3600);
    expect(events).toEqual({
      kind: 'events',
      bad: 'sum(sum(rate(http_server_request_duration_seconds_count{service="svc",http_route="/a",http_response_status_code=~"5.."}[6h])))',
      total: 'sum(sum(rate(http_server_request_duration_seconds_count{service="svc",http_route="/a"}[6h])))',
    });
    expect(buildTimelineQueries(PLANS[1] as (typeof PLANS)[0], 3723)).toEqual({
      kind: 'raw',
      errorRatio: 'avg(rate(errors[1h2m3s]))',
    });
    if (events.kind === 'events')
      for (const q of [events.bad, events.total]) expect(checkPromql(q)).toBeUndefined();
  });
});

describe('parseReportFlags', () => {
  it('applies defaults', () => {
    expect(parseReportFlags({ prometheus: 'http://p:9090' }, 1000)).toEqual({
      prometheusUrl: 'http://p:9090',
      format: 'markdown',
      at: 1000,
      stepSeconds: 60,
      recoveryTargetSeconds: 300,
    });
    expect(
      parseReportFlags(
        { prometheus: 'http://p', at: '2025-01-31T00:00:00Z', period: '7d', format: 'json', step: '30s' },
        0,
      ),
    ).toMatchObject({ at: 1_738_281_600, periodSeconds: 604_800, format: 'json', stepSeconds: 30 });
  });

  it('turns --calendar into the period and --format html into a timeline', () => {
    const now = Date.parse('2026-12-02T10:45:00Z') / 1000;
    expect(
      parseReportFlags({ prometheus: 'http://p', calendar: 'month', format: 'html' }, now),
    ).toMatchObject({
      at: now,
      periodSeconds: 34 * 3600 + 45 * 60, // 2026-12-01T00:00Z to 2026-12-02T10:45Z
      calendarMonth: '2026-12',
      format: 'html',
      timeline: true,
    });
    expect(
      parseReportFlags({ prometheus: 'http://p', calendar: '2026-11', output: 'r.html' }, now),
    ).toMatchObject({
      at: Date.parse('2026-12-01T00:00:00Z') / 1000,
      periodSeconds: 30 * 86_400,
      calendarMonth: '2026-11',
      output: 'r.html',
    });
    // The first seconds of a month are shorter than the alert step.
    expect(() =>
      parseReportFlags(
        { prometheus: 'http://p', calendar: 'month' },
        Date.parse('2026-12-01T00:00:30Z') / 1000,
      ),
    ).toThrow(
      '--calendar month: 2026-12 so far is shorter than --step 1m; report the previous month instead',
    );
  });

  it.each([
    [{}, '--prometheus URL is required'],
    [{ prometheus: 'localhost:9090' }, 'must be an http:// or https:// URL'],
    [{ prometheus: 'http://p', format: 'pdf' }, '--format: "pdf" is not one of markdown, json, html'],
    [
      { prometheus: 'http://p', calendar: 'june' },
      '--calendar: "june" is neither "month" nor a month as YYYY-MM',
    ],
    [
      { prometheus: 'http://p', calendar: 'month', period: '7d' },
      '--calendar and --period exclude each other',
    ],
    [{ prometheus: 'http://p', output: ' ' }, '--output: give a file name'],
    [{ prometheus: 'http://p', at: 'yesterday' }, '--at: "yesterday" is not an RFC 3339 time'],
    [{ prometheus: 'http://p', period: '4w' }, '--period: "4w" is not a duration'],
    [{ prometheus: 'http://p', 'recovery-target': '0s' }, '--recovery-target'],
  ])('refuses %j', (flags, message) => {
    expect(() => parseReportFlags(flags, 0)).toThrow(message);
  });
});
