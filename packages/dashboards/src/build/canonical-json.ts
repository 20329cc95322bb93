/** A JSON value. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A JSON object (a dashboard, a panel). */
export type JsonObject = { [key: string]: JsonValue };

/**
 * A deep copy with object keys sorted and `undefined`/functions dropped. Sorting makes the
 * output independent of the order builders happen to set fields in, so regenerating after an
 * SDK upgrade diffs only real changes; arrays keep their order (panels, targets, steps).
 */
export function canonicalJson(value: unknown): JsonValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`${value} cannot be written as JSON`);
    return value;
  }
  if (Array.isArray(value)) return value.map((item) => canonicalJson(item === undefined ? null : item));
  if (typeof value === 'object') {
    const out: JsonObject = {};
    for (const key of Object.keys(value).sort()) {
      const item = (value as Record<string, unknown>)[key];
      if (item === undefined || typeof item === 'function') continue;
      out[key] = canonicalJson(item);
    }
    return out;
  }
  throw new Error(`a ${typeof value} cannot be written as JSON`);
}

/** Dashboard JSON as committed: two-space indent, sorted keys, final newline. */
export function renderJson(value: unknown): string {
  return `${JSON.stringify(canonicalJson(value), null, 2)}\n`;
}
