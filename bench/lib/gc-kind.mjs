/**
 * The kind of a `gc` performance entry (`perf_hooks.constants.NODE_PERFORMANCE_GC_*`).
 * Node puts it in `entry.detail`, which the `PerformanceEntry` type does not declare.
 * @param {import('node:perf_hooks').PerformanceEntry} entry
 * @returns {number | undefined}
 */
export function gcKind(entry) {
  return /** @type {{ detail?: { kind?: number } }} */ (/** @type {unknown} */ (entry)).detail?.kind;
}
