/**
 * `@tracseq/telemetry/contract`: the metric contract, re-exported from `@tracseq/contract` (its
 * home) so code written against this entry point keeps working.
 *
 * @packageDocumentation
 */
export * from '@tracseq/contract';
