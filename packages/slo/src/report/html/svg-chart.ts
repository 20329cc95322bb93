/**
 * SVG building blocks of the HTML report's charts: pure string functions, so a page renders
 * the same bytes for the same report and needs no charting library or script to draw.
 */

/** Size of every chart, in SVG user units (the page scales it to its width). */
export const CHART = { width: 720, height: 190, left: 64, right: 16, top: 12, bottom: 30 } as const;

/** Escapes text for HTML and SVG content and attribute values. */
export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** A coordinate with one decimal: stable text, precise enough for a chart. */
export function coord(value: number): string {
  return (Math.round(value * 10) / 10).toFixed(1).replace(/\.0$/, '');
}

/** A linear map from `[d0, d1]` to `[r0, r1]`; a zero-width domain maps to the range's middle. */
export function linearScale(d0: number, d1: number, r0: number, r1: number): (value: number) => number {
  if (d1 === d0) return () => (r0 + r1) / 2;
  return (value) => r0 + ((value - d0) / (d1 - d0)) * (r1 - r0);
}

/** Plot area of a chart. */
export interface PlotArea {
  readonly x0: number;
  readonly x1: number;
  readonly y0: number;
  readonly y1: number;
}

/** The plot area of a chart `height` units tall. */
export function plotArea(height: number = CHART.height): PlotArea {
  return { x0: CHART.left, x1: CHART.width - CHART.right, y0: CHART.top, y1: height - CHART.bottom };
}

/** Splits points at `null` values into runs, so a gap in the data is a gap in the line. */
export function runs<T>(values: readonly (T | null)[]): T[][] {
  const out: T[][] = [];
  let current: T[] = [];
  for (const value of values) {
    if (value === null) {
      if (current.length > 0) out.push(current);
      current = [];
    } else current.push(value);
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** `x,y x,y …` for a polyline. */
export function pointList(points: readonly (readonly [number, number])[]): string {
  return points.map(([x, y]) => `${coord(x)},${coord(y)}`).join(' ');
}

/** UTC time axis labels: dates for periods of 3 days or more, day and time below that. */
export function timeLabel(seconds: number, spanSeconds: number): string {
  const iso = new Date(seconds * 1000).toISOString();
  return spanSeconds >= 3 * 86_400 ? iso.slice(5, 10) : `${iso.slice(8, 10)} ${iso.slice(11, 16)}`;
}

/** Time axis: a baseline and `count + 1` evenly spaced ticks with UTC labels. */
export function timeAxis(area: PlotArea, from: number, to: number, count = 6): string {
  const x = linearScale(from, to, area.x0, area.x1);
  const parts = [
    `<line class="axis" x1="${coord(area.x0)}" y1="${coord(area.y1)}" x2="${coord(area.x1)}" y2="${coord(area.y1)}"/>`,
  ];
  for (let i = 0; i <= count; i++) {
    const t = from + ((to - from) * i) / count;
    const anchor = i === 0 ? 'start' : i === count ? 'end' : 'middle';
    parts.push(
      `<line class="tick" x1="${coord(x(t))}" y1="${coord(area.y1)}" x2="${coord(x(t))}" y2="${coord(area.y1 + 4)}"/>`,
      `<text class="tick-label" x="${coord(x(t))}" y="${coord(area.y1 + 17)}" text-anchor="${anchor}">${escapeHtml(timeLabel(t, to - from))}</text>`,
    );
  }
  return parts.join('');
}

/** Value axis: gridlines and labels at the given values. */
export function valueAxis(
  area: PlotArea,
  y: (value: number) => number,
  ticks: readonly number[],
  label: (value: number) => string,
): string {
  return ticks
    .map(
      (value) =>
        `<line class="grid" x1="${coord(area.x0)}" y1="${coord(y(value))}" x2="${coord(area.x1)}" y2="${coord(y(value))}"/>` +
        `<text class="tick-label" x="${coord(area.x0 - 6)}" y="${coord(y(value) + 4)}" text-anchor="end">${escapeHtml(label(value))}</text>`,
    )
    .join('');
}

/** `count + 1` evenly spaced values from `lo` to `hi`. */
export function evenTicks(lo: number, hi: number, count = 4): number[] {
  return Array.from({ length: count + 1 }, (_, i) => lo + ((hi - lo) * i) / count);
}

/** The smallest of 1, 2, 2.5, 5 × 10ⁿ that is at least `rough`. */
function niceStep(rough: number): number {
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].find((m) => m * power >= rough * (1 - 1e-9)) ?? 10;
  return step * power;
}

/**
 * Round tick values covering `[lo, hi]`, at most `count + 1` of them: the first at or below
 * `lo`, the last at or above `hi`, a step of 1, 2, 2.5 or 5 × 10ⁿ. The chart's domain is
 * first to last tick.
 */
export function niceTicks(lo: number, hi: number, count = 4): number[] {
  if (hi <= lo) return [lo];
  const step = niceStep((hi - lo) / count);
  const first = Math.floor(lo / step + 1e-9) * step;
  const last = Math.ceil(hi / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let v = first; v <= last + step / 2; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

/** Duration steps for time-length axes, seconds. */
const DURATION_STEPS = [
  1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400,
];

/** Round duration ticks from 0 to at least `max` seconds, at most `count + 1` of them. */
export function durationTicks(max: number, count = 4): number[] {
  const step = DURATION_STEPS.find((s) => max / s <= count) ?? Math.ceil(max / count / 86_400) * 86_400;
  const last = Math.max(1, Math.ceil(max / step)) * step;
  return Array.from({ length: last / step + 1 }, (_, i) => i * step);
}
