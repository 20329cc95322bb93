import { describe, expect, it } from 'vitest';
import type { RangeSeries } from '../report/prometheus-client.js';
import { countNotifications } from './replay-model.js';
import { simulateAlert } from './simulate-alert.js';

const grid = { startMs: 0, endMs: 20_000, stepMs: 1000 };

/** A series present (condition true) at the given steps. */
function present(steps: number[], metric: Record<string, string> = {}): RangeSeries {
  return { metric, samples: steps.map((k) => [k, 1] as const) };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('simulateAlert', () => {
  it('fires at the first true step without for:, and resolves at the first false one', () => {
    expect(simulateAlert([present([...range(3, 5), ...range(9, 9)])], grid, 0)).toEqual([
      { labels: {}, activeAtMs: 3000, startMs: 3000, endMs: 6000 },
      { labels: {}, activeAtMs: 9000, startMs: 9000, endMs: 10_000 },
    ]);
  });

  it('fires only once the condition has held for for:, and never when it breaks earlier', () => {
    // True 2..4 (3 s, shorter than for: 4s), then 8..15: pending at 8, firing at 12.
    expect(simulateAlert([present([...range(2, 4), ...range(8, 15)])], grid, 4000)).toEqual([
      { labels: {}, activeAtMs: 8000, startMs: 12_000, endMs: 16_000 },
    ]);
  });

  it('leaves an alert firing at the last step open, and keeps label sets apart', () => {
    const intervals = simulateAlert(
      [present(range(18, 20), { route: '/a' }), present(range(1, 2), { route: '/b' })],
      grid,
      0,
    );
    expect(intervals).toEqual([
      { labels: { route: '/b' }, activeAtMs: 1000, startMs: 1000, endMs: 3000 },
      { labels: { route: '/a' }, activeAtMs: 18_000, startMs: 18_000, endMs: undefined },
    ]);
  });

  it('snaps samples to the nearest step and ignores those outside the grid', () => {
    const series: RangeSeries = {
      metric: {},
      samples: [
        [4.9993, 1],
        [5.0004, 1],
        [25, 1],
        [-3, 1],
      ],
    };
    expect(simulateAlert([series], grid, 0)).toEqual([
      { labels: {}, activeAtMs: 5000, startMs: 5000, endMs: 6000 },
    ]);
  });
});

describe('countNotifications', () => {
  const at = (startMs: number, endMs: number | undefined) => ({
    labels: {},
    activeAtMs: startMs,
    startMs,
    endMs,
  });

  it('merges overlapping and touching page pairs into one page', () => {
    expect(countNotifications([at(0, 10), at(5, 20), at(20, 30), at(40, 50)], [], 100).pages).toBe(2);
  });

  it('counts a ticket unless a page covered all of it, an open one up to the end', () => {
    const counts = countNotifications(
      [at(0, 100), at(500, undefined)],
      [at(10, 90), at(50, 150), at(600, undefined)],
      1000,
    );
    // 10..150 outlives the page 0..100 and is sent; 600..end lies inside the open page 500..end.
    expect(counts).toEqual({ pages: 2, tickets: 1, ticketsInhibited: 1 });
  });
});
