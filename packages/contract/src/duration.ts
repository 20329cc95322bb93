/**
 * The toolkit's one duration syntax: whole or decimal numbers with `d`, `h`, `m`, `s`, `ms`,
 * largest unit first (`30d`, `2h24m`, `1m30s`, `500ms`). Weeks and years are refused: their length
 * is ambiguous next to Prometheus's.
 */
const DURATION =
  /^(?:(\d+(?:\.\d+)?)d)?(?:(\d+(?:\.\d+)?)h)?(?:(\d+(?:\.\d+)?)m)?(?:(\d+(?:\.\d+)?)s)?(?:(\d+(?:\.\d+)?)ms)?$/;
const UNIT_MS = [86_400_000, 3_600_000, 60_000, 1_000, 1] as const;
const UNITS = [
  ['d', 86_400],
  ['h', 3_600],
  ['m', 60],
  ['s', 1],
] as const;

function matchParts(text: string): (string | undefined)[] | undefined {
  const match = DURATION.exec(text);
  return text === '' || match === null ? undefined : match.slice(1);
}

/**
 * Parses a duration such as `500ms`, `10s`, `5m`, `1h30m` into milliseconds; a plain
 * non-negative number is taken as milliseconds (YAML `timeout: 250`). Throws with the accepted
 * spellings otherwise.
 */
export function parseDurationMs(value: string | number): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  const text = String(value).trim();
  const parts = matchParts(text);
  if (parts === undefined) throw new Error(`"${text}" is not a duration: use e.g. 500ms, 10s, 5m, 1h30m`);
  return parts.reduce((ms, part, i) => ms + Number(part ?? 0) * (UNIT_MS[i] as number), 0);
}

/**
 * Parses a duration of whole seconds spelled with `d`, `h`, `m`, `s` (e.g. `30d`, `2h24m`,
 * `10s`), as Prometheus rule files need them.
 */
export function parseDuration(text: string): number {
  const parts = matchParts(text);
  if (parts === undefined || parts[4] !== undefined || parts.some((p) => p?.includes('.'))) {
    throw new Error(`"${text}" is not a duration: use whole numbers with d, h, m, s, e.g. 30d, 1h, 2h24m`);
  }
  const seconds = parts.reduce((sum, part, i) => sum + Number(part ?? 0) * (UNITS[i]?.[1] ?? 0), 0);
  if (seconds === 0) throw new Error(`"${text}" is not a duration: it must be longer than zero`);
  return seconds;
}

/**
 * Spells whole seconds the Prometheus way with the largest units that divide exactly, combined
 * where needed: 2592000 → `30d`, 8640 → `2h24m`. Never `w` or `y`.
 */
export function formatDuration(seconds: number): string {
  if (!Number.isInteger(seconds) || seconds <= 0) {
    throw new Error(`cannot spell ${seconds} s as a duration: it must be a positive whole number of seconds`);
  }
  let rest = seconds;
  let text = '';
  for (const [unit, size] of UNITS) {
    const count = Math.floor(rest / size);
    if (count > 0) {
      text += `${count}${unit}`;
      rest -= count * size;
    }
  }
  return text;
}
