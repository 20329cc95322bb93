import { parseDuration } from '@tracseq/contract';

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})$/i;
const RELATIVE = /^(?:now)?-(.+)$/i;

/**
 * Parses a `--from`/`--to` time of `replay` to unix milliseconds: an RFC 3339 time
 * (`2025-01-31T00:00:00Z`, fractions kept), `now`, or a duration before `nowMs` (`-30d`,
 * `now-2h30m`). Throws an Error whose message names the flag and shows the accepted forms.
 */
export function parseReplayTime(flag: string, text: string, nowMs: number): number {
  const trimmed = text.trim();
  if (trimmed.toLowerCase() === 'now') return nowMs;
  const relative = RELATIVE.exec(trimmed);
  if (relative) {
    try {
      return nowMs - parseDuration(relative[1] as string) * 1000;
    } catch (error) {
      throw new Error(`--${flag}: "${text}": ${(error as Error).message}`);
    }
  }
  const ms = Date.parse(trimmed);
  if (!RFC3339.test(trimmed) || Number.isNaN(ms))
    throw new Error(
      `--${flag}: "${text}" is not a time: use RFC 3339 (2025-01-31T00:00:00Z), now, or a duration before now (-30d, -2h30m)`,
    );
  return ms;
}
