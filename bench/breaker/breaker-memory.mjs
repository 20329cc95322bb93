// Heap per breaker: create N, collect garbage, and divide the heap growth by N. Needs
// `node --expose-gc`; without it the numbers would include garbage, so none are reported.

import * as ours from '@tracseq/circuit-breaker';
import CircuitBreaker from 'opossum';
import { round } from '../lib/stats.mjs';
import { contractObservers, labBreaker, opossumOptions, work } from './subjects.mjs';

function settledHeap() {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
}

function bytesPer(count, create, dispose) {
  const before = settledHeap();
  const items = Array.from({ length: count }, (_, i) => create(i));
  const after = settledHeap();
  for (const item of items) dispose(item);
  return round((after - before) / count, 0);
}

/**
 * Heap per breaker as a service holds them (null without --expose-gc): one `BreakerRegistry` with contract metrics, each
 * breaker created by its first `registry.call(key)` (a success), so the count includes the
 * registry's caches and the breaker's `success` series (counter and histogram) besides its 5
 * state series.
 */
export async function registryBytesPer(count, lib = ours) {
  if (typeof globalThis.gc !== 'function') return null;
  const registry = new lib.BreakerRegistry(
    lib.parseBreakerConfig({ defaults: { resetTimeout: '10m' } }),
    contractObservers(lib),
  );
  const before = settledHeap();
  for (let i = 0; i < count; i++) {
    await registry.call({ lab: 'lab-a', instrument: `lims-${i}`, operation: 'lookup' }, work);
  }
  const after = settledHeap();
  registry.dispose();
  return round((after - before) / count, 0);
}

/** Bytes of heap per breaker for each kind, or null without --expose-gc. */
export async function measureBreakerMemory(count) {
  if (typeof globalThis.gc !== 'function') return null;
  // One registry for all breakers, as in a service; each breaker adds its own series to it.
  const observers = contractObservers();
  return {
    count,
    opossum: bytesPer(
      count,
      () => new CircuitBreaker(work, opossumOptions()),
      (b) => b.shutdown(),
    ),
    lab: bytesPer(
      count,
      (i) => labBreaker(i),
      (b) => b.dispose(),
    ),
    labMetrics: bytesPer(
      count,
      (i) => labBreaker(i, observers),
      (b) => b.dispose(),
    ),
    registryMetrics: await registryBytesPer(count),
  };
}
