import { describe, expect, it } from 'vitest';
import { ReusableBuffers } from './reusable-buffers.js';

describe('ReusableBuffers', () => {
  it('hands out a buffer at least as large as asked, whole, and the same one again once given back', () => {
    const buffers = new ReusableBuffers();
    const first = buffers.take(300_000);
    expect(first.byteLength).toBeGreaterThanOrEqual(300_000);
    expect(first.byteOffset).toBe(0);
    expect(first.byteLength).toBe(first.buffer.byteLength);
    buffers.give(first);
    expect(buffers.keptBytes).toBe(first.byteLength);
    // A smaller request fits in the kept buffer.
    expect(buffers.take(1000)).toBe(first);
    expect(buffers.keptBytes).toBe(0);
  });

  it('never hands one buffer to two holders', () => {
    const buffers = new ReusableBuffers();
    const a = buffers.take(100_000);
    buffers.give(a);
    const b = buffers.take(100_000);
    const c = buffers.take(100_000);
    expect(b).toBe(a);
    expect(c).not.toBe(a);
  });

  it('allocates a larger buffer when every kept one is too small', () => {
    const buffers = new ReusableBuffers();
    const small = buffers.take(70_000);
    buffers.give(small);
    const large = buffers.take(small.byteLength + 1);
    expect(large).not.toBe(small);
    expect(large.byteLength).toBeGreaterThan(small.byteLength);
    expect(buffers.keptBytes).toBe(small.byteLength);
  });

  it('keeps at most as many as allowed, the largest ones', () => {
    const buffers = new ReusableBuffers(2);
    const sizes = [100_000, 400_000, 200_000];
    const taken = sizes.map((size) => buffers.take(size));
    for (const buffer of taken) buffers.give(buffer);
    const [, b400, b200] = taken as [Uint8Array, Uint8Array, Uint8Array];
    expect(buffers.keptBytes).toBe(b400.byteLength + b200.byteLength);
    expect(buffers.take(150_000)).toBe(b200);
    expect(buffers.take(150_000)).toBe(b400);
  });

  it('refuses views into larger memory and small buffers (which may be Buffer pool slabs)', () => {
    const buffers = new ReusableBuffers();
    const whole = new Uint8Array(1 << 20);
    buffers.give(whole.subarray(1024));
    buffers.give(Buffer.from('a pooled small buffer'));
    buffers.give(new Uint8Array(8192));
    expect(buffers.keptBytes).toBe(0);
  });
});
