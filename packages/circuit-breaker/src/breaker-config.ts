import { parse } from 'yaml';
import type { BreakerKey } from './breaker-name.js';
import { parseDurationMs } from './duration.js';

/** A maintenance window: the breaker is forced open from `start` until `end`. */
export interface MaintenanceWindow {
  readonly start: Date;
  readonly end: Date;
  readonly reason: string;
}

/**
 * A maintenance window of one instrument from the lab settings' top-level `maintenance_windows`
 * list: every breaker whose key names that instrument (and lab, when given) is forced open
 * during it, and `tracseq-slo silences` turns it into an Alertmanager silence.
 */
export interface InstrumentMaintenanceWindow extends MaintenanceWindow {
  readonly instrument: string;
  /** Unset: the instrument in every lab. */
  readonly lab?: string;
}

/** The settings of one breaker, all durations in milliseconds. */
export interface BreakerPolicy {
  /** Abort the action after this long; `0` disables the timeout. */
  readonly timeoutMs: number;
  /** Failure ratio (0..1] over the rolling window above which the breaker opens. */
  readonly errorThreshold: number;
  /** Calls needed in the rolling window before the ratio is judged. */
  readonly volumeThreshold: number;
  readonly rollingWindowMs: number;
  /** Time open before half-open trials are allowed. */
  readonly resetTimeoutMs: number;
  /** Trial calls admitted while half-open; all must succeed to close. */
  readonly halfOpenTrials: number;
  /** Calls in flight at once; more are rejected, not counted as failures. */
  readonly capacity: number;
  /** An open breaker fails readiness (never during maintenance). */
  readonly critical: boolean;
  /** `false` passes every call straight through (state `disabled`). */
  readonly enabled: boolean;
  readonly maintenance: readonly MaintenanceWindow[];
  /**
   * A critical breaker open (or half-open) longer than this raises the on-call alert
   * `TracseqCircuitBreakerStuckOpen`; the default is the roadmap's 5-minute recovery target.
   */
  readonly openAlertAfterMs: number;
}

/** One rule: a key pattern and the settings it overrides. */
export interface BreakerRule {
  readonly match: BreakerKey;
  readonly policy: BreakerPolicy;
}

/** Validated breaker configuration. */
export interface BreakerConfig {
  readonly defaults: BreakerPolicy;
  readonly rules: readonly BreakerRule[];
  /** Instrument maintenance windows, applied on top of the matching rule's own windows. */
  readonly maintenanceWindows: readonly InstrumentMaintenanceWindow[];
}

/** Defaults when the lab settings give none. */
export const DEFAULT_BREAKER_POLICY: BreakerPolicy = {
  timeoutMs: 10_000,
  errorThreshold: 0.5,
  volumeThreshold: 10,
  rollingWindowMs: 10_000,
  resetTimeoutMs: 30_000,
  halfOpenTrials: 1,
  capacity: 100,
  critical: false,
  enabled: true,
  maintenance: [],
  openAlertAfterMs: 300_000,
};

/** A configuration problem, naming the source, the field and the fix. */
export class BreakerConfigError extends Error {
  readonly problems: readonly string[];
  constructor(problems: readonly string[]) {
    super(`invalid circuit-breaker configuration:\n${problems.join('\n')}`);
    this.name = 'BreakerConfigError';
    this.problems = problems;
  }
}

const POLICY_FIELDS = [
  'timeout',
  'errorThreshold',
  'volumeThreshold',
  'rollingWindow',
  'resetTimeout',
  'halfOpenTrials',
  'capacity',
  'critical',
  'enabled',
  'maintenance',
  'openAlertAfter',
] as const;

type Raw = Record<string, unknown>;

function isObject(value: unknown): value is Raw {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function parseWindow(entry: unknown, where: string, problems: string[]): MaintenanceWindow | undefined {
  const window = isObject(entry) ? entry.window : undefined;
  const [from, to, extra] = typeof window === 'string' ? window.split('/') : [];
  const start = new Date(from ?? '');
  const end = new Date(to ?? '');
  if (extra !== undefined || Number.isNaN(start.getTime()) || Number.isNaN(end.getTime()) || end <= start) {
    problems.push(
      `${where}.window: ${JSON.stringify(window)} is not an RFC 3339 interval. Fix: e.g. 2026-11-25T08:00:00Z/2026-11-25T12:00:00Z (start before end)`,
    );
    return undefined;
  }
  return { start, end, reason: isObject(entry) && typeof entry.reason === 'string' ? entry.reason : '' };
}

const NAME_PART = /^[^/]+$/;

/**
 * Validates the lab settings' top-level `maintenance_windows` list
 * (`[{instrument, window: START/END, reason, lab?}]`). Throws {@link BreakerConfigError} listing
 * every problem with its field path.
 */
export function parseMaintenanceWindows(
  data: unknown,
  source = 'maintenance_windows',
): InstrumentMaintenanceWindow[] {
  if (data === undefined || data === null) return [];
  if (!Array.isArray(data))
    throw new BreakerConfigError([`${source}: must be a list of {instrument, window: START/END, reason}`]);
  const problems: string[] = [];
  const windows = data.flatMap((entry, i) => {
    const at = `${source}[${i}]`;
    if (!isObject(entry)) {
      problems.push(`${at}: must be a mapping {instrument, window, reason}`);
      return [];
    }
    for (const key of Object.keys(entry)) {
      if (!['instrument', 'lab', 'window', 'reason'].includes(key))
        problems.push(`${at}.${key}: unknown field. Fix: use instrument, lab, window or reason`);
    }
    const { instrument, lab } = entry;
    if (typeof instrument !== 'string' || !NAME_PART.test(instrument)) {
      problems.push(`${at}.instrument: missing or contains "/". Fix: name the instrument, e.g. sequencer-1`);
      return [];
    }
    if (lab !== undefined && (typeof lab !== 'string' || !NAME_PART.test(lab))) {
      problems.push(`${at}.lab: must be a lab name without "/", e.g. lab-a`);
      return [];
    }
    const window = parseWindow(entry, at, problems);
    if (!window) return [];
    return [{ ...window, instrument, ...(lab === undefined ? {} : { lab }) }];
  });
  if (problems.length > 0) throw new BreakerConfigError(problems);
  return windows;
}

function parsePolicy(raw: Raw, base: BreakerPolicy, at: string, problems: string[]): BreakerPolicy {
  const allowed = new Set<string>([...POLICY_FIELDS, 'match']);
  for (const key of Object.keys(raw)) {
    if (!allowed.has(key))
      problems.push(`${at}.${key}: unknown field. Fix: use one of ${POLICY_FIELDS.join(', ')}`);
  }
  const duration = (key: string, fallback: number) => {
    if (raw[key] === undefined) return fallback;
    try {
      return parseDurationMs(raw[key] as string | number);
    } catch {
      problems.push(
        `${at}.${key}: ${JSON.stringify(raw[key])} is not a duration. Fix: use e.g. 500ms, 10s, 5m, 1h30m`,
      );
      return fallback;
    }
  };
  const integer = (key: string, fallback: number, min: number) => {
    const value = raw[key];
    if (value === undefined) return fallback;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
      problems.push(
        `${at}.${key}: ${JSON.stringify(value)} is not a whole number >= ${min}. Fix: e.g. ${key}: ${fallback}`,
      );
      return fallback;
    }
    return value;
  };
  const flag = (key: string, fallback: boolean) => {
    const value = raw[key];
    if (value === undefined) return fallback;
    if (typeof value !== 'boolean') {
      problems.push(`${at}.${key}: ${JSON.stringify(value)} is not true or false`);
      return fallback;
    }
    return value;
  };
  let errorThreshold = base.errorThreshold;
  if (raw.errorThreshold !== undefined) {
    const value = raw.errorThreshold;
    if (typeof value !== 'number' || value <= 0 || value > 1) {
      problems.push(
        `${at}.errorThreshold: ${JSON.stringify(value)} is not a ratio in (0, 1]. Fix: e.g. 0.5 for 50 %`,
      );
    } else {
      errorThreshold = value;
    }
  }
  let maintenance = base.maintenance;
  if (raw.maintenance !== undefined) {
    if (!Array.isArray(raw.maintenance)) {
      problems.push(`${at}.maintenance: must be a list of {window: START/END, reason}`);
    } else {
      maintenance = raw.maintenance.flatMap((entry, i) => {
        const window = parseWindow(entry, `${at}.maintenance[${i}]`, problems);
        return window ? [window] : [];
      });
    }
  }
  return {
    timeoutMs: duration('timeout', base.timeoutMs),
    errorThreshold,
    volumeThreshold: integer('volumeThreshold', base.volumeThreshold, 1),
    rollingWindowMs: duration('rollingWindow', base.rollingWindowMs),
    resetTimeoutMs: duration('resetTimeout', base.resetTimeoutMs),
    halfOpenTrials: integer('halfOpenTrials', base.halfOpenTrials, 1),
    capacity: integer('capacity', base.capacity, 1),
    critical: flag('critical', base.critical),
    enabled: flag('enabled', base.enabled),
    maintenance,
    openAlertAfterMs: duration('openAlertAfter', base.openAlertAfterMs),
  };
}

/**
 * Validates the `breakers` section of the lab settings (`{defaults, rules: [{match, ...}]}`),
 * given as parsed data. Durations are spelled like `10s`; maintenance windows are RFC 3339
 * intervals. Throws {@link BreakerConfigError} listing every problem with its field path.
 */
export function parseBreakerConfig(
  data: unknown,
  source = 'breakers',
  maintenanceWindows: readonly InstrumentMaintenanceWindow[] = [],
): BreakerConfig {
  const problems: string[] = [];
  const raw = data ?? {};
  if (!isObject(raw)) throw new BreakerConfigError([`${source}: must be a mapping with defaults and rules`]);
  for (const key of Object.keys(raw)) {
    if (key !== 'defaults' && key !== 'rules')
      problems.push(`${source}.${key}: unknown field. Fix: use defaults or rules`);
  }
  const defaults = isObject(raw.defaults)
    ? parsePolicy(raw.defaults, DEFAULT_BREAKER_POLICY, `${source}.defaults`, problems)
    : DEFAULT_BREAKER_POLICY;
  const rawRules = raw.rules ?? [];
  if (!Array.isArray(rawRules)) problems.push(`${source}.rules: must be a list`);
  const rules = (Array.isArray(rawRules) ? rawRules : []).flatMap((rule, i) => {
    const at = `${source}.rules[${i}]`;
    if (!isObject(rule) || !isObject(rule.match)) {
      problems.push(`${at}.match: missing. Fix: add match: {lab, instrument, operation} (any of them)`);
      return [];
    }
    const match: Record<string, string> = {};
    for (const [key, value] of Object.entries(rule.match)) {
      if (key !== 'lab' && key !== 'instrument' && key !== 'operation') {
        problems.push(`${at}.match.${key}: unknown key. Fix: use lab, instrument or operation`);
      } else if (typeof value !== 'string' || value === '' || value.includes('/')) {
        problems.push(`${at}.match.${key}: must be a non-empty name without "/"`);
      } else {
        match[key] = value;
      }
    }
    if (Object.keys(match).length === 0)
      problems.push(`${at}.match: names nothing. Fix: give lab, instrument or operation`);
    return [{ match: match as BreakerKey, policy: parsePolicy(rule, defaults, at, problems) }];
  });
  if (problems.length > 0) throw new BreakerConfigError(problems);
  return { defaults, rules, maintenanceWindows };
}

/**
 * Parses the lab settings YAML document and validates its `breakers` section and its
 * `maintenance_windows` list.
 */
export function parseBreakerConfigYaml(text: string, source = 'laboratory_settings'): BreakerConfig {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (error) {
    throw new BreakerConfigError([
      `${source}: YAML syntax error: ${(error as Error).message.split('\n')[0]}`,
    ]);
  }
  const settings = isObject(doc) ? doc : {};
  return parseBreakerConfig(
    settings.breakers,
    `${source}: breakers`,
    parseMaintenanceWindows(settings.maintenance_windows, `${source}: maintenance_windows`),
  );
}
