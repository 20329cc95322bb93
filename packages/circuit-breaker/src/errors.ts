let lastIso = { time: Number.NaN, iso: '' };

/** `date.toISOString()`, remembered for the last instant: an open breaker rejects with one date. */
function isoString(date: Date): string {
  const time = date.getTime();
  if (time !== lastIso.time) lastIso = { time, iso: date.toISOString() };
  return lastIso.iso;
}

/**
 * Base of every error a breaker raises instead of running the action. These errors carry no
 * stack trace (`stack` is the name and message only): an open breaker rejects every call, and
 * capturing the stack was most of a rejection's cost (~3 µs, several times the rest), while the
 * message already says which breaker rejected and why.
 */
export class BreakerRejectedError extends Error {
  /** Breaker name `<lab>/<instrument>/<operation>`. */
  readonly breaker: string;
  constructor(breaker: string, message: string) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(message);
    } finally {
      Error.stackTraceLimit = limit;
    }
    this.name = 'BreakerRejectedError';
    this.breaker = breaker;
  }
}

let lastOpen = { breaker: '', time: Number.NaN, message: '' };

/**
 * A {@link BreakerOpenError}'s message, remembered for the last breaker and retry-after instant:
 * an open breaker rejects every call with the same text, so a rejection reuses the string instead
 * of concatenating it again (a V8 string is immutable: sharing it shares nothing a caller can
 * change; each caller still gets its own error object).
 */
function openMessage(breaker: string, retryAfter: Date | undefined): string {
  if (retryAfter === undefined) return `circuit breaker ${breaker} is open`;
  const time = retryAfter.getTime();
  if (breaker !== lastOpen.breaker || time !== lastOpen.time) {
    lastOpen = {
      breaker,
      time,
      message: `circuit breaker ${breaker} is open; next trial after ${isoString(retryAfter)}`,
    };
  }
  return lastOpen.message;
}

/** The breaker is open (or half-open with every trial slot taken). */
export class BreakerOpenError extends BreakerRejectedError {
  constructor(breaker: string, retryAfter?: Date) {
    super(breaker, openMessage(breaker, retryAfter));
    this.name = 'BreakerOpenError';
  }
}

/**
 * The {@link BreakerOpenError}s of a breaker's open path, made without the `Error` constructor:
 * even with no stack captured it costs ~250 ns, a third of a whole rejection and more than the
 * rest of the breaker's own work, and an open breaker rejects every call. They are
 * `BreakerOpenError`s, `BreakerRejectedError`s and `Error`s (`instanceof`), with the same
 * `name`, `message`, `breaker` and `stack` (`name: message`, as with no frames); only
 * `Error.isError` and `util.types.isNativeError` tell them apart. One object per rejection.
 */
const OpenRejection = function (this: BreakerOpenError, breaker: string, message: string) {
  this.name = 'BreakerOpenError';
  this.message = message;
  this.stack = `BreakerOpenError: ${message}`;
  (this as { breaker: string }).breaker = breaker;
} as unknown as new (
  breaker: string,
  message: string,
) => BreakerOpenError;
OpenRejection.prototype = BreakerOpenError.prototype;

/** A breaker's rejection of a call while it is open (see `OpenRejection` for how it is made). */
export function openRejection(breaker: string, retryAfter?: Date): BreakerOpenError {
  return new OpenRejection(breaker, openMessage(breaker, retryAfter));
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

/**
 * The dependency answered HTTP 429 with `Retry-After`: the breaker holds calls back until then
 * (at most its reset timeout) instead of counting the 429 as a failure.
 */
export class BackPressureError extends BreakerRejectedError {
  /** When calls go through again. */
  readonly retryAfter: Date;
  constructor(breaker: string, retryAfter: Date) {
    super(
      breaker,
      `circuit breaker ${breaker} holds calls back: the dependency answered 429 with Retry-After until ${isoString(retryAfter)}`,
    );
    this.name = 'BackPressureError';
    this.retryAfter = retryAfter;
  }
}

/** More calls are in flight than the breaker's capacity allows. */
export class CapacityError extends BreakerRejectedError {
  constructor(breaker: string, capacity: number, message?: string) {
    super(breaker, message ?? `circuit breaker ${breaker} is at capacity (${capacity} calls in flight)`);
    this.name = 'CapacityError';
  }
}

/**
 * More calls are in flight than the breaker's adaptive concurrency limit allows now (a
 * {@link CapacityError}: rejected fast, never a failure).
 */
export class ConcurrencyLimitError extends CapacityError {
  /** The limit when the call was rejected. */
  readonly limit: number;
  constructor(breaker: string, limit: number) {
    super(
      breaker,
      limit,
      `circuit breaker ${breaker} is at its adaptive concurrency limit (${limit} calls in flight)`,
    );
    this.name = 'ConcurrencyLimitError';
    this.limit = limit;
  }
}

/**
 * The action did not finish within the breaker's timeout; its signal was aborted. No stack trace
 * either: it is created by the breaker's deadline timer, whose frames say nothing about the call
 * (and a failure storm creates one per hung call).
 */
export class BreakerTimeoutError extends Error {
  readonly breaker: string;
  constructor(breaker: string, timeoutMs: number) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(`call through ${breaker} timed out after ${timeoutMs} ms`);
    } finally {
      Error.stackTraceLimit = limit;
    }
    this.name = 'BreakerTimeoutError';
    this.breaker = breaker;
  }
}
