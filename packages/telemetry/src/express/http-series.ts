import {
  METRICS,
  OTHER_HTTP_METHOD,
  OTHER_LABEL_VALUE,
  SLI_EXCLUSION_REASONS,
  tenantLabel,
} from '@tracseq/contract';
import type { ContractMetrics } from '../metrics/create-metrics-registry.js';
import { GaugeSeries, HistogramSeries } from '../metrics/fast-series.js';
import { LabelSetMap } from '../metrics/label-set-map.js';
import type { SeriesLimiter } from '../metrics/series-limiter.js';

const DURATION = METRICS.httpServerRequestDuration.name;
const EXCLUDED = METRICS.httpServerExcludedRequests.name;
const TENANT_LABEL = tenantLabel.name;

/**
 * Label sets each HTTP metric keeps for requests whose own label set the cap refused: one per
 * status class (`1xx` … `5xx`), per exclusion reason for the excluded-requests counter.
 */
export const OVERFLOW_LABEL_SETS = 5;

/**
 * Smallest `TRACSEQ_SERIES_LIMIT` that sets the overflow label sets aside: below it (tests,
 * development) every label set goes to real routes and a refused request is not recorded.
 */
export const MIN_LIMIT_FOR_OVERFLOW = 50;

/**
 * `http_response_status_code` of an overflow label set: the status class. `5xx` still matches the
 * availability SLI's `=~"5.."`, so server errors past the cap keep spending the error budget.
 */
export function statusClass(status: number): string {
  return `${Math.floor(status / 100)}xx`;
}

/**
 * The HTTP metrics' series for the request hot path: handles cached per label set, so a request
 * costs map lookups, and every new label set passes the per-metric cardinality cap.
 *
 * Past the cap (see `SeriesLimiter`), a request is counted in
 * `tracseq_telemetry_series_dropped_total{metric}` and recorded under an overflow label set
 * instead of its own: `http_request_method="_OTHER"`, `http_route="other"`,
 * `http_response_status_code` its status class (`5xx`), `tracseq_tenant="other"` when the
 * tenant label exists. Those label sets count toward the cap: with a cap of at least
 * {@link MIN_LIMIT_FOR_OVERFLOW}, {@link OVERFLOW_LABEL_SETS} of it are set aside for them, so a
 * metric never holds more than the cap and the SLIs (status, latency) still see every request.
 * Below that, a refused request is not recorded at all.
 */
export class HttpSeries {
  readonly #metrics: ContractMetrics;
  readonly #limiter: SeriesLimiter;
  readonly #activeByMethod = new Map<string, GaugeSeries>();
  /** Handles of admitted label sets (they stay admitted); tenant `''` when there is none. */
  readonly #durationByLabelSet = new LabelSetMap<HistogramSeries>();
  /** Handles of overflow label sets, by their limiter key. */
  readonly #overflowByKey = new Map<string, HistogramSeries>();

  constructor(metrics: ContractMetrics, limiter: SeriesLimiter) {
    this.#metrics = metrics;
    this.#limiter = limiter;
    const reserve = limiter.maxLabelSets >= MIN_LIMIT_FOR_OVERFLOW ? OVERFLOW_LABEL_SETS : 0;
    limiter.reserve(DURATION, reserve);
    limiter.reserve(EXCLUDED, reserve * SLI_EXCLUSION_REASONS.length);
  }

  /** `http_server_active_requests` for a (normalized, so bounded) method. */
  active(method: string): GaugeSeries {
    let handle = this.#activeByMethod.get(method);
    if (handle === undefined) {
      handle = new GaugeSeries(this.#metrics.httpServerActiveRequests, { http_request_method: method });
      this.#activeByMethod.set(method, handle);
    }
    return handle;
  }

  /**
   * The duration histogram series of a request, or `undefined` when neither its label set nor
   * an overflow one fits under the cap (the refusal is counted either way).
   */
  duration(
    method: string,
    route: string,
    status: number,
    statusLabel: string,
    tenant: string | undefined,
  ): HistogramSeries | undefined {
    const known = this.#durationByLabelSet.get(route, status, method, tenant ?? '');
    if (known !== undefined) return known;
    const key =
      tenant === undefined
        ? `${method}\u0000${route}\u0000${statusLabel}`
        : `${method}\u0000${route}\u0000${statusLabel}\u0000${tenant}`;
    if (this.#limiter.allow(DURATION, key)) {
      const labels: Record<string, string> = {
        http_request_method: method,
        http_route: route,
        http_response_status_code: statusLabel,
      };
      if (tenant !== undefined) labels[TENANT_LABEL] = tenant;
      const handle = new HistogramSeries(this.#metrics.httpServerRequestDuration, labels);
      this.#durationByLabelSet.set(route, status, method, tenant ?? '', handle);
      return handle;
    }
    const cls = statusClass(status);
    const overflowKey = overflowKeyOf(cls, undefined, tenant);
    let handle = this.#overflowByKey.get(overflowKey);
    if (handle === undefined) {
      if (!this.#limiter.allowReserved(DURATION, overflowKey)) return undefined;
      handle = new HistogramSeries(this.#metrics.httpServerRequestDuration, overflowLabels(cls, tenant));
      this.#overflowByKey.set(overflowKey, handle);
    }
    return handle;
  }

  /**
   * Counts a request left out of the SLIs in `tracseq_http_server_excluded_requests_total`, under
   * the same cap and overflow rule as the histogram.
   */
  countExcluded(
    method: string,
    route: string,
    status: number,
    statusLabel: string,
    reason: string,
    tenant: string | undefined,
  ): void {
    const base = `${method}\u0000${route}\u0000${statusLabel}\u0000${reason}`;
    const key = tenant === undefined ? base : `${base}\u0000${tenant}`;
    let labels: Record<string, string>;
    if (this.#limiter.allow(EXCLUDED, key)) {
      labels = { http_request_method: method, http_route: route, http_response_status_code: statusLabel };
      if (tenant !== undefined) labels[TENANT_LABEL] = tenant;
    } else {
      const cls = statusClass(status);
      if (!this.#limiter.allowReserved(EXCLUDED, overflowKeyOf(cls, reason, tenant))) return;
      labels = overflowLabels(cls, tenant);
    }
    labels.reason = reason;
    this.#metrics.httpServerExcludedRequests.inc(labels);
  }
}

/** Limiter key of an overflow label set; `_OTHER`/`other`/`Nxx` cannot come from a real request. */
function overflowKeyOf(cls: string, reason: string | undefined, tenant: string | undefined): string {
  let key = `${OTHER_HTTP_METHOD}\u0000${OTHER_LABEL_VALUE}\u0000${cls}`;
  if (reason !== undefined) key += `\u0000${reason}`;
  if (tenant !== undefined) key += `\u0000${OTHER_LABEL_VALUE}`;
  return key;
}

function overflowLabels(cls: string, tenant: string | undefined): Record<string, string> {
  const labels: Record<string, string> = {
    http_request_method: OTHER_HTTP_METHOD,
    http_route: OTHER_LABEL_VALUE,
    http_response_status_code: cls,
  };
  if (tenant !== undefined) labels[TENANT_LABEL] = OTHER_LABEL_VALUE;
  return labels;
}
