import { parseDuration } from '@tracseq/contract';
import { resolveCalendarMonth } from './calendar-month.js';
import type { ReportSettings } from './collect-report.js';

/** The `tracseq-slo report` flags, as `parseArgs` gives them. */
export interface ReportFlags {
  readonly prometheus?: string;
  readonly period?: string;
  readonly at?: string;
  readonly format?: string;
  readonly 'recovery-target'?: string;
  readonly step?: string;
  readonly calendar?: string;
  readonly output?: string;
}

/** Output formats of `tracseq-slo report`. */
export const REPORT_FORMATS = ['markdown', 'json', 'html'] as const;

/** Validated report options. */
export interface ReportOptions extends ReportSettings {
  readonly prometheusUrl: string;
  readonly format: (typeof REPORT_FORMATS)[number];
  /** File to write (atomically) instead of stdout. */
  readonly output?: string;
}

/** Default recovery target: the roadmap's "recover in under 5 minutes". */
export const DEFAULT_RECOVERY_TARGET = '5m';

/** Default alert query step: the usual rule evaluation interval. */
export const DEFAULT_STEP = '1m';

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/i;

function duration(flag: string, text: string): number {
  try {
    return parseDuration(text);
  } catch (error) {
    throw new Error(`--${flag}: ${(error as Error).message}`);
  }
}

/**
 * Validates the report flags; `now` (unix seconds) is the default period end. Throws an Error
 * whose message names the flag; the CLI turns it into a usage error (exit 2).
 */
export function parseReportFlags(flags: ReportFlags, now: number): ReportOptions {
  if (!flags.prometheus) throw new Error('--prometheus URL is required');
  let url: URL;
  try {
    url = new URL(flags.prometheus);
  } catch {
    throw new Error(`--prometheus: "${flags.prometheus}" is not a URL, e.g. http://127.0.0.1:9090`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new Error(`--prometheus: "${flags.prometheus}" must be an http:// or https:// URL`);
  const format = (flags.format ?? 'markdown') as ReportOptions['format'];
  if (!REPORT_FORMATS.includes(format))
    throw new Error(`--format: "${format}" is not one of ${REPORT_FORMATS.join(', ')}`);
  if (flags.output !== undefined && flags.output.trim() === '')
    throw new Error('--output: give a file name, e.g. --output slo-report.html');
  let at = now;
  if (flags.at !== undefined) {
    at = Date.parse(flags.at) / 1000;
    if (!RFC3339.test(flags.at) || Number.isNaN(at))
      throw new Error(`--at: "${flags.at}" is not an RFC 3339 time, e.g. 2025-01-31T00:00:00Z`);
  }
  const stepSeconds = duration('step', flags.step ?? DEFAULT_STEP);
  if (flags.calendar !== undefined && flags.period !== undefined)
    throw new Error('--calendar and --period exclude each other: a calendar month is the period');
  let periodSeconds = flags.period === undefined ? undefined : duration('period', flags.period);
  let calendarMonth: string | undefined;
  if (flags.calendar !== undefined) {
    const month = resolveCalendarMonth(flags.calendar, at);
    calendarMonth = month.month;
    at = month.to;
    periodSeconds = month.to - month.from;
    if (periodSeconds < stepSeconds)
      throw new Error(
        `--calendar ${flags.calendar}: ${month.month} so far is shorter than --step ${flags.step ?? DEFAULT_STEP}; report the previous month instead`,
      );
  }
  if (periodSeconds !== undefined && periodSeconds < stepSeconds)
    throw new Error(`--period ${flags.period} is shorter than --step ${flags.step ?? DEFAULT_STEP}`);
  return {
    prometheusUrl: flags.prometheus,
    format,
    ...(flags.output === undefined ? {} : { output: flags.output }),
    at,
    ...(periodSeconds === undefined ? {} : { periodSeconds }),
    ...(calendarMonth === undefined ? {} : { calendarMonth }),
    ...(format === 'html' ? { timeline: true } : {}),
    stepSeconds,
    recoveryTargetSeconds: duration('recovery-target', flags['recovery-target'] ?? DEFAULT_RECOVERY_TARGET),
  };
}
