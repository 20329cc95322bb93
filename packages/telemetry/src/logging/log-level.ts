import { type LevelWithSilent, pino } from 'pino';

/** Levels `createLogger` accepts, lowest first: pino's levels plus `silent` (logs nothing). */
export const LOG_LEVELS: readonly LevelWithSilent[] = [
  ...(Object.entries(pino.levels.values) as [LevelWithSilent, number][])
    .sort(([, a], [, b]) => a - b)
    .map(([label]) => label),
  'silent',
];

/**
 * Returns `value` as a pino level, or throws an Error naming the option, the value and the
 * allowed levels: a typo in a level (`"warning"`) must fail at start-up, not silence logs.
 */
export function parseLogLevel(value: unknown, field = 'level'): LevelWithSilent {
  if (typeof value === 'string' && (LOG_LEVELS as readonly string[]).includes(value)) {
    return value as LevelWithSilent;
  }
  throw new Error(
    `createLogger: ${field} must be one of ${LOG_LEVELS.join(', ')} (got ${JSON.stringify(value)})`,
  );
}
