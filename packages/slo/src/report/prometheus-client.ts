/** A Prometheus that could not be reached or refused a query; the message names the URL (and the query). */
export class PrometheusError extends Error {
  override name = 'PrometheusError';
}

/** One series of a range query: its labels and `[unix seconds, value]` samples, oldest first. */
export interface RangeSeries {
  readonly metric: Readonly<Record<string, string>>;
  readonly samples: readonly (readonly [number, number])[];
}

/** The two Prometheus HTTP API calls the report needs. */
export interface PrometheusClient {
  /** Base URL queries go to, without a trailing slash. */
  readonly url: string;
  /**
   * Instant query at `time` (unix seconds) expected to return at most one sample: its value, or
   * `undefined` when the result is empty. More than one series is a {@link PrometheusError}.
   */
  queryValue(query: string, time: number): Promise<number | undefined>;
  /**
   * Range query from `start` to `end` (unix seconds, inclusive) every `step` seconds. Split into
   * requests of at most {@link MAX_POINTS_PER_REQUEST} points (Prometheus refuses more than
   * 11,000 per series) and merged per label set.
   */
  queryRange(query: string, start: number, end: number, step: number): Promise<RangeSeries[]>;
}

/** Options of {@link createPrometheusClient}. */
export interface PrometheusClientOptions {
  /** Timeout of each HTTP request in milliseconds (default 120,000, Prometheus's own query timeout). */
  readonly timeoutMs?: number;
  /** `fetch` to use (default the global one). */
  readonly fetch?: typeof fetch;
}

/** Points per range request; below Prometheus's limit of 11,000 points per series. */
export const MAX_POINTS_PER_REQUEST = 10_000;

/** `[start, end]` sub-ranges on the grid `start + k * step`, each of at most `maxPoints` points. */
export function splitRange(
  start: number,
  end: number,
  step: number,
  maxPoints = MAX_POINTS_PER_REQUEST,
): [number, number][] {
  const points = Math.floor((end - start) / step) + 1;
  const chunks: [number, number][] = [];
  for (let first = 0; first < points; first += maxPoints) {
    const last = Math.min(points, first + maxPoints) - 1;
    chunks.push([start + first * step, start + last * step]);
  }
  return chunks;
}

interface ApiBody {
  status?: string;
  data?: { resultType: string; result: unknown };
  errorType?: string;
  error?: string;
}

function describeFailure(error: unknown): string {
  const err = error as Error & { cause?: { code?: string; message?: string } };
  return err.cause?.code ?? err.cause?.message ?? err.message;
}

function labelKey(metric: Readonly<Record<string, string>>): string {
  return JSON.stringify(Object.entries(metric).sort(([a], [b]) => a.localeCompare(b)));
}

/** A client of the Prometheus HTTP API at `baseUrl` (e.g. `http://127.0.0.1:9090`), using `fetch`. */
export function createPrometheusClient(
  baseUrl: string,
  options: PrometheusClientOptions = {},
): PrometheusClient {
  const url = baseUrl.replace(/\/+$/, '');
  const timeoutMs = options.timeoutMs ?? 120_000;
  const doFetch = options.fetch ?? fetch;

  const call = async (path: string, params: Record<string, string>): Promise<ApiBody['data']> => {
    const query = params.query ?? '';
    let response: Response;
    try {
      response = await doFetch(`${url}${path}`, {
        method: 'POST',
        body: new URLSearchParams(params),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (error) {
      if ((error as Error).name === 'TimeoutError')
        throw new PrometheusError(
          `Prometheus at ${url} did not answer within ${timeoutMs / 1000}s (query: ${query})`,
        );
      throw new PrometheusError(`cannot reach Prometheus at ${url}: ${describeFailure(error)}`);
    }
    let body: ApiBody;
    try {
      body = (await response.json()) as ApiBody;
    } catch {
      throw new PrometheusError(
        `${url}${path} answered HTTP ${response.status} without a Prometheus API body: is ${url} a Prometheus?`,
      );
    }
    if (body.status !== 'success' || !body.data) {
      throw new PrometheusError(
        `Prometheus at ${url} refused query ${query}: ${body.errorType ?? `HTTP ${response.status}`}: ${body.error ?? 'no error text'}`,
      );
    }
    return body.data;
  };

  return {
    url,
    async queryValue(query, time) {
      const data = await call('/api/v1/query', { query, time: String(time) });
      if (data?.resultType === 'scalar') return Number((data.result as [number, string])[1]);
      const result = data?.result as { value: [number, string] }[];
      if (data?.resultType !== 'vector' || result.length > 1) {
        throw new PrometheusError(
          `Prometheus at ${url}: query ${query} returned ${data?.resultType === 'vector' ? `${result.length} series` : `a ${data?.resultType}`}, expected at most one sample`,
        );
      }
      return result[0] === undefined ? undefined : Number(result[0].value[1]);
    },
    async queryRange(query, start, end, step) {
      const merged = new Map<string, { metric: Record<string, string>; samples: [number, number][] }>();
      for (const [from, to] of splitRange(start, end, step)) {
        const data = await call('/api/v1/query_range', {
          query,
          start: String(from),
          end: String(to),
          step: String(step),
        });
        if (data?.resultType !== 'matrix')
          throw new PrometheusError(`Prometheus at ${url}: query ${query} returned a ${data?.resultType}`);
        for (const series of data.result as {
          metric: Record<string, string>;
          values: [number, string][];
        }[]) {
          const key = labelKey(series.metric);
          const entry = merged.get(key) ?? { metric: series.metric, samples: [] };
          for (const [ts, value] of series.values) entry.samples.push([ts, Number(value)]);
          merged.set(key, entry);
        }
      }
      return [...merged.values()];
    },
  };
}
