const UNITS = [
  ['d', 86_400],
  ['h', 3_600],
  ['m', 60],
  ['s', 1],
] as const;

const DURATION = /^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/**
 * Parses a duration spelled with `d`, `h`, `m`, `s` (e.g. `30d`, `2h24m`, `10s`) into whole
 * seconds. Weeks and years are refused: their length is ambiguous next to Prometheus's.
 */
export function parseDuration(text: string): number {
  const match = DURATION.exec(text);
  if (text === '' || match === null) {
    throw new Error(`"${text}" is not a duration: use whole numbers with d, h, m, s, e.g. 30d, 1h, 2h24m`);
  }
  const seconds = UNITS.reduce((sum, [, size], i) => sum + Number(match[i + 1] ?? 0) * size, 0);
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
