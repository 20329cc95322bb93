import { FAILURE_KINDS, type FailureKind } from '@tracseq/contract';
import { BreakerTimeoutError } from './errors.js';

export { FAILURE_KINDS, type FailureKind };

/** How a failed call counts: `failure` may open the breaker, `ignored` never does. */
export type ErrorClass = 'failure' | 'ignored';

/**
 * Decides how an error counts: `ignored`, `failure` (of the kind the default rules give it) or
 * a failure kind; return `undefined` to use the default classification.
 */
export type ErrorClassifier = (error: unknown) => ErrorClass | FailureKind | undefined;

const DOMAIN_ERROR_NAMES = new Set(['ValidationError', 'DomainError', 'NotFoundError', 'ConflictError']);
/** Connection-level error codes of Node (libuv) and undici: the dependency was not reached. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const KINDS: ReadonlySet<string> = new Set(FAILURE_KINDS);

function statusOf(error: unknown): number | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const e = error as { status?: unknown; statusCode?: unknown; response?: { status?: unknown } };
  const status = e.status ?? e.statusCode ?? e.response?.status;
  return typeof status === 'number' ? status : undefined;
}

function codeOf(error: unknown): string | undefined {
  // fetch() wraps the socket's error: TypeError('fetch failed', { cause }).
  for (let e = error, depth = 0; e !== null && typeof e === 'object' && depth < 3; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

function headerOf(headers: unknown, name: string): string | undefined {
  if (headers === null || typeof headers !== 'object') return undefined;
  const get = (headers as { get?: unknown }).get;
  const value =
    typeof get === 'function'
      ? (get as (n: string) => unknown).call(headers, name)
      : (headers as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/**
 * How long an HTTP 429 asks the caller to wait, in ms from `now`, read from its `Retry-After`
 * header (delay-seconds or an HTTP date) on `error.headers` or `error.response.headers` (a
 * fetch `Headers` or a plain object with lower-case names). `undefined` for anything else.
 */
export function retryAfterMs(error: unknown, now: number = Date.now()): number | undefined {
  if (statusOf(error) !== 429) return undefined;
  const e = error as { headers?: unknown; response?: { headers?: unknown } };
  const value = headerOf(e.headers, 'retry-after') ?? headerOf(e.response?.headers, 'retry-after');
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function defaultClass(error: unknown): ErrorClass {
  const status = statusOf(error);
  if (status !== undefined && status >= 400 && status < 500 && status !== 408 && status !== 429)
    return 'ignored';
  if (error instanceof Error && DOMAIN_ERROR_NAMES.has(error.name)) return 'ignored';
  if (
    error !== null &&
    typeof error === 'object' &&
    (error as { breakerIgnore?: unknown }).breakerIgnore === true
  ) {
    return 'ignored';
  }
  // Back-pressure: the dependency says when to come back; the breaker waits, it does not judge.
  if (retryAfterMs(error) !== undefined) return 'ignored';
  return 'failure';
}

function defaultKind(error: unknown): FailureKind {
  if (error instanceof BreakerTimeoutError) return 'timeout';
  const status = statusOf(error);
  if (status === 408 || status === 429) return 'overload';
  if (status !== undefined && status >= 500 && status < 600) return 'server_error';
  if (error instanceof Error && error.name === 'TimeoutError') return 'timeout';
  const code = codeOf(error);
  if (code === 'ETIMEDOUT' || code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT')
    return 'timeout';
  if (code !== undefined && NETWORK_CODES.has(code)) return 'network';
  return 'other';
}

/**
 * Default classification: the caller's mistakes are not the dependency's failures. HTTP 4xx
 * (except 408 and 429, which signal an overloaded dependency), validation and domain errors,
 * errors flagged `breakerIgnore: true`, and a 429 with `Retry-After` (back-pressure, which the
 * breaker waits out instead) are `ignored`; everything else is a `failure`.
 */
export function classifyError(error: unknown, custom?: ErrorClassifier): ErrorClass {
  const decided = custom?.(error);
  if (decided !== undefined) return decided === 'ignored' ? 'ignored' : 'failure';
  return defaultClass(error);
}

/**
 * The kind of a failure, or `undefined` when the error is `ignored`: a custom classifier's
 * kind, else `timeout` (the breaker's own timeout, a `TimeoutError`, `ETIMEDOUT`),
 * `overload` (HTTP 408, 429), `server_error` (HTTP 5xx), `network` (connection refused, reset,
 * unresolved, ...; also inside fetch's `cause`) or `other`.
 */
export function failureKind(error: unknown, custom?: ErrorClassifier): FailureKind | undefined {
  const decided = custom?.(error);
  if (decided === 'ignored') return undefined;
  if (decided !== undefined && KINDS.has(decided)) return decided as FailureKind;
  if (decided === undefined && defaultClass(error) === 'ignored') return undefined;
  return defaultKind(error);
}
