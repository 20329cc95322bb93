import { setTimeout as sleep } from 'node:timers/promises';

/** Options of {@link waitFor}. */
export interface WaitForOptions {
  /** Give up after this long (default 30 s). */
  readonly timeoutMs?: number;
  /** Poll this often (default 200 ms). */
  readonly intervalMs?: number;
  /** What is awaited, for the timeout error. */
  readonly description?: string;
}

/**
 * Polls `probe` until it returns a value other than `undefined`, `null` or `false`, and returns
 * that value. Errors thrown by the probe count as "not yet"; the last one is reported on timeout.
 */
export async function waitFor<T>(
  probe: () => T | Promise<T>,
  options: WaitForOptions = {},
): Promise<Exclude<T, undefined | null | false>> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const intervalMs = options.intervalMs ?? 200;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined && value !== null && value !== false) {
        return value as Exclude<T, undefined | null | false>;
      }
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) {
      const cause = lastError instanceof Error ? `; last error: ${lastError.message}` : '';
      throw new Error(
        `timed out after ${timeoutMs} ms waiting for ${options.description ?? 'condition'}${cause}`,
      );
    }
    await sleep(intervalMs);
  }
}
