import { describe, expect, it } from 'vitest';
import {
  BreakerConfigError,
  DEFAULT_BREAKER_POLICY,
  parseBreakerConfig,
  parseBreakerConfigYaml,
} from './breaker-config.js';

function problemsOf(data: unknown): string[] {
  try {
    parseBreakerConfig(data);
  } catch (error) {
    expect(error).toBeInstanceOf(BreakerConfigError);
    return [...(error as BreakerConfigError).problems];
  }
  throw new Error('expected a BreakerConfigError');
}

describe('parseBreakerConfig', () => {
  it('merges rules over defaults over the built-in defaults', () => {
    const config = parseBreakerConfig({
      defaults: { timeout: '3s' },
      rules: [{ match: { instrument: 'lims' }, errorThreshold: 0.25, halfOpenTrials: 2 }],
    });
    expect(config.defaults).toEqual({ ...DEFAULT_BREAKER_POLICY, timeoutMs: 3_000 });
    expect(config.rules[0]?.policy).toMatchObject({
      timeoutMs: 3_000,
      errorThreshold: 0.25,
      halfOpenTrials: 2,
    });
  });

  it('reports every problem with its field path and a fix', () => {
    expect(
      problemsOf({
        defaults: { timeout: 'ten seconds', errorThreshold: 50 },
        rules: [
          { match: { lab: 'lab-a', room: 'b' }, halfOpenTrials: 0 },
          { resetTimeout: '1m' },
          {
            match: { instrument: 'seq' },
            maintenance: [{ window: '2026-11-25T12:00:00Z/2026-11-25T10:00:00Z' }],
          },
        ],
        extra: true,
      }),
    ).toEqual([
      'breakers.extra: unknown field. Fix: use defaults or rules',
      'breakers.defaults.errorThreshold: 50 is not a ratio in (0, 1]. Fix: e.g. 0.5 for 50 %',
      'breakers.defaults.timeout: "ten seconds" is not a duration. Fix: use e.g. 500ms, 10s, 5m, 1h30m',
      'breakers.rules[0].match.room: unknown key. Fix: use lab, instrument or operation',
      'breakers.rules[0].halfOpenTrials: 0 is not a whole number >= 1. Fix: e.g. halfOpenTrials: 1',
      'breakers.rules[1].match: missing. Fix: add match: {lab, instrument, operation} (any of them)',
      'breakers.rules[2].maintenance[0].window: "2026-11-25T12:00:00Z/2026-11-25T10:00:00Z" is not an RFC 3339 interval. Fix: e.g. 2026-11-25T08:00:00Z/2026-11-25T12:00:00Z (start before end)',
    ]);
  });

  it('reads the breakers section of the lab settings YAML', () => {
    const config = parseBreakerConfigYaml('lab: lab-a\nbreakers:\n  defaults: { resetTimeout: 1m }\n');
    expect(config.defaults.resetTimeoutMs).toBe(60_000);
    expect(() => parseBreakerConfigYaml('breakers: [unclosed')).toThrow(
      /laboratory_settings: YAML syntax error/,
    );
    expect(() => parseBreakerConfigYaml('breakers:\n  defaults: { capacity: -1 }\n')).toThrow(
      'laboratory_settings: breakers.defaults.capacity: -1 is not a whole number >= 1',
    );
  });
});
