import { createRequire } from 'node:module';
import type * as Ajv2020Module from 'ajv/dist/2020.js';
import type { BreakerKey } from '../breakers/breaker-name.js';
import {
  type BreakerConfig,
  type BreakerPolicy,
  type BreakerWindow,
  type ConcurrencyAlgorithm,
  type ConcurrencyPolicy,
  DEFAULT_BREAKER_CONFIG,
  DEFAULT_BREAKER_POLICY,
} from '../breakers/breaker-policy.js';
import { parseDurationMs } from '../duration.js';
import { parseYamlDocument } from '../located/parse-yaml-document.js';
import { schemaProblems } from '../located/schema-problems.js';
import type { SourceMap } from '../located/source-map.js';
import { formatSpecPath, type SpecError, type SpecPath, SpecValidationError } from '../located/spec-error.js';
import type {
  InstrumentMaintenanceWindow,
  MaintenancePlan,
  MaintenanceWindow,
} from '../maintenance/maintenance-window.js';
import { parseRecurringMaintenanceWindow } from '../maintenance/recurring-maintenance-window.js';
import type { LabSettings, StorageZone } from './lab-settings.js';
import { LAB_SETTINGS_SCHEMA } from './lab-settings-schema.js';
import { parseRfc3339Interval } from './rfc3339.js';

type Validate = ReturnType<Ajv2020Module.Ajv2020['compile']>;
let compiled: Validate | undefined;

/**
 * The schema validator, compiled on first use. Every service imports this module through
 * `@tracseq/contract`, most never parse lab settings (no TRACSEQ_LAB_SETTINGS), and loading ajv
 * and compiling the schema cost ~150 ms of CPU and megabytes of old-generation garbage at start,
 * enough to bring a full GC into a new replica's first seconds of traffic.
 */
function validator(): Validate {
  if (compiled === undefined) {
    // ajv is CommonJS; loaded with require so that it loads only here, synchronously.
    const { Ajv2020 } = createRequire(import.meta.url)('ajv/dist/2020.js') as typeof Ajv2020Module;
    compiled = new Ajv2020({ allErrors: true, strict: false, verbose: true }).compile(LAB_SETTINGS_SCHEMA);
  }
  return compiled;
}

/** Source name used when the settings come from no file. */
export const DEFAULT_LAB_SETTINGS_SOURCE = 'laboratory_settings';

/** Settings used when none are configured: one lab, no zones, empty allow-lists, default breakers. */
export const DEFAULT_LAB_SETTINGS: LabSettings = {
  source: DEFAULT_LAB_SETTINGS_SOURCE,
  lab: 'default',
  storageZones: [],
  allowLists: { storage_zones: [], labs: ['default'] },
  maintenanceWindows: [],
  breakers: DEFAULT_BREAKER_CONFIG,
};

/**
 * Invalid lab settings: every problem, one per line as `FILE:LINE:COL: path: problem. Fix: hint`
 * (no position when the settings came from data rather than a file).
 */
export class LabSettingsError extends SpecValidationError {
  /** Each problem as its formatted line. */
  readonly problems: readonly string[];
  constructor(errors: readonly SpecError[]) {
    super(errors);
    this.name = 'LabSettingsError';
    this.problems = this.message.split('\n');
  }
}

type Raw = Record<string, unknown>;
type Locate = (path: SpecPath, atKey?: boolean) => { line: number; column: number };

class Problems {
  readonly errors: SpecError[] = [];
  constructor(
    private readonly file: string,
    private readonly locate: Locate,
  ) {}
  add(path: SpecPath, message: string, hint: string, atKey = false): void {
    const { line, column } = this.locate(path, atKey);
    this.errors.push({ file: this.file, line, column, path: formatSpecPath(path), message, hint });
  }
}

function interval(
  text: string,
  reason: unknown,
  at: SpecPath,
  problems: Problems,
): MaintenanceWindow | undefined {
  const parsed = parseRfc3339Interval(text);
  if ('problem' in parsed) {
    problems.add(
      at,
      `${JSON.stringify(text)} ${parsed.problem}`,
      'e.g. 2026-11-25T08:00:00Z/2026-11-25T12:00:00Z (RFC 3339, zone required, start before end)',
    );
    return undefined;
  }
  return { ...parsed, reason: typeof reason === 'string' ? reason : '' };
}

const SCHEDULE_HINT =
  'e.g. "DTSTART;TZID=Europe/Berlin:20261201T060000\\nRRULE:FREQ=WEEKLY;BYDAY=TU" or DTSTART:20261201T050000Z, with duration: 4h';

/** One entry of a `maintenance` or `maintenance_windows` list: an interval or a recurring schedule. */
function maintenancePlan(entry: Raw, at: SpecPath, problems: Problems): MaintenancePlan | undefined {
  const reason = typeof entry.reason === 'string' ? entry.reason : '';
  if (entry.window !== undefined && entry.schedule !== undefined) {
    problems.add(
      at,
      'gives both window and schedule',
      'keep window (one interval) or schedule + duration (recurring)',
    );
    return undefined;
  }
  if (entry.window !== undefined) {
    if (entry.duration !== undefined) {
      problems.add(
        [...at, 'duration'],
        'only applies to a schedule',
        'remove duration; window gives its own end',
        true,
      );
      return undefined;
    }
    return interval(entry.window as string, entry.reason, [...at, 'window'], problems);
  }
  if (entry.schedule === undefined) {
    problems.add(
      at,
      'has neither window nor schedule',
      `add window: START/END, or schedule: and duration: (${SCHEDULE_HINT})`,
    );
    return undefined;
  }
  if (entry.duration === undefined) {
    problems.add(
      at,
      'has a schedule but no duration',
      'add duration: how long each occurrence lasts, e.g. 4h',
    );
    return undefined;
  }
  const parsed = parseRecurringMaintenanceWindow(
    entry.schedule as string,
    parseDurationMs(entry.duration as string | number),
    reason,
  );
  if ('problem' in parsed) {
    problems.add([...at, 'schedule'], `${JSON.stringify(entry.schedule)} ${parsed.problem}`, SCHEDULE_HINT);
    return undefined;
  }
  return parsed;
}

const TIME_WINDOW: BreakerWindow = Object.freeze({ type: 'time' });

/**
 * The window a policy judges its rates over. `rollingWindow` is the older spelling of
 * `window: {type: time, size}`; a policy gives one or the other.
 */
function windowOf(
  raw: Raw,
  base: BreakerPolicy,
  at: SpecPath,
  problems: Problems,
): { rollingWindowMs: number; window: BreakerWindow } {
  const spec = raw.window as { type: 'time' | 'count'; size: string | number } | undefined;
  if (spec === undefined) {
    if (raw.rollingWindow === undefined)
      return { rollingWindowMs: base.rollingWindowMs, window: base.window };
    return { rollingWindowMs: parseDurationMs(raw.rollingWindow as string | number), window: TIME_WINDOW };
  }
  if (raw.rollingWindow !== undefined) {
    problems.add(
      [...at, 'rollingWindow'],
      'rollingWindow and window both set the window',
      `keep one: window: { type: time, size: ${String(raw.rollingWindow)} } replaces rollingWindow`,
      true,
    );
  }
  if (spec.type === 'time') return { rollingWindowMs: parseDurationMs(spec.size), window: TIME_WINDOW };
  if (typeof spec.size !== 'number') {
    problems.add(
      [...at, 'window', 'size'],
      `${JSON.stringify(spec.size)} is not a number of calls`,
      'with type: count, size is a whole number of calls, e.g. window: { type: count, size: 100 }',
    );
    return { rollingWindowMs: base.rollingWindowMs, window: base.window };
  }
  return { rollingWindowMs: base.rollingWindowMs, window: { type: 'count', size: spec.size } };
}

/** Default starting limit of an adaptive concurrency limit, before min and max clamp it. */
const DEFAULT_INITIAL_CONCURRENCY = 10;

/**
 * A policy's adaptive concurrency limit, with min, max and initial filled in and checked against
 * each other and the capacity (the hard ceiling). A rule's `concurrency` replaces the inherited
 * one whole.
 */
function concurrencyOf(
  raw: Raw,
  base: BreakerPolicy,
  capacity: number,
  at: SpecPath,
  problems: Problems,
): ConcurrencyPolicy | undefined {
  const spec = raw.concurrency as
    | { adaptive: ConcurrencyAlgorithm; min?: number; max?: number; initial?: number }
    | undefined;
  if (spec === undefined) {
    const inherited = base.concurrency;
    if (inherited === undefined || inherited.max <= capacity) return inherited;
    // A rule lowering capacity below the inherited max: the limit never goes above capacity.
    const max = Math.max(inherited.min, capacity);
    return { ...inherited, max, initial: Math.min(inherited.initial, max) };
  }
  const min = spec.min ?? 1;
  const max = spec.max ?? Math.max(min, capacity);
  const initial = spec.initial ?? Math.min(max, Math.max(min, DEFAULT_INITIAL_CONCURRENCY));
  const here = [...at, 'concurrency'];
  if (min > max) {
    problems.add(
      [...here, 'min'],
      `min (${min}) is above max (${max})`,
      `make min <= max, e.g. concurrency: { adaptive: ${spec.adaptive}, min: 1, max: ${Math.max(max, 1)} }`,
    );
  } else if (initial < min || initial > max) {
    problems.add(
      [...here, 'initial'],
      `initial (${initial}) is not within min..max (${min}..${max})`,
      `choose initial between ${min} and ${max}, e.g. initial: ${min}`,
    );
  }
  if (spec.max !== undefined && max > capacity) {
    problems.add(
      [...here, 'max'],
      `max (${max}) is above capacity (${capacity}), the hard ceiling of calls in flight`,
      `lower max to at most ${capacity}, or raise capacity`,
    );
  }
  return { adaptive: spec.adaptive, min, max, initial };
}

function policy(raw: Raw, base: BreakerPolicy, at: SpecPath, problems: Problems): BreakerPolicy {
  const ms = (key: string, fallback: number) =>
    raw[key] === undefined ? fallback : parseDurationMs(raw[key] as string | number);
  const pick = <T>(key: string, fallback: T) => (raw[key] === undefined ? fallback : (raw[key] as T));
  const maintenance =
    raw.maintenance === undefined
      ? base.maintenance
      : (raw.maintenance as Raw[]).flatMap((entry, i) => {
          const plan = maintenancePlan(entry, [...at, 'maintenance', i], problems);
          return plan ? [plan] : [];
        });
  const { rollingWindowMs, window } = windowOf(raw, base, at, problems);
  const slowCallDurationMs = ms('slowCallDuration', base.slowCallDurationMs);
  // Calls enter the window when they start and count as slow when they end: a slow call must
  // end while its start is still in the window, or the slow-call rate has nothing to divide by.
  // Reported where a policy sets either key; a rule setting neither inherits an already reported pair.
  // A count window records calls when they end: no such limit.
  const setter = ['slowCallDuration', 'rollingWindow', 'window'].find((key) => raw[key] !== undefined);
  if (
    setter !== undefined &&
    window.type === 'time' &&
    slowCallDurationMs > 0 &&
    slowCallDurationMs >= rollingWindowMs
  ) {
    problems.add(
      [...at, setter],
      `slowCallDuration (${slowCallDurationMs} ms) is not shorter than rollingWindow (${rollingWindowMs} ms): slow calls would outlast the window they are counted in`,
      `make rollingWindow several times slowCallDuration, e.g. rollingWindow: ${Math.ceil((slowCallDurationMs * 5) / 1000)}s`,
    );
  }
  const capacity = pick('capacity', base.capacity);
  return {
    timeoutMs: ms('timeout', base.timeoutMs),
    errorThreshold: pick('errorThreshold', base.errorThreshold),
    // A rule's errorThresholds replace the inherited ones whole, as its maintenance list does.
    errorThresholds: pick('errorThresholds', base.errorThresholds),
    volumeThreshold: pick('volumeThreshold', base.volumeThreshold),
    rollingWindowMs,
    window,
    resetTimeoutMs: ms('resetTimeout', base.resetTimeoutMs),
    halfOpenTrials: pick('halfOpenTrials', base.halfOpenTrials),
    capacity,
    critical: pick('critical', base.critical),
    enabled: pick('enabled', base.enabled),
    maintenance,
    openAlertAfterMs: ms('openAlertAfter', base.openAlertAfterMs),
    slowCallDurationMs,
    slowCallRateThreshold: pick('slowCallRateThreshold', base.slowCallRateThreshold),
    concurrency: concurrencyOf(raw, base, capacity, at, problems),
  };
}

function typed(doc: Raw, source: string, problems: Problems): LabSettings {
  const lab = doc.lab as string;
  const zones = ((doc.storage_zones as Raw[] | undefined) ?? []).map((zone, i): StorageZone => {
    if ((doc.storage_zones as Raw[]).findIndex((z) => z.name === zone.name) !== i) {
      problems.add(
        ['storage_zones', i, 'name'],
        `zone ${String(zone.name)} is listed twice`,
        'give each zone its own name',
      );
    }
    return {
      name: zone.name as string,
      temperature: zone.temperature as number,
      capacity: zone.capacity as number,
      ...(zone.temperature_margin === undefined
        ? {}
        : { temperatureMargin: zone.temperature_margin as number }),
      ...(zone.temperature_for === undefined ? {} : { temperatureFor: zone.temperature_for as string }),
    };
  });
  const allowLists: Record<string, readonly string[]> = {
    ...((doc.allow_lists as Raw | undefined) ?? {}),
  } as Record<string, readonly string[]>;
  allowLists.storage_zones = zones.map((z) => z.name);
  if (!allowLists.labs) allowLists.labs = [lab];
  const maintenanceWindows = ((doc.maintenance_windows as Raw[] | undefined) ?? []).flatMap(
    (entry, i): InstrumentMaintenanceWindow[] => {
      const plan = maintenancePlan(entry, ['maintenance_windows', i], problems);
      if (!plan) return [];
      const instrument = entry.instrument as string;
      // Spread keeps a recurring window's methods: they are own properties (closures).
      return [{ ...plan, instrument, ...(entry.lab === undefined ? {} : { lab: entry.lab as string }) }];
    },
  );
  const breakersRaw = (doc.breakers as Raw | undefined) ?? {};
  const defaults =
    breakersRaw.defaults === undefined
      ? DEFAULT_BREAKER_POLICY
      : policy(breakersRaw.defaults as Raw, DEFAULT_BREAKER_POLICY, ['breakers', 'defaults'], problems);
  const rules = ((breakersRaw.rules as Raw[] | undefined) ?? []).map((rule, i) => ({
    match: rule.match as BreakerKey,
    policy: policy(rule, defaults, ['breakers', 'rules', i], problems),
  }));
  const trimSlash = (url: unknown) => (url as string).replace(/\/+$/, '');
  return {
    source,
    lab,
    storageZones: zones,
    allowLists,
    maintenanceWindows,
    breakers: { defaults, rules, maintenanceWindows },
    ...(doc.grafana_url === undefined ? {} : { grafanaUrl: trimSlash(doc.grafana_url) }),
    ...(doc.runbook_base_url === undefined ? {} : { runbookBaseUrl: trimSlash(doc.runbook_base_url) }),
    ...(doc.dashboard_uid_prefix === undefined
      ? {}
      : { dashboardUidPrefix: doc.dashboard_uid_prefix as string }),
  };
}

function check(data: unknown, source: string, locate: Locate): LabSettings {
  const problems = new Problems(source, locate);
  if (data === null || typeof data !== 'object' || Array.isArray(data)) {
    problems.add(
      [],
      'the lab settings must be a mapping',
      'start with lab: <name>, then storage_zones, allow_lists, breakers',
    );
    throw new LabSettingsError(problems.errors);
  }
  const validate = validator();
  if (!validate(data)) {
    for (const p of schemaProblems(validate.errors ?? [])) problems.add(p.path, p.message, p.hint, p.atKey);
    throw new LabSettingsError(problems.errors);
  }
  const settings = typed(data as unknown as Raw, source, problems);
  if (problems.errors.length > 0) throw new LabSettingsError(problems.errors);
  return settings;
}

const NO_POSITION: Locate = () => ({ line: 0, column: 0 });

/**
 * Parses and validates the lab settings YAML: the one parser every package reads them through.
 * Throws {@link LabSettingsError} listing every problem with file, line, column, field and fix.
 */
export function parseLabSettings(text: string, source: string = DEFAULT_LAB_SETTINGS_SOURCE): LabSettings {
  const parsed = parseYamlDocument(text, source);
  if ('errors' in parsed) throw new LabSettingsError(parsed.errors);
  const { map } = parsed as { map: SourceMap };
  return check(parsed.data, source, (path, atKey) => map.locate(path, atKey));
}

/**
 * Validates lab settings given as data (e.g. built in code or read from JSON); errors name the
 * field but no line.
 */
export function readLabSettings(data: unknown, source: string = DEFAULT_LAB_SETTINGS_SOURCE): LabSettings {
  return check(data, source, NO_POSITION);
}

/**
 * Validates a `breakers` section given as data (`{defaults, rules}`), as a service configuring
 * breakers in code passes it; `maintenance_windows` may be given beside it.
 */
export function parseBreakerConfig(breakers: unknown, maintenanceWindows?: unknown): BreakerConfig {
  return readLabSettings({
    lab: 'default',
    ...(breakers === undefined ? {} : { breakers }),
    ...(maintenanceWindows === undefined ? {} : { maintenance_windows: maintenanceWindows }),
  }).breakers;
}
