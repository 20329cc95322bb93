/**
 * `value` as an Error, for what handlers pass to `next()` or throw: Errors as they are, anything
 * else (a string, an object) wrapped so the log line and the span event still get a type, a
 * message and a stack.
 */
export function toError(value: unknown): Error {
  if (value instanceof Error) return value;
  let text: string;
  try {
    text = typeof value === 'string' ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  const error = new Error(text);
  error.name = 'NonErrorThrown';
  return error;
}

/** `error.type` (span attribute; ECS uses the same rule): the error's class, else its name. */
export function errorType(value: unknown): string {
  if (value instanceof Error) {
    const constructorName = value.constructor?.name;
    return constructorName && constructorName !== 'Object' ? constructorName : value.name;
  }
  return 'NonErrorThrown';
}

/** The HTTP status an error asks for (`status` or `statusCode` in 400-599, as Express honours), if any. */
export function errorStatus(value: unknown): number | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const { status, statusCode } = value as { status?: unknown; statusCode?: unknown };
  if (typeof status === 'number' && status >= 400 && status < 600) return status;
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 600) return statusCode;
  return undefined;
}
