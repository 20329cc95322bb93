let lastIso = { time: Number.NaN, iso: '' };

/** `date.toISOString()`, remembered for the last instant: an open breaker rejects with one date. */
function isoString(date: Date): string {
  const time = date.getTime();
  if (time !== lastIso.time) lastIso = { time, iso: date.toISOString() };
  return lastIso.iso;
}

/** Base of every error a breaker raises instead of running the action. */
export class BreakerRejectedError extends Error {
  /** Breaker name `<lab>/<instrument>/<operation>`. */
  readonly breaker: string;
  constructor(breaker: string, message: string) {
    super(message);
    this.name = 'BreakerRejectedError';
    this.breaker = breaker;
  }
}

/** The breaker is open (or half-open with every trial slot taken). */
export class BreakerOpenError extends BreakerRejectedError {
  constructor(breaker: string, retryAfter?: Date) {
    super(
      breaker,
      `circuit breaker ${breaker} is open${retryAfter ? `; next trial after ${isoString(retryAfter)}` : ''}`,
    );
    this.name = 'BreakerOpenError';
  }
}

/** The target is in a maintenance window: the breaker is forced open until it ends. */
export class MaintenanceError extends BreakerRejectedError {
  readonly until: Date;
  readonly reason: string;
  constructor(breaker: string, target: string, until: Date, reason: string) {
    super(breaker, `${target} is in maintenance until ${until.toISOString()}${reason ? ` (${reason})` : ''}`);
    this.name = 'MaintenanceError';
    this.until = until;
    this.reason = reason;
  }
}

/** More calls are in flight than the breaker's capacity allows. */
export class CapacityError extends BreakerRejectedError {
  constructor(breaker: string, capacity: number) {
    super(breaker, `circuit breaker ${breaker} is at capacity (${capacity} calls in flight)`);
    this.name = 'CapacityError';
  }
}

/** The action did not finish within the breaker's timeout; its signal was aborted. */
export class BreakerTimeoutError extends Error {
  readonly breaker: string;
  constructor(breaker: string, timeoutMs: number) {
    super(`call through ${breaker} timed out after ${timeoutMs} ms`);
    this.name = 'BreakerTimeoutError';
    this.breaker = breaker;
  }
}
