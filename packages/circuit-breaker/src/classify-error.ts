/** How a failed call counts: `failure` may open the breaker, `ignored` never does. */
export type ErrorClass = 'failure' | 'ignored';

/** Decides how an error counts; return `undefined` to use the default classification. */
export type ErrorClassifier = (error: unknown) => ErrorClass | undefined;

const DOMAIN_ERROR_NAMES = new Set(['ValidationError', 'DomainError', 'NotFoundError', 'ConflictError']);

function statusOf(error: unknown): number | undefined {
  if (error === null || typeof error !== 'object') return undefined;
  const e = error as { status?: unknown; statusCode?: unknown; response?: { status?: unknown } };
  const status = e.status ?? e.statusCode ?? e.response?.status;
  return typeof status === 'number' ? status : undefined;
}

/**
 * Default classification: the caller's mistakes are not the dependency's failures. HTTP 4xx
 * (except 408 and 429, which signal an overloaded dependency), validation and domain errors, and
 * errors flagged `breakerIgnore: true` are `ignored`; everything else is a `failure`.
 */
export function classifyError(error: unknown, custom?: ErrorClassifier): ErrorClass {
  const decided = custom?.(error);
  if (decided !== undefined) return decided;
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
  return 'failure';
}
