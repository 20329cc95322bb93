/**
 * The TracSeq metric contract: names, types, help, labels, bounded label values and buckets of
 * every metric TracSeq services expose. No runtime dependencies, so any package or tool can
 * import it.
 *
 * @packageDocumentation
 */
export * from './buckets.js';
export * from './contract-json.js';
export * from './labels.js';
export * from './metrics.js';
export * from './naming-rules.js';
export type * from './types.js';
