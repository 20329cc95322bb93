import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_BREAKER_POLICY, FAILURE_KINDS } from '../breakers/breaker-policy.js';
import { resolvePolicy } from '../breakers/resolve-policy.js';
import { MAX_INPUT_BYTES } from '../located/input-limits.js';
import {
  isRecurring,
  type MaintenanceWindow,
  maintenanceWindowAt,
} from '../maintenance/maintenance-window.js';
import {
  LabSettingsError,
  parseBreakerConfig,
  parseLabSettings,
  readLabSettings,
} from './parse-lab-settings.js';

const EXAMPLE = join(dirname(fileURLToPath(import.meta.url)), '../../../../examples/lab-settings.yaml');

function problemsOf(run: () => unknown): readonly string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(LabSettingsError);
    return (error as LabSettingsError).problems;
  }
  throw new Error('expected a LabSettingsError');
}

describe('parseLabSettings', () => {
  it('reads the example lab: zones, allow-lists, windows, breakers', () => {
    const settings = parseLabSettings(readFileSync(EXAMPLE, 'utf8'), EXAMPLE);
    expect(settings.lab).toBe('lab-a');
    expect(settings.storageZones).toEqual([
      { name: 'freezer_minus_80', temperature: -80, capacity: 1000 },
      { name: 'freezer_minus_20', temperature: -20, capacity: 2000 },
    ]);
    expect(settings.allowLists.storage_zones).toEqual(['freezer_minus_80', 'freezer_minus_20']);
    expect(settings.allowLists.sample_types).toContain('blood');
    expect(settings.maintenanceWindows.map((w) => w.instrument)).toEqual(['sequencer-1', 'freezer_minus_20']);
    expect(settings.breakers.defaults.timeoutMs).toBe(2_000);
    expect(settings.breakers.rules[0]?.policy).toMatchObject({
      timeoutMs: 1_000,
      critical: true,
      capacity: 200,
    });
  });

  it('adds the lab to the labs allow-list and the zone names to storage_zones', () => {
    const settings = parseLabSettings(
      'lab: lab-b\nstorage_zones:\n  - { name: f, temperature: -80, capacity: 10 }\n',
    );
    expect(settings.allowLists).toEqual({ storage_zones: ['f'], labs: ['lab-b'] });
  });

  it('trims the trailing slash of URLs so every generator joins them the same way', () => {
    const settings = parseLabSettings(
      'lab: lab-a\ngrafana_url: https://grafana.example/\nrunbook_base_url: https://runbooks.example/\n',
    );
    expect(settings.grafanaUrl).toBe('https://grafana.example');
    expect(settings.runbookBaseUrl).toBe('https://runbooks.example');
  });

  it('names file, line, column, field and fix (was: telemetry "must be a whole number of slots above 0")', () => {
    expect(
      problemsOf(() =>
        parseLabSettings(
          'lab: lab-a\nstorage_zones:\n  - { name: f, temperature: -80, capacity: 0 }\n',
          'lab.yaml',
        ),
      ),
    ).toEqual([
      'lab.yaml:3:44: storage_zones[0].capacity: 0 is not >= 1. Fix: a whole number >= 1, e.g. 1000',
    ]);
  });

  it('requires every zone field (was: dashboards "storageZones[0].capacity: is required")', () => {
    expect(
      problemsOf(() => parseLabSettings('lab: a\nstorage_zones:\n  - { name: z, temperature: -80 }\n')),
    ).toEqual([
      'laboratory_settings:3:5: storage_zones[0]: missing required field "capacity". Fix: a whole number >= 1, e.g. 1000',
    ]);
  });

  it('requires the lab (was: telemetry "lab: must name the lab")', () => {
    expect(problemsOf(() => parseLabSettings('storage_zones: []\n'))).toEqual([
      'laboratory_settings:1:1: missing required field "lab". Fix: use letters, digits, ".", "_" or "-", e.g. lab: lab-a',
    ]);
  });

  it('refuses a lab name that cannot name files and labels (was: on-call "names generated files")', () => {
    expect(problemsOf(() => parseLabSettings('lab: "lab a/b"\n', 'l.yaml'))).toEqual([
      'l.yaml:1:6: lab: "lab a/b" cannot name generated files and alert labels. Fix: use letters, digits, ".", "_" or "-", e.g. lab: lab-a',
    ]);
  });

  it('checks the zone alert overrides (was: on-call "is not a positive number of °C")', () => {
    const bad = readFileSync(EXAMPLE, 'utf8').replace(
      '{ name: freezer_minus_80, temperature: -80, capacity: 1000 }',
      '{ name: freezer_minus_80, temperature: -80, capacity: 1000, temperature_margin: -3, temperature_for: soon }',
    );
    expect(problemsOf(() => parseLabSettings(bad, 'lab.yaml'))).toEqual([
      'lab.yaml:5:85: storage_zones[0].temperature_margin: -3 is not > 0. Fix: a positive number of °C, e.g. temperature_margin: 5',
      'lab.yaml:5:106: storage_zones[0].temperature_for: "soon" is not a duration of whole d, h, m, s. Fix: a duration such as temperature_for: 10m',
    ]);
  });

  it('refuses duplicate zones, bad zone names and non-list allow-lists', () => {
    expect(
      problemsOf(() =>
        parseLabSettings(
          'lab: a\nstorage_zones:\n  - { name: f, temperature: 1, capacity: 1 }\n  - { name: f, temperature: 1, capacity: 1 }\n',
        ),
      ),
    ).toEqual([
      'laboratory_settings:4:13: storage_zones[1].name: zone f is listed twice. Fix: give each zone its own name',
    ]);
    expect(
      problemsOf(() =>
        parseLabSettings('lab: a\nstorage_zones:\n  - { name: Freezer, temperature: 1, capacity: 1 }\n'),
      ),
    ).toEqual([
      'laboratory_settings:3:13: storage_zones[0].name: "Freezer" is not a zone name. Fix: lower-case letters, digits and _, e.g. freezer_minus_80',
    ]);
    expect(problemsOf(() => parseLabSettings('lab: a\nallow_lists: { labs: lab-a }\n'))).toEqual([
      'laboratory_settings:2:22: allow_lists.labs: "lab-a" is not an array. Fix: a list of strings, e.g. [blood, saliva]',
    ]);
  });

  it('reports a YAML error at its own line, and a duplicate key (reliability row 2)', () => {
    expect(
      problemsOf(() =>
        parseLabSettings('lab: a\nstorage_zones:\n  - { name: f\n\n\nbreakers: [unclosed\n', 'l.yaml'),
      )[0],
    ).toMatch(/^l\.yaml:[3-6]:\d+: YAML syntax error/);
    expect(problemsOf(() => parseLabSettings('lab: a\nlab: b\n', 'l.yaml'))).toEqual([
      'l.yaml:2:1: YAML syntax error: Map keys must be unique. Fix: keep one of the duplicate keys',
    ]);
  });

  it('refuses an input over the size limit before parsing it (reliability row 12)', () => {
    const huge = `lab: a\n#${'x'.repeat(MAX_INPUT_BYTES)}\n`;
    expect(problemsOf(() => parseLabSettings(huge, 'big.yaml'))[0]).toMatch(
      /^big\.yaml:1:1: the file is \d+ bytes, over the 1048576-byte limit/,
    );
  });

  it('refuses a YAML alias bomb', () => {
    const bomb = [
      'a: &a [x, x, x, x, x, x, x, x, x]',
      ...'bcdefgh'.split('').map((k, i) => `${k}: &${k} [${Array(9).fill(`*${'abcdefg'[i]}`).join(', ')}]`),
      'lab: z',
    ].join('\n');
    expect(problemsOf(() => parseLabSettings(bomb, 'bomb.yaml'))[0]).toMatch(
      /bomb\.yaml:1:1: .*(alias|Excessive)/i,
    );
  });
});

describe('breakers section', () => {
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

  it('reports every problem with its field path and a fix (was: BreakerConfigError lines)', () => {
    expect(
      problemsOf(() =>
        parseBreakerConfig({
          defaults: { timeout: 'ten seconds', errorThreshold: 50 },
          rules: [
            { match: { lab: 'lab-a', room: 'b' }, halfOpenTrials: 0 },
            { resetTimeout: '1m' },
            {
              match: { instrument: 'seq' },
              maintenance: [{ window: '2026-11-25T12:00:00Z/2026-11-25T10:00:00Z' }],
            },
            { match: {}, timeout: 'soon' },
          ],
          extra: true,
        }),
      ),
    ).toEqual([
      'laboratory_settings: breakers.extra: unknown field "extra". Fix: remove it or correct the spelling; allowed here: defaults, rules',
      'laboratory_settings: breakers.defaults.timeout: "ten seconds" is not a duration. Fix: use e.g. 500ms, 10s, 5m, 1h30m',
      'laboratory_settings: breakers.defaults.errorThreshold: 50 is not <= 1. Fix: a ratio in (0, 1], e.g. 0.5 for 50 %',
      'laboratory_settings: breakers.rules[0].match.room: unknown field "room". Fix: remove it or correct the spelling; allowed here: lab, instrument, operation',
      'laboratory_settings: breakers.rules[0].halfOpenTrials: 0 is not >= 1. Fix: a whole number >= 1, e.g. 1',
      'laboratory_settings: breakers.rules[1]: missing required field "match". Fix: add match: {lab, instrument, operation} (any of them, no "/")',
      'laboratory_settings: breakers.rules[3].match: must not be empty. Fix: add match: {lab, instrument, operation} (any of them, no "/")',
      'laboratory_settings: breakers.rules[3].timeout: "soon" is not a duration. Fix: use e.g. 500ms, 10s, 5m, 1h30m',
    ]);
  });

  it('reads the slow-call keys: off by default, inherited by rules', () => {
    expect(DEFAULT_BREAKER_POLICY).toMatchObject({ slowCallDurationMs: 0, slowCallRateThreshold: 1 });
    const config = parseLabSettings(
      [
        'lab: a',
        'breakers:',
        '  defaults: { slowCallDuration: 2s, slowCallRateThreshold: 0.5 }',
        '  rules:',
        '    - { match: { instrument: sequencer-1 }, slowCallDuration: 20s, rollingWindow: 2m }',
        '',
      ].join('\n'),
    ).breakers;
    expect(config.defaults).toMatchObject({ slowCallDurationMs: 2_000, slowCallRateThreshold: 0.5 });
    expect(config.rules[0]?.policy).toMatchObject({ slowCallDurationMs: 20_000, slowCallRateThreshold: 0.5 });
  });

  it('locates a bad slow-call key and says how to fix it', () => {
    expect(
      problemsOf(() =>
        parseLabSettings(
          'lab: a\nbreakers:\n  defaults:\n    slowCallDuration: slowly\n    slowCallRateThreshold: 0\n',
          'lab.yaml',
        ),
      ),
    ).toEqual([
      'lab.yaml:4:23: breakers.defaults.slowCallDuration: "slowly" is not a duration. Fix: use e.g. 500ms, 10s, 5m, 1h30m',
      'lab.yaml:5:28: breakers.defaults.slowCallRateThreshold: 0 is not > 0. Fix: a ratio in (0, 1], e.g. slowCallRateThreshold: 0.5 to open when half the calls are slow',
    ]);
  });

  it('refuses a slowCallDuration that outlasts the rolling window, where a policy sets it', () => {
    expect(
      problemsOf(() =>
        parseLabSettings(
          [
            'lab: a',
            'breakers:',
            '  defaults: { rollingWindow: 10s }',
            '  rules:',
            '    - { match: { instrument: sequencer-1 }, slowCallDuration: 20s }',
            '    - { match: { instrument: lims }, timeout: 1s }',
            '',
          ].join('\n'),
          'lab.yaml',
        ),
      ),
    ).toEqual([
      'lab.yaml:5:63: breakers.rules[0].slowCallDuration: slowCallDuration (20000 ms) is not shorter than rollingWindow (10000 ms): slow calls would outlast the window they are counted in. Fix: make rollingWindow several times slowCallDuration, e.g. rollingWindow: 100s',
    ]);
  });

  it('reads concurrency: none by default, min/max/initial filled in, inherited by rules', () => {
    expect(DEFAULT_BREAKER_POLICY.concurrency).toBeUndefined();
    const config = parseLabSettings(
      [
        'lab: a',
        'breakers:',
        '  defaults: { capacity: 30, concurrency: { adaptive: gradient2 } }',
        '  rules:',
        '    - { match: { instrument: robot }, concurrency: { adaptive: vegas, min: 2, max: 8, initial: 4 } }',
        '    - { match: { instrument: lims }, capacity: 6 }',
        '    - { match: { instrument: sequencer-1 }, timeout: 1s }',
        '',
      ].join('\n'),
    ).breakers;
    expect(config.defaults.concurrency).toEqual({ adaptive: 'gradient2', min: 1, max: 30, initial: 10 });
    expect(config.rules.map((r) => r.policy.concurrency)).toEqual([
      { adaptive: 'vegas', min: 2, max: 8, initial: 4 },
      { adaptive: 'gradient2', min: 1, max: 6, initial: 6 },
      { adaptive: 'gradient2', min: 1, max: 30, initial: 10 },
    ]);
  });

  it('locates concurrency problems and says how to fix them', () => {
    const problems = (...rules: string[]) =>
      problemsOf(() =>
        parseLabSettings(['lab: a', 'breakers:', '  rules:', ...rules, ''].join('\n'), 'lab.yaml'),
      );
    expect(
      problems(
        '    - { match: { instrument: a }, concurrency: { adaptive: bbr } }',
        '    - { match: { instrument: b }, concurrency: { adaptive: aimd, min: 0 } }',
        '    - { match: { instrument: c }, concurrency: { min: 2 } }',
      ),
    ).toEqual([
      'lab.yaml:4:60: breakers.rules[0].concurrency.adaptive: "bbr" is not one of "vegas", "gradient2", "aimd". Fix: use one of vegas, gradient2, aimd',
      'lab.yaml:5:71: breakers.rules[1].concurrency.min: 0 is not >= 1. Fix: a whole number >= 1, e.g. 1',
      'lab.yaml:6:48: breakers.rules[2].concurrency: missing required field "adaptive". Fix: one of vegas, gradient2, aimd (Netflix concurrency-limits), e.g. adaptive: gradient2',
    ]);
    expect(
      problems(
        '    - { match: { instrument: a }, concurrency: { adaptive: vegas, min: 5, max: 2 } }',
        '    - { match: { instrument: b }, concurrency: { adaptive: aimd, min: 2, max: 8, initial: 9 } }',
        '    - { match: { instrument: c }, capacity: 4, concurrency: { adaptive: aimd, max: 8 } }',
      ),
    ).toEqual([
      'lab.yaml:4:72: breakers.rules[0].concurrency.min: min (5) is above max (2). Fix: make min <= max, e.g. concurrency: { adaptive: vegas, min: 1, max: 2 }',
      'lab.yaml:5:91: breakers.rules[1].concurrency.initial: initial (9) is not within min..max (2..8). Fix: choose initial between 2 and 8, e.g. initial: 2',
      'lab.yaml:6:84: breakers.rules[2].concurrency.max: max (8) is above capacity (4), the hard ceiling of calls in flight. Fix: lower max to at most 4, or raise capacity',
    ]);
  });

  it('reads window: a count of calls, or a time that rollingWindow also sets', () => {
    expect(DEFAULT_BREAKER_POLICY.window).toEqual({ type: 'time' });
    const config = parseLabSettings(
      [
        'lab: a',
        'breakers:',
        '  defaults: { window: { type: count, size: 50 } }',
        '  rules:',
        '    - { match: { instrument: lims }, timeout: 1s }',
        '    - { match: { instrument: sequencer-1 }, window: { type: time, size: 2m } }',
        '    - { match: { instrument: robot }, rollingWindow: 30s }',
        '',
      ].join('\n'),
    ).breakers;
    expect(config.defaults.window).toEqual({ type: 'count', size: 50 });
    expect(config.rules.map((r) => [r.policy.window, r.policy.rollingWindowMs])).toEqual([
      [{ type: 'count', size: 50 }, 10_000],
      [{ type: 'time' }, 120_000],
      [{ type: 'time' }, 30_000],
    ]);
  });

  it('locates window problems and says how to fix them', () => {
    const problems = (...rules: string[]) =>
      problemsOf(() =>
        parseLabSettings(['lab: a', 'breakers:', '  rules:', ...rules, ''].join('\n'), 'lab.yaml'),
      );
    expect(
      problems(
        '    - { match: { instrument: b }, window: { type: calls, size: 10 } }',
        '    - { match: { instrument: d }, window: { type: count, size: 0 } }',
      ),
    ).toEqual([
      'lab.yaml:4:51: breakers.rules[0].window.type: "calls" is not one of "time", "count". Fix: use one of time, count',
      'lab.yaml:5:64: breakers.rules[1].window.size: 0 is not a duration or a number of calls. Fix: a duration for type time (size: 30s), a whole number of calls for type count (size: 100)',
    ]);
    expect(
      problems(
        '    - { match: { instrument: a }, window: { type: count, size: 30s } }',
        '    - { match: { instrument: c }, rollingWindow: 30s, window: { type: time, size: 1m } }',
      ),
    ).toEqual([
      'lab.yaml:4:64: breakers.rules[0].window.size: "30s" is not a number of calls. Fix: with type: count, size is a whole number of calls, e.g. window: { type: count, size: 100 }',
      'lab.yaml:5:35: breakers.rules[1].rollingWindow: rollingWindow and window both set the window. Fix: keep one: window: { type: time, size: 30s } replaces rollingWindow',
    ]);
  });

  it('reads errorThresholds per failure kind; a rule replaces them whole', () => {
    expect(FAILURE_KINDS).toEqual(['timeout', 'server_error', 'overload', 'network', 'other']);
    const config = parseLabSettings(
      [
        'lab: a',
        'breakers:',
        '  defaults: { errorThresholds: { timeout: 0.2, server_error: 0.5 } }',
        '  rules:',
        '    - { match: { instrument: lims }, errorThresholds: { overload: 0.1 } }',
        '    - { match: { instrument: robot }, timeout: 1s }',
        '',
      ].join('\n'),
    ).breakers;
    expect(config.defaults.errorThresholds).toEqual({ timeout: 0.2, server_error: 0.5 });
    expect(config.rules.map((r) => r.policy.errorThresholds)).toEqual([
      { overload: 0.1 },
      { timeout: 0.2, server_error: 0.5 },
    ]);
  });

  it('locates errorThresholds problems and lists the kinds', () => {
    expect(
      problemsOf(() =>
        parseLabSettings(
          'lab: a\nbreakers:\n  defaults:\n    errorThresholds: { timeouts: 0.2, network: 2 }\n',
          'lab.yaml',
        ),
      ),
    ).toEqual([
      'lab.yaml:4:24: breakers.defaults.errorThresholds.timeouts: unknown field "timeouts". Fix: remove it or correct the spelling; allowed here: timeout, server_error, overload, network, other',
      'lab.yaml:4:48: breakers.defaults.errorThresholds.network: 2 is not <= 1. Fix: a ratio in (0, 1], e.g. network: 0.2',
    ]);
  });

  it('locates breaker problems in the file (was: "laboratory_settings: breakers.defaults.capacity")', () => {
    expect(problemsOf(() => parseLabSettings('lab: a\nbreakers:\n  defaults: { capacity: -1 }\n'))).toEqual([
      'laboratory_settings:3:25: breakers.defaults.capacity: -1 is not >= 1. Fix: a whole number >= 1, e.g. 100',
    ]);
  });
});

describe('maintenance windows (reliability row 7)', () => {
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
    const config = parseLabSettings(yaml).breakers;
    const policy = resolvePolicy(config, { lab: 'lab-a', instrument: 'sequencer-1', operation: 'schedule' });
    expect(policy.openAlertAfterMs).toBe(120_000);
    expect(policy.maintenance.map((w) => w.reason)).toEqual(['own window', 'calibration']);
    expect(resolvePolicy(config, { lab: 'lab-a', instrument: 'freezer_minus_20' }).maintenance).toEqual([]);
    expect(resolvePolicy(config, { lab: 'lab-b', instrument: 'freezer_minus_20' }).maintenance).toHaveLength(
      1,
    );
    expect(resolvePolicy(config, { instrument: 'lims' })).toBe(config.defaults);
  });

  it('names the field and the fix for every bad entry', () => {
    expect(
      problemsOf(() =>
        readLabSettings({
          lab: 'a',
          maintenance_windows: [
            { instrument: 'a/b', window: '2026-12-01T06:00:00Z/2026-12-01T10:00:00Z' },
            { instrument: 'sequencer-1', window: '2026-12-01T10:00:00Z/2026-12-01T06:00:00Z' },
            { instrument: 'sequencer-1', window: '2026-12-01T06:00:00Z/2026-12-01T10:00:00Z', when: 'now' },
          ],
        }),
      ),
    ).toEqual([
      'laboratory_settings: maintenance_windows[0].instrument: "a/b" is empty or contains "/". Fix: name the instrument without "/", e.g. sequencer-1',
      'laboratory_settings: maintenance_windows[2].when: unknown field "when". Fix: remove it or correct the spelling; allowed here: instrument, lab, window, schedule, duration, reason',
    ]);
    expect(
      problemsOf(() =>
        readLabSettings({
          lab: 'a',
          maintenance_windows: [
            { instrument: 'sequencer-1', window: '2026-12-01T10:00:00Z/2026-12-01T06:00:00Z' },
          ],
        }),
      ),
    ).toEqual([
      'laboratory_settings: maintenance_windows[0].window: "2026-12-01T10:00:00Z/2026-12-01T06:00:00Z" ends before it starts. Fix: e.g. 2026-11-25T08:00:00Z/2026-11-25T12:00:00Z (RFC 3339, zone required, start before end)',
    ]);
    expect(problemsOf(() => readLabSettings({ lab: 'a', maintenance_windows: {} }))).toEqual([
      'laboratory_settings: maintenance_windows: {} is not an array. Fix: write array here',
    ]);
  });

  const windowOf = (text: string) =>
    readLabSettings({ lab: 'a', maintenance_windows: [{ instrument: 'i', window: text }] })
      .maintenanceWindows[0] as MaintenanceWindow | undefined;

  it.each([
    ['no zone: host-local time would differ per machine', '2026-12-01T06:00:00/2026-12-01T10:00:00Z'],
    ['an impossible date that Date would roll over', '2026-02-30T06:00:00Z/2026-03-01T10:00:00Z'],
    ['bare numbers', '0/1'],
    ['prose', 'December 1, 2026/December 2, 2026'],
    ['a leap second that is not at the end of a UTC day', '2026-12-01T12:30:60Z/2026-12-01T13:00:00Z'],
    ['a date without a time', '2026-12-01/2026-12-02'],
  ])('refuses %s', (_why, text) => {
    expect(() => windowOf(text)).toThrow(LabSettingsError);
  });

  it('reads offsets as instants, the same under any TZ', () => {
    const window = windowOf('2026-12-01T15:00:00+09:00/2026-12-01T19:00:00+09:00');
    expect(window?.start.toISOString()).toBe('2026-12-01T06:00:00.000Z');
    expect(window?.end.toISOString()).toBe('2026-12-01T10:00:00.000Z');
  });

  it('accepts a valid leap second as the instant after it', () => {
    const window = windowOf('2016-12-31T23:59:60Z/2017-01-01T01:00:00Z');
    expect(window?.start.toISOString()).toBe('2017-01-01T00:00:00.000Z');
  });
});

describe('recurring maintenance windows (DESIGN §10)', () => {
  const yaml = `
lab: lab-a
maintenance_windows:
  - instrument: sequencer-1
    schedule: "DTSTART;TZID=Europe/Berlin:20261201T060000\\nRRULE:FREQ=WEEKLY;BYDAY=TU"
    duration: 4h
    reason: weekly calibration
breakers:
  rules:
    - match: { instrument: freezer_minus_20 }
      maintenance:
        - { schedule: "DTSTART:20261130T220000Z\\nRRULE:FREQ=MONTHLY;BYMONTHDAY=-1", duration: 4h, reason: defrost }
`;

  it('forces the breakers of the instrument open during every occurrence, from instrument and rule lists', () => {
    const settings = parseLabSettings(yaml, 'lab.yaml');
    const plan = settings.maintenanceWindows[0];
    expect(plan && isRecurring(plan) && plan.instrument).toBe('sequencer-1');
    const sequencer = resolvePolicy(settings.breakers, {
      lab: 'lab-a',
      instrument: 'sequencer-1',
    }).maintenance;
    // Tuesday 2026-12-08, 06:00 Berlin (UTC+1) to 10:00.
    expect(maintenanceWindowAt(sequencer, Date.parse('2026-12-08T05:00:00Z'))?.reason).toBe(
      'weekly calibration',
    );
    expect(maintenanceWindowAt(sequencer, Date.parse('2026-12-08T08:59:59Z'))).toBeDefined();
    expect(maintenanceWindowAt(sequencer, Date.parse('2026-12-08T09:00:00Z'))).toBeUndefined();
    expect(maintenanceWindowAt(sequencer, Date.parse('2026-12-09T05:00:00Z'))).toBeUndefined();
    const freezer = resolvePolicy(settings.breakers, { instrument: 'freezer_minus_20' }).maintenance;
    // The last day of December, running past midnight into the new year.
    expect(maintenanceWindowAt(freezer, Date.parse('2027-01-01T01:00:00Z'))?.end.toISOString()).toBe(
      '2027-01-01T02:00:00.000Z',
    );
  });

  it('reads a schedule written as a YAML block, and a DST overlap as its first instant', () => {
    const settings = parseLabSettings(
      'lab: a\nmaintenance_windows:\n  - instrument: s\n    schedule: |\n      DTSTART;TZID=America/New_York:20261101T013000\n      RRULE:FREQ=DAILY;COUNT=3\n    duration: 30m\n',
    );
    const plan = settings.maintenanceWindows[0];
    const starts =
      plan && isRecurring(plan) ? plan.occurrencesBetween(0, Date.parse('2030-01-01T00:00:00Z')) : [];
    // New York falls back at 02:00 on 2026-11-01, so 01:30 happens twice: the first is EDT.
    expect(starts.map((w) => w.start.toISOString())).toEqual([
      '2026-11-01T05:30:00.000Z',
      '2026-11-02T06:30:00.000Z',
      '2026-11-03T06:30:00.000Z',
    ]);
  });

  it('refuses a DTSTART without Z or TZID, and every other bad schedule, naming the line and the fix', () => {
    const text = `lab: a
maintenance_windows:
  - instrument: sequencer-1
    schedule: "DTSTART:20261201T060000\\nRRULE:FREQ=WEEKLY;BYDAY=TU"
    duration: 4h
  - { instrument: s, schedule: "DTSTART;TZID=Mars/Olympus:20261201T060000\\nRRULE:FREQ=WEEKLY", duration: 4h }
  - { instrument: s, schedule: "DTSTART:20261201T060000Z\\nRRULE:FREQ=SOMETIMES", duration: 4h }
  - { instrument: s, schedule: "DTSTART:20261201T060000Z\\nRRULE:FREQ=DAILY" }
  - { instrument: s, schedule: "DTSTART:20261201T060000Z\\nRRULE:FREQ=DAILY", duration: 1h, window: 2026-12-01T06:00:00Z/2026-12-01T10:00:00Z }
  - { instrument: s, reason: forgot when }
  - { instrument: s, schedule: "DTSTART:20261201T060000Z\\nRRULE:FREQ=DAILY", duration: soon }
`;
    const problems = problemsOf(() => parseLabSettings(text, 'lab.yaml'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toBe(
      'lab.yaml:11:88: maintenance_windows[6].duration: "soon" is not a duration. Fix: use e.g. 500ms, 10s, 5m, 1h30m',
    );
    const rest = problemsOf(() =>
      parseLabSettings(text.replace(', duration: soon', ', duration: 1h'), 'lab.yaml'),
    );
    expect(rest).toEqual([
      expect.stringMatching(
        /^lab\.yaml:4:15: maintenance_windows\[0\]\.schedule: ".*" has a DTSTART without Z or TZID \(DTSTART:20261201T060000\), which would be host-local time\. Fix: e\.g\. /,
      ),
      expect.stringMatching(
        /^lab\.yaml:6:32: maintenance_windows\[1\]\.schedule: .* names an unknown time zone TZID=Mars\/Olympus\. Fix: /,
      ),
      expect.stringMatching(
        /^lab\.yaml:7:32: maintenance_windows\[2\]\.schedule: .* has an RRULE the rrule library refuses: .*\. Fix: /,
      ),
      'lab.yaml:8:5: maintenance_windows[3]: has a schedule but no duration. Fix: add duration: how long each occurrence lasts, e.g. 4h',
      'lab.yaml:9:5: maintenance_windows[4]: gives both window and schedule. Fix: keep window (one interval) or schedule + duration (recurring)',
      expect.stringMatching(
        /^lab\.yaml:10:5: maintenance_windows\[5\]: has neither window nor schedule\. Fix: add window: START\/END, or schedule: and duration: /,
      ),
    ]);
  });
});
