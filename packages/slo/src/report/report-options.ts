import { parseDuration } from '@tracseq/contract';
import type { ReportSettings } from './collect-report.js';

/** The `tracseq-slo report` flags, as `parseArgs` gives them. */
export interface ReportFlags {
  readonly prometheus?: string;
  readonly period?: string;
  readonly at?: string;
  readonly format?: string;
  readonly 'recovery-target'?: string;
  readonly step?: string;
}

/** Validated report options. */
export interface ReportOptions extends ReportSettings {
  readonly prometheusUrl: string;
  readonly format: 'markdown' | 'json';
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
  const format = flags.format ?? 'markdown';
  if (format !== 'markdown' && format !== 'json')
    throw new Error(`--format: "${format}" is not one of markdown, json`);
  let at = now;
  if (flags.at !== undefined) {
    at = Date.parse(flags.at) / 1000;
    if (!RFC3339.test(flags.at) || Number.isNaN(at))
      throw new Error(`--at: "${flags.at}" is not an RFC 3339 time, e.g. 2025-01-31T00:00:00Z`);
  }
  const stepSeconds = duration('step', flags.step ?? DEFAULT_STEP);
  const periodSeconds = flags.period === undefined ? undefined : duration('period', flags.period);
  if (periodSeconds !== undefined && periodSeconds < stepSeconds)
    throw new Error(`--period ${flags.period} is shorter than --step ${flags.step ?? DEFAULT_STEP}`);
  return {
    prometheusUrl: flags.prometheus,
    format,
    at,
    ...(periodSeconds === undefined ? {} : { periodSeconds }),
    stepSeconds,
    recoveryTargetSeconds: duration('recovery-target', flags['recovery-target'] ?? DEFAULT_RECOVERY_TARGET),
  };
}
