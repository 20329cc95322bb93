/** A maintenance window: the breaker is forced open from `start` until `end`. */
export interface MaintenanceWindow {
  readonly start: Date;
  readonly end: Date;
  readonly reason: string;
}

/**
 * A recurring maintenance window: an RFC 5545 `DTSTART` + `RRULE` and a duration. Occurrences
 * are expanded lazily around the instant asked about (never a fixed horizon up front), so a
 * schedule without an end costs the same in its tenth year as in its first.
 */
export interface RecurringMaintenanceWindow {
  /** The schedule as written (`DTSTART…\nRRULE:…`). */
  readonly schedule: string;
  /** Length of each occurrence, ms of real time (a 4h window across a DST change is 4 hours). */
  readonly durationMs: number;
  readonly reason: string;
  /** The occurrence in force at `atMs`, or `undefined`; of overlapping ones, the one ending last. */
  windowAt(atMs: number): MaintenanceWindow | undefined;
  /**
   * The next instant after `afterMs` at which an occurrence may start or end (never later than
   * the next real start or end; it may be an earlier instant at which nothing changes), or
   * `undefined` when the schedule has no occurrence left after `afterMs`.
   */
  nextBoundaryAfter(afterMs: number): number | undefined;
  /** Every occurrence overlapping [`fromMs`, `toMs`), in start order. */
  occurrencesBetween(fromMs: number, toMs: number): MaintenanceWindow[];
}

/** A maintenance window as a breaker policy holds it: one interval or a recurring schedule. */
export type MaintenancePlan = MaintenanceWindow | RecurringMaintenanceWindow;

/**
 * A maintenance window of one instrument from the lab settings' top-level `maintenance_windows`
 * list: every breaker whose key names that instrument (and lab, when given) is forced open
 * during it, and `tracseq-slo silences` turns it (or each occurrence) into an Alertmanager
 * silence.
 */
export type InstrumentMaintenanceWindow = MaintenancePlan & {
  readonly instrument: string;
  /** Unset: the instrument in every lab. */
  readonly lab?: string;
};

/** Whether the plan is a recurring schedule rather than one interval. */
export function isRecurring(plan: MaintenancePlan): plan is RecurringMaintenanceWindow {
  return 'schedule' in plan;
}

/** The window in force at `atMs` among `plans`, or `undefined`. */
export function maintenanceWindowAt(
  plans: readonly MaintenancePlan[],
  atMs: number,
): MaintenanceWindow | undefined {
  for (const plan of plans) {
    if (isRecurring(plan)) {
      const window = plan.windowAt(atMs);
      if (window) return window;
    } else if (plan.start.getTime() <= atMs && atMs < plan.end.getTime()) {
      return plan;
    }
  }
  return undefined;
}

/**
 * The next instant after `afterMs` at which the maintenance state of `plans` may change, or
 * `undefined` when no window starts or ends after it. A breaker caches this so its calls compare
 * one number instead of reading the windows.
 */
export function nextMaintenanceBoundaryAfter(
  plans: readonly MaintenancePlan[],
  afterMs: number,
): number | undefined {
  let next: number | undefined;
  const consider = (at: number | undefined) => {
    if (at !== undefined && at > afterMs && (next === undefined || at < next)) next = at;
  };
  for (const plan of plans) {
    if (isRecurring(plan)) consider(plan.nextBoundaryAfter(afterMs));
    else {
      consider(plan.start.getTime());
      consider(plan.end.getTime());
    }
  }
  return next;
}
