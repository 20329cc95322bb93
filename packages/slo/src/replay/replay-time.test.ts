import { describe, expect, it } from 'vitest';
import { parseReplayTime } from './replay-time.js';

const NOW = Date.UTC(2025, 0, 31, 12);

describe('parseReplayTime', () => {
  it('reads RFC 3339 with fractions and offsets', () => {
    expect(parseReplayTime('from', '2025-01-01T00:00:00Z', NOW)).toBe(Date.UTC(2025, 0, 1));
    expect(parseReplayTime('from', '2025-01-01T01:00:00.250+01:00', NOW)).toBe(Date.UTC(2025, 0, 1) + 250);
  });

  it('reads now and durations before now', () => {
    expect(parseReplayTime('to', 'now', NOW)).toBe(NOW);
    expect(parseReplayTime('from', '-30d', NOW)).toBe(NOW - 30 * 86_400_000);
    expect(parseReplayTime('from', 'now-2h30m', NOW)).toBe(NOW - 9_000_000);
  });

  it('names the flag and the accepted forms', () => {
    expect(() => parseReplayTime('from', 'last month', NOW)).toThrow(
      '--from: "last month" is not a time: use RFC 3339 (2025-01-31T00:00:00Z), now, or a duration before now (-30d, -2h30m)',
    );
    expect(() => parseReplayTime('to', '2025-01-01', NOW)).toThrow('--to: "2025-01-01" is not a time');
    expect(() => parseReplayTime('from', '-3w', NOW)).toThrow('--from: "-3w": "3w" is not a duration');
  });
});
