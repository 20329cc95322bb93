import { beforeEach, describe, expect, it, vi } from 'vitest';

/** What each `randomFillSync` call writes next: a queue of byte patterns, then counting bytes. */
const fills: Array<(buffer: Buffer) => void> = [];
let fillCalls = 0;

vi.mock('node:crypto', async (importOriginal) => ({
  ...(await importOriginal<typeof import('node:crypto')>()),
  randomFillSync: (buffer: Buffer) => {
    fillCalls++;
    const fill = fills.shift();
    if (fill) fill(buffer);
    else for (let i = 0; i < buffer.length; i++) buffer[i] = (i * 7 + fillCalls) & 0xff;
    return buffer;
  },
}));

const { PooledIdGenerator } = await import('./pooled-id-generator.js');

beforeEach(() => {
  fills.length = 0;
  fillCalls = 0;
});

describe('PooledIdGenerator', () => {
  it('writes each id as the lower-case hex of the next pool bytes, trace ids 16 bytes, span ids 8', () => {
    const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 37 + 11) & 0xff));
    fills.push((buffer) => bytes.copy(buffer));
    const ids = new PooledIdGenerator();
    expect(ids.generateTraceId()).toBe(bytes.toString('hex', 0, 16));
    expect(ids.generateSpanId()).toBe(bytes.toString('hex', 16, 24));
    expect(ids.generateSpanId()).toBe(bytes.toString('hex', 24, 32));
    expect(ids.generateTraceId()).toBe(bytes.toString('hex', 32, 48));
  });

  it('covers every byte value, both digits of each', () => {
    const bytes = Buffer.from(Array.from({ length: 4096 }, (_, i) => i & 0xff));
    fills.push((buffer) => bytes.copy(buffer));
    const ids = new PooledIdGenerator();
    const seen = Array.from({ length: 32 }, () => ids.generateSpanId()).join('');
    expect(seen).toBe(bytes.toString('hex', 0, 256));
    expect(seen).toMatch(/^[0-9a-f]+$/);
  });

  it('draws again instead of handing out an all-zero (invalid) id', () => {
    fills.push((buffer) => {
      buffer.fill(0, 0, 16);
      buffer.fill(0xab, 16, 32);
      buffer.fill(0, 32, 40);
      buffer.fill(0xcd, 40);
    });
    const ids = new PooledIdGenerator();
    expect(ids.generateTraceId()).toBe('ab'.repeat(16));
    expect(ids.generateSpanId()).toBe('cd'.repeat(8));
  });

  it('refills the pool when the next id does not fit, and never reads past it', () => {
    const ids = new PooledIdGenerator();
    for (let i = 0; i < 512; i++) ids.generateSpanId(); // exactly 4096 bytes
    expect(fillCalls).toBe(1);
    const next = ids.generateTraceId();
    expect(fillCalls).toBe(2);
    const expected = Buffer.from(Array.from({ length: 16 }, (_, i) => (i * 7 + 2) & 0xff)).toString('hex');
    expect(next).toBe(expected);
  });
});
