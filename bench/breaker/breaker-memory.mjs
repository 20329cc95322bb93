// Heap per breaker: create N, collect garbage, and divide the heap growth by N. Needs
// `node --expose-gc`; without it the numbers would include garbage, so none are reported.
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

/** Bytes of heap per breaker for each kind, or null without --expose-gc. */
export function measureBreakerMemory(count) {
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
  };
}
