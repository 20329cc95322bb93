import { describe, expect, it } from 'vitest';
import { LogBuffer } from './log-buffer.js';

/** Adds `count` lines of `size` bytes numbered from `firstSeq`; returns the drop count. */
function fill(buffer: LogBuffer, count: number, size: number, firstSeq = 0): number {
  let dropped = 0;
  for (let i = 0; i < count; i++)
    dropped += buffer.add(`${firstSeq + i}`.padEnd(size, '.'), size, firstSeq + i);
  return dropped;
}

describe('LogBuffer', () => {
  it('evicts the oldest lines when full and never holds more than the cap', () => {
    const buffer = new LogBuffer(100);
    expect(fill(buffer, 10, 10)).toBe(0);
    expect(fill(buffer, 3, 10, 10)).toBe(3);
    expect(buffer.bytes).toBe(100);
    expect(buffer.peakBytes).toBe(100);
    expect(buffer.firstSeq).toBe(3);
    const batch = buffer.checkout(1000);
    expect(batch?.lines.map((line) => Number.parseInt(line, 10))).toEqual([3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
  });

  it('drops a line larger than the cap without touching the others', () => {
    const buffer = new LogBuffer(100);
    fill(buffer, 2, 10);
    expect(buffer.add('x'.repeat(101), 101, 2)).toBe(1);
    expect(buffer.lines).toBe(2);
  });

  it('cuts batches of at most maxBytes, always at least one line', () => {
    const buffer = new LogBuffer(1000);
    fill(buffer, 5, 30);
    expect(buffer.checkout(70)?.lines).toHaveLength(2);
    expect(buffer.checkout(70)).toBeUndefined(); // one batch out at a time
    const big = new LogBuffer(1000);
    fill(big, 1, 300);
    expect(big.checkout(10)?.lines).toHaveLength(1);
  });

  it('protects the batch in flight from eviction, counting it against the cap', () => {
    const buffer = new LogBuffer(100);
    fill(buffer, 6, 10);
    const batch = buffer.checkout(60);
    expect(batch?.lines).toHaveLength(6);
    // 40 bytes left: the 5th new line evicts the oldest pending one, never a line in flight.
    expect(fill(buffer, 4, 10, 6)).toBe(0);
    expect(fill(buffer, 1, 10, 10)).toBe(1);
    expect(buffer.bytes).toBe(100);
    // Only in-flight lines left to evict: the new line itself is dropped.
    const tight = new LogBuffer(50);
    fill(tight, 5, 10);
    tight.checkout(50);
    expect(tight.add('y'.repeat(10), 10, 5)).toBe(1);
    expect(tight.bytes).toBe(50);
  });

  it('keeps the refused lines of a batch for a retry, where they are the first to be evicted', () => {
    const buffer = new LogBuffer(100);
    fill(buffer, 5, 10);
    const first = buffer.checkout(1000);
    if (first === undefined) throw new Error('expected a batch');
    expect(first.attempts).toBe(0);
    expect(buffer.settle(first.token, [1, 3])).toBe(true);
    expect(buffer.hasRetry).toBe(true);
    expect(buffer.lines).toBe(2);
    expect(buffer.firstSeq).toBe(1);

    fill(buffer, 8, 10, 5);
    expect(buffer.bytes).toBe(100);
    expect(fill(buffer, 1, 10, 13)).toBe(1);
    expect(buffer.firstSeq).toBe(3);

    const retry = buffer.checkout(1000);
    expect(retry?.attempts).toBe(1);
    expect(retry?.lines.map((line) => Number.parseInt(line, 10))).toEqual([3]);
  });

  it('ignores settling a batch it no longer holds', () => {
    const buffer = new LogBuffer(100);
    fill(buffer, 3, 10);
    const batch = buffer.checkout(1000);
    if (batch === undefined) throw new Error('expected a batch');
    expect(buffer.clear()).toBe(3);
    expect(buffer.settle(batch.token, [])).toBe(false);
    expect(buffer.release(batch.token)).toBe(false);
    expect(buffer.lines).toBe(0);
    expect(buffer.firstSeq).toBe(Number.POSITIVE_INFINITY);
  });

  it('releases an unanswered batch unchanged, without counting an attempt', () => {
    const buffer = new LogBuffer(100);
    fill(buffer, 3, 10);
    const batch = buffer.checkout(1000);
    if (batch === undefined) throw new Error('expected a batch');
    buffer.release(batch.token);
    const again = buffer.checkout(1000);
    expect(again?.attempts).toBe(0);
    expect(again?.lines).toEqual(batch.lines);
  });

  it('stays O(1) per eviction over many lines (compaction)', () => {
    const buffer = new LogBuffer(10_000);
    expect(fill(buffer, 200_000, 10)).toBe(199_000);
    expect(buffer.lines).toBe(1000);
    expect(buffer.firstSeq).toBe(199_000);
  });
});
