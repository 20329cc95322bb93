import { context, createContextKey } from '@opentelemetry/api';
import { SLI_EXCLUSION_REASONS, type SliExclusionReason } from '@tracseq/contract';

/** Per-request state the Express middleware keeps in the request's OTel context. */
export interface RequestState {
  /** Set once the request's telemetry has been recorded; later marks have no effect. */
  done: boolean;
  /** Set by {@link excludeFromSlis}. */
  excluded: SliExclusionReason | undefined;
  /**
   * The exception that reached Express's final handler (see `installAppEntry`); the
   * request line carries it, so it is logged once, with the request.
   */
  error: unknown;
}

/** Private context key of {@link RequestState}: only this package reads or writes it. */
export const REQUEST_STATE_KEY = createContextKey('tracseq.http_request_state');

/**
 * Leaves the HTTP request whose async context is active out of the HTTP SLIs: when it finishes
 * it is not observed in `http_server_request_duration_seconds` (which the availability and latency
 * SLIs read) but counted in `tracseq_http_server_excluded_requests_total{reason}`. Its span still
 * ends (with `tracseq.sli_excluded=<reason>`) and its request log line is still written (with
 * `tracseq.sli_excluded`).
 *
 * Call it from a handler or middleware of an instrumented app, e.g. when answering 503 during a
 * declared maintenance window.
 *
 * @param reason - why, from the contract's {@link SLI_EXCLUSION_REASONS}.
 * @returns `true` when a request was marked; `false` when no instrumented request is active (or
 *   its telemetry was already recorded).
 * @throws TypeError when `reason` is not one of {@link SLI_EXCLUSION_REASONS}.
 */
export function excludeFromSlis(reason: SliExclusionReason): boolean {
  if (!(SLI_EXCLUSION_REASONS as readonly string[]).includes(reason)) {
    throw new TypeError(
      `excludeFromSlis: ${JSON.stringify(reason)} is not a reason; use one of ${SLI_EXCLUSION_REASONS.join(', ')}`,
    );
  }
  const state = context.active().getValue(REQUEST_STATE_KEY) as RequestState | undefined;
  if (state === undefined || state.done) return false;
  state.excluded = reason;
  return true;
}
