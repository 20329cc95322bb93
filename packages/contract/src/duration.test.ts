import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration } from './duration.js';

describe('durations', () => {
  it.each([
    ['30d', 2_592_000],
    ['28d', 2_419_200],
    ['1h', 3_600],
    ['2h24m', 8_640],
    ['10s', 10],
    ['1d12h', 129_600],
  ])('%s is %d s and spells back the same', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
    expect(formatDuration(seconds)).toBe(text);
  });

  it('spells with the largest units that divide exactly', () => {
    expect(formatDuration(86_400 * 3)).toBe('3d');
    expect(formatDuration(7_200)).toBe('2h');
    expect(formatDuration(720)).toBe('12m');
  });

  it.each(['', '1w', '1y', '1.5h', 'h', '0s', '5m1h'])('rejects %j', (text) => {
    expect(() => parseDuration(text)).toThrow(/duration/);
  });

  it('refuses fractional seconds', () => {
    expect(() => formatDuration(1.5)).toThrow(/whole number/);
  });
});
