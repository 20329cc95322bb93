import { formatNumber } from '@tracseq/contract';
import { spellSeconds } from '../render-report.js';
import type { IncidentReport, SloReport } from '../report-model.js';
import {
  CHART,
  coord,
  durationTicks,
  escapeHtml,
  linearScale,
  niceTicks,
  type PlotArea,
  plotArea,
  pointList,
  runs,
  timeAxis,
  valueAxis,
} from './svg-chart.js';

/** Percent with up to `digits` decimals (`99.95%`). */
export function percentText(ratio: number, digits = 2): string {
  return `${formatNumber(Number((ratio * 100).toFixed(digits)))}%`;
}

const seconds = (iso: string) => Date.parse(iso) / 1000;

/** A chart's hover read-out: `[x in SVG units, text]` per data point, read by the page's script. */
type Tips = [number, string][];

function svg(kind: string, label: string, height: number, body: string, tips: Tips = []): string {
  const tipAttr = tips.length > 0 ? ` data-tips="${escapeHtml(JSON.stringify(tips))}"` : '';
  return (
    `<svg class="chart" data-chart="${kind}" role="img" aria-label="${escapeHtml(label)}" ` +
    `viewBox="0 0 ${CHART.width} ${height}" preserveAspectRatio="xMidYMid meet"${tipAttr}>` +
    `<title>${escapeHtml(label)}</title>${body}</svg>`
  );
}

function emptyChart(kind: string, label: string, message: string): string {
  const area = plotArea();
  return svg(
    kind,
    label,
    CHART.height,
    `<text class="empty" x="${coord((area.x0 + area.x1) / 2)}" y="${coord((area.y0 + area.y1) / 2)}" text-anchor="middle">${escapeHtml(message)}</text>`,
  );
}

function line(area: PlotArea, y: (v: number) => number, value: number, cls: string, text: string): string {
  return (
    `<line class="${cls}" x1="${coord(area.x0)}" y1="${coord(y(value))}" x2="${coord(area.x1)}" y2="${coord(y(value))}"/>` +
    `<text class="${cls}-label" x="${coord(area.x1 - 4)}" y="${coord(y(value) - 5)}" text-anchor="end">${escapeHtml(text)}</text>`
  );
}

/**
 * Budget burn-down: budget left from 100 % at the period start to the period figure at its end,
 * one point per timeline bucket; a line at 0 where the budget is spent.
 */
export function burnDownChart(slo: SloReport): string {
  const label = `${slo.slo}: error budget left over the period`;
  const points = slo.timeline?.points ?? [];
  const data: ([number, number] | null)[] = [
    [seconds(slo.from), 1],
    ...points.map((p) =>
      p.budgetRemaining === null ? null : ([seconds(p.time), p.budgetRemaining] as [number, number]),
    ),
  ];
  if (points.every((p) => p.budgetRemaining === null)) return emptyChart('burn-down', label, 'no data');
  const values = data.flatMap((d) => (d === null ? [] : [d[1]]));
  const ticks = niceTicks(Math.min(0, ...values), 1);
  const lo = ticks[0] as number;
  const area = plotArea();
  const x = linearScale(seconds(slo.from), seconds(slo.to), area.x0, area.x1);
  const y = linearScale(lo, 1, area.y1, area.y0);
  const lines = runs(data).map((run) => {
    const xy = run.map(([t, v]) => [x(t), y(v)] as [number, number]);
    const first = xy[0] as [number, number];
    const last = xy[xy.length - 1] as [number, number];
    const area0 = y(Math.max(lo, 0));
    return (
      `<polygon class="area" points="${pointList([[first[0], area0], ...xy, [last[0], area0]])}"/>` +
      `<polyline class="series" points="${pointList(xy)}"/>`
    );
  });
  const tips: Tips = data.flatMap((d) =>
    d === null
      ? []
      : [[Number(coord(x(d[0]))), `${isoMinute(d[0])}: ${percentText(d[1])} of the budget left`]],
  );
  return svg(
    'burn-down',
    label,
    CHART.height,
    valueAxis(area, y, ticks, (v) => percentText(v, 6)) +
      line(area, y, 0, 'limit', 'budget spent') +
      lines.join('') +
      timeAxis(area, seconds(slo.from), seconds(slo.to)),
    tips,
  );
}

function isoMinute(t: number): string {
  return new Date(t * 1000).toISOString().slice(0, 16).replace('T', ' ');
}

/** The SLI of each timeline bucket (1 − its error ratio) against the objective line. */
export function sliChart(slo: SloReport): string {
  const label = `${slo.slo}: SLI per bucket against the ${percentText(slo.objective, 4)} objective`;
  const points = slo.timeline?.points ?? [];
  const data = points.map((p) =>
    p.errorRatio === null ? null : ([seconds(p.time), 1 - p.errorRatio] as [number, number]),
  );
  if (data.every((d) => d === null)) return emptyChart('sli', label, 'no data');
  const values = data.flatMap((d) => (d === null ? [] : [d[1]]));
  const budget = 1 - slo.objective;
  const ticks = niceTicks(Math.max(0, Math.min(slo.objective - budget, ...values)), 1);
  const lo = ticks[0] as number;
  const area = plotArea();
  const x = linearScale(seconds(slo.from), seconds(slo.to), area.x0, area.x1);
  const y = linearScale(lo, 1, area.y1, area.y0);
  const series = runs(data)
    .map(
      (run) =>
        `<polyline class="series" points="${pointList(run.map(([t, v]) => [x(t), y(v)] as [number, number]))}"/>`,
    )
    .join('');
  const below = data
    .flatMap((d) => (d !== null && d[1] < slo.objective ? [d] : []))
    .map(([t, v]) => `<circle class="breach" cx="${coord(x(t))}" cy="${coord(y(v))}" r="2.5"/>`)
    .join('');
  const tips: Tips = data.flatMap((d) =>
    d === null
      ? []
      : [[Number(coord(x(d[0]))), `bucket ending ${isoMinute(d[0])}: SLI ${percentText(d[1], 4)}`]],
  );
  return svg(
    'sli',
    label,
    CHART.height,
    valueAxis(area, y, ticks, (v) => percentText(v, 6)) +
      line(area, y, slo.objective, 'objective', `objective ${percentText(slo.objective, 4)}`) +
      series +
      below +
      timeAxis(area, seconds(slo.from), seconds(slo.to)),
    tips,
  );
}

function incidentText(incident: IncidentReport, target: string): string {
  const start = isoMinute(seconds(incident.start));
  if (incident.resolved === null)
    return `${start} → still firing, open for ${spellSeconds(incident.durationSeconds)} (${incident.alerts.join(', ')})`;
  return `${start} → ${isoMinute(seconds(incident.resolved))}: recovered in ${spellSeconds(incident.recoverySeconds ?? 0)}, ${incident.withinRecoveryTarget ? 'within' : 'over'} the ${target} target (${incident.alerts.join(', ')})`;
}

/** Page incidents on the period's timeline, red when over the recovery target. */
export function incidentTimeline(slo: SloReport, recoveryTargetSeconds: number): string {
  const height = 84;
  const target = spellSeconds(recoveryTargetSeconds);
  const label = `${slo.slo}: ${slo.pageIncidents} page incident${slo.pageIncidents === 1 ? '' : 's'} in the period`;
  const area = plotArea(height);
  const from = seconds(slo.from);
  const to = seconds(slo.to);
  const x = linearScale(from, to, area.x0, area.x1);
  // Incidents last minutes in a period of weeks: a minimum width keeps each one visible.
  const rects = slo.incidents.map((incident) => {
    const start = Math.max(from, seconds(incident.start));
    const end = incident.resolved === null ? to : seconds(incident.resolved);
    const width = Math.max(3, x(end) - x(start));
    const left = Math.min(x(start), area.x1 - width);
    const cls = incident.withinRecoveryTarget === false ? 'incident over-target' : 'incident';
    return `<rect class="${cls}" x="${coord(left)}" y="${coord(area.y0 + 6)}" width="${coord(width)}" height="${coord(area.y1 - area.y0 - 12)}"><title>${escapeHtml(incidentText(incident, target))}</title></rect>`;
  });
  const tips: Tips = slo.incidents.map((incident) => [
    Number(coord(x(Math.max(from, seconds(incident.start))))),
    incidentText(incident, target),
  ]);
  const empty =
    slo.incidents.length === 0
      ? `<text class="empty" x="${coord((area.x0 + area.x1) / 2)}" y="${coord((area.y0 + area.y1) / 2 + 4)}" text-anchor="middle">no page incidents</text>`
      : '';
  return svg(
    'incidents',
    label,
    height,
    `<rect class="band" x="${coord(area.x0)}" y="${coord(area.y0 + 6)}" width="${coord(area.x1 - area.x0)}" height="${coord(area.y1 - area.y0 - 12)}"/>` +
      rects.join('') +
      empty +
      timeAxis(area, from, to),
    tips,
  );
}

/** Time to recover per incident (open ones: time so far, hatched) against the target line. */
export function recoveryChart(slo: SloReport, recoveryTargetSeconds: number): string {
  const target = spellSeconds(recoveryTargetSeconds);
  const label = `${slo.slo}: time to recover per page incident against the ${target} target`;
  if (slo.incidents.length === 0) return emptyChart('recovery', label, 'no page incidents');
  const rowHeight = 22;
  // Room above the bars for the target's label.
  const top = 14;
  const height = CHART.top + top + CHART.bottom + rowHeight * slo.incidents.length;
  // Wider left margin: the rows are labelled with their start (`01-05 10:02`).
  const area = { ...plotArea(height), x0: CHART.left + 16, y0: CHART.top + top };
  const longest = Math.max(...slo.incidents.map((i) => i.recoverySeconds ?? i.durationSeconds));
  // Headroom on the right for the longest bar's label.
  const ticks = durationTicks(Math.max(longest * 1.2, recoveryTargetSeconds * 1.5));
  const max = ticks[ticks.length - 1] as number;
  const x = linearScale(0, max, area.x0, area.x1);
  const bars = slo.incidents.map((incident, i) => {
    const value = incident.recoverySeconds ?? incident.durationSeconds;
    const cls = [
      'bar',
      incident.withinRecoveryTarget === false ? 'over-target' : '',
      incident.open ? 'open' : '',
    ]
      .filter(Boolean)
      .join(' ');
    const rowTop = area.y0 + i * rowHeight + 3;
    const text = `${spellSeconds(value)}${incident.open ? ' so far' : ''}`;
    return (
      `<text class="tick-label" x="${coord(area.x0 - 6)}" y="${coord(rowTop + 12)}" text-anchor="end">${escapeHtml(isoMinute(seconds(incident.start)).slice(5))}</text>` +
      `<rect class="${cls}" x="${coord(area.x0)}" y="${coord(rowTop)}" width="${coord(Math.max(1, x(value) - area.x0))}" height="16"><title>${escapeHtml(incidentText(incident, target))}</title></rect>` +
      `<text class="bar-label" x="${coord(x(value) + 4)}" y="${coord(rowTop + 12)}">${escapeHtml(text)}</text>`
    );
  });
  const tickLabels = ticks
    .map(
      (v) =>
        `<text class="tick-label" x="${coord(x(v))}" y="${coord(area.y1 + 17)}" text-anchor="middle">${escapeHtml(spellSeconds(v))}</text>`,
    )
    .join('');
  return svg(
    'recovery',
    label,
    height,
    `<line class="axis" x1="${coord(area.x0)}" y1="${coord(area.y1)}" x2="${coord(area.x1)}" y2="${coord(area.y1)}"/>` +
      tickLabels +
      bars.join('') +
      `<line class="target" x1="${coord(x(recoveryTargetSeconds))}" y1="${coord(area.y0)}" x2="${coord(x(recoveryTargetSeconds))}" y2="${coord(area.y1)}"/>` +
      `<text class="target-label" x="${coord(x(recoveryTargetSeconds))}" y="${coord(area.y0 - 5)}" text-anchor="middle">target ${escapeHtml(target)}</text>`,
  );
}
