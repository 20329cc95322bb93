import type { LogShippingStats } from '../logging/log-shipping-stats.js';
import type { SpanLossStats } from '../tracing/span-loss-ledger.js';

/** The last log line of a shutdown: what was lost, if anything. */
export interface ShutdownSummary {
  readonly level: 'info' | 'warn';
  readonly fields: Record<string, unknown>;
  readonly message: string;
}

/**
 * What the telemetry delivered and lost over the process's life, written once shutdown has
 * flushed (or given up): spans exported and dropped by reason, log lines shipped, dropped and
 * failed when Elasticsearch is configured. A warning when anything was lost, so a dying pod's
 * last line says so; the counters say the same, but nobody scrapes a process that has exited.
 */
export function shutdownSummary(
  spans: SpanLossStats,
  logs: LogShippingStats | undefined,
  flushed: boolean,
): ShutdownSummary {
  const { queue_full, export_failed, shutdown } = spans.dropped;
  const droppedSpans = queue_full + export_failed + shutdown;
  const lostLogs = logs === undefined ? 0 : logs.dropped + logs.failed;
  const parts = [
    `${spans.exported} span(s) exported`,
    droppedSpans === 0
      ? 'none dropped'
      : `${droppedSpans} dropped (queue_full ${queue_full}, export_failed ${export_failed}, shutdown ${shutdown})`,
  ];
  if (logs !== undefined) {
    parts.push(
      `${logs.shipped} log line(s) shipped to Elasticsearch, ${logs.dropped} dropped, ${logs.failed} failed`,
    );
  }
  const fields: Record<string, unknown> = {
    tracseq: {
      spans: { exported: spans.exported, dropped: { ...spans.dropped } },
      ...(logs === undefined
        ? {}
        : { logs: { shipped: logs.shipped, dropped: logs.dropped, failed: logs.failed } }),
      flushed,
    },
  };
  return {
    level: droppedSpans + lostLogs > 0 ? 'warn' : 'info',
    fields,
    message: `telemetry stopped: ${parts.join('; ')}`,
  };
}
