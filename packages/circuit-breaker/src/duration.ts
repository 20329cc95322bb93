const PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/g;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * Parses a duration such as `500ms`, `10s`, `5m`, `1h30m` into milliseconds; a plain number is
 * taken as milliseconds. Throws with the accepted spellings otherwise.
 */
export function parseDurationMs(value: string | number): number {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  const text = String(value).trim();
  const parts = [...text.matchAll(PART)];
  if (text === '' || parts.map((p) => p[0]).join('') !== text) {
    throw new Error(`"${text}" is not a duration: use e.g. 500ms, 10s, 5m, 1h30m`);
  }
  return parts.reduce((ms, p) => ms + Number(p[1]) * (UNIT_MS[p[2] as string] as number), 0);
}
