/**
 * Buckets of `http_server_request_duration_seconds`. `0.1` must stay a boundary: the latency SLO
 * reads `le="0.1"` for the P95 < 100 ms target.
 */
export const HTTP_DURATION_BUCKETS = [
  0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
] as const;

/** Buckets of sample processing and turnaround, from one second to one day. */
export const SAMPLE_PROCESSING_BUCKETS = [
  1, 5, 15, 30, 60, 300, 900, 1800, 3600, 7200, 14400, 28800, 43200, 86400,
] as const;

/** Buckets for in-process calls: saga steps and circuit-breaker calls share the HTTP scale. */
export const CALL_DURATION_BUCKETS = HTTP_DURATION_BUCKETS;
