/** Names of the SLO alerts (DESIGN §5): fixed, other tooling routes and silences on them. */
export const SLO_ALERTS = {
  /** One alerting rule per window pair; labels `slo`, `service`, `severity`, `long_window`, `short_window`. */
  burn: 'SloErrorBudgetBurn',
  /** The SLI's total series is absent. */
  absent: 'SloMetricAbsent',
  /** Less of the period's error budget left than the SLO's `policy.minBudgetLeft` (severity warning). */
  budgetLow: 'SloErrorBudgetLow',
} as const;

/** Prefix of every operational (non-SLO) alert name. */
export const OPERATIONAL_ALERT_PREFIX = 'Tracseq';

/** Operational alert names, as suffixes of {@link OPERATIONAL_ALERT_PREFIX}. */
export const OPERATIONAL_ALERTS = {
  storageAlmostFull: 'StorageZoneAlmostFull',
  storagePredictedFull: 'StoragePredictedFull',
  temperature: 'FreezerTemperatureOutOfRange',
  breakerStuckOpen: 'CircuitBreakerStuckOpen',
  targetDown: 'TargetDown',
  logRecordsLost: 'TelemetryLogRecordsLost',
  spansDropped: 'TelemetrySpansDropped',
  seriesDropped: 'TelemetrySeriesDropped',
  watchdog: 'Watchdog',
} as const;

/** Severities alerts carry: `critical` pages, `warning` opens a ticket. */
export const SEVERITIES = { page: 'critical', ticket: 'warning' } as const;

/** Severity of the dead-man's switch: routed to its own receiver, never a page or a ticket. */
export const WATCHDOG_SEVERITY = 'none';

/** Label the lab alerts carry so one Alertmanager silence covers an instrument's maintenance. */
export const INSTRUMENT_LABEL = 'instrument';
