import { describe, expect, it } from 'vitest';
import {
  BreakerConfigError,
  DEFAULT_BREAKER_POLICY,
  parseBreakerConfig,
  parseBreakerConfigYaml,
  parseMaintenanceWindows,
} from './breaker-config.js';
import { resolvePolicy } from './resolve-policy.js';

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

describe('maintenance_windows', () => {
  const yaml = `
lab: lab-a
maintenance_windows:
  - { instrument: sequencer-1, window: 2026-12-01T06:00:00Z/2026-12-01T10:00:00Z, reason: calibration }
  - { instrument: freezer_minus_20, lab: lab-b, window: 2026-12-02T06:00:00Z/2026-12-02T07:00:00Z }
breakers:
  rules:
    - match: { instrument: sequencer-1 }
      critical: true
      openAlertAfter: 2m
      maintenance:
        - { window: 2026-11-01T00:00:00Z/2026-11-01T01:00:00Z, reason: own window }
`;

  it('adds the instrument windows to every breaker of that instrument, on top of the rule', () => {
    const config = parseBreakerConfigYaml(yaml);
    const policy = resolvePolicy(config, { lab: 'lab-a', instrument: 'sequencer-1', operation: 'schedule' });
    expect(policy.openAlertAfterMs).toBe(120_000);
    expect(policy.maintenance.map((w) => w.reason)).toEqual(['own window', 'calibration']);
    // A window naming lab-b does not touch lab-a's freezer, and unrelated instruments keep none.
    expect(resolvePolicy(config, { lab: 'lab-a', instrument: 'freezer_minus_20' }).maintenance).toEqual([]);
    expect(resolvePolicy(config, { lab: 'lab-b', instrument: 'freezer_minus_20' }).maintenance).toHaveLength(
      1,
    );
    expect(resolvePolicy(config, { instrument: 'lims' })).toBe(config.defaults);
  });

  it('names the field and the fix for every bad entry', () => {
    let problems: readonly string[] = [];
    try {
      parseMaintenanceWindows([
        { instrument: 'a/b', window: '2026-12-01T06:00:00Z/2026-12-01T10:00:00Z' },
        { instrument: 'sequencer-1', window: '2026-12-01T10:00:00Z/2026-12-01T06:00:00Z' },
        { instrument: 'sequencer-1', window: '2026-12-01T06:00:00Z/2026-12-01T10:00:00Z', when: 'now' },
      ]);
    } catch (error) {
      expect(error).toBeInstanceOf(BreakerConfigError);
      problems = (error as BreakerConfigError).problems;
    }
    expect(problems).toEqual([
      'maintenance_windows[0].instrument: missing or contains "/". Fix: name the instrument, e.g. sequencer-1',
      'maintenance_windows[1].window: "2026-12-01T10:00:00Z/2026-12-01T06:00:00Z" is not an RFC 3339 interval. Fix: e.g. 2026-11-25T08:00:00Z/2026-11-25T12:00:00Z (start before end)',
      'maintenance_windows[2].when: unknown field. Fix: use instrument, lab, window or reason',
    ]);
    expect(() => parseMaintenanceWindows({})).toThrow(/must be a list/);
  });
});
