/**
 * `@tracseq/circuit-breaker`: lab-aware circuit breakers.
 *
 * @packageDocumentation
 */
export { type BreakerKey, breakerName, WILDCARD } from './breaker-name.js';
