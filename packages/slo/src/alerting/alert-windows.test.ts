import { describe, expect, it } from 'vitest';
import { alertWindows, recordedWindows } from './alert-windows.js';

const summary = (period: string) =>
  alertWindows(period).map((p) => `${p.severity} ${p.longWindow}&${p.shortWindow} x${p.factor}`);

describe('alertWindows', () => {
  it('uses the SRE Workbook factors for 30d', () => {
    expect(summary('30d')).toEqual([
      'critical 1h&5m x14.4',
      'critical 6h&30m x6',
      'warning 1d&2h x3',
      'warning 3d&6h x1',
    ]);
  });

  it('keeps the shares for 28d', () => {
    expect(alertWindows('28d').map((p) => p.factor)).toEqual([13.44, 5.6, 2.8, 0.9333]);
  });

  it("uses Sloth's week shares for 7d", () => {
    expect(alertWindows('7d').map((p) => p.factor)).toEqual([13.44, 3.5, 1.4, 0.98]);
  });

  it('scales every window for other periods and keeps the 30d factors', () => {
    expect(summary('1d')).toEqual([
      'critical 2m&10s x14.4',
      'critical 12m&1m x6',
      'warning 48m&4m x3',
      'warning 2h24m&12m x1',
    ]);
  });

  it('records each window once, shortest first', () => {
    expect(recordedWindows(alertWindows('30d'))).toEqual(['5m', '30m', '1h', '2h', '6h', '1d', '3d']);
  });

  it('takes Sloth AlertWindows overrides', () => {
    const custom = alertWindows('30d', {
      page: {
        quick: { errorBudgetPercent: 1, shortWindow: '5m', longWindow: '30m' },
        slow: { errorBudgetPercent: 5, shortWindow: '30m', longWindow: '6h' },
      },
      ticket: {
        quick: { errorBudgetPercent: 10, shortWindow: '2h', longWindow: '1d' },
        slow: { errorBudgetPercent: 10, shortWindow: '6h', longWindow: '3d' },
      },
    });
    expect(custom[0]).toMatchObject({ longWindow: '30m', shortWindow: '5m', factor: 14.4 });
  });
});
