import { describe, expect, it } from 'vitest';
import { ChunkPool, ChunkWriter } from './byte-chunks.js';

const decode = (piece: Uint8Array) => new TextDecoder('utf-8', { fatal: true }).decode(piece);

describe('ChunkWriter', () => {
  it('hands out pieces that are valid UTF-8 on their own and together are what was written', () => {
    const writer = new ChunkWriter(new ChunkPool(16));
    const parts = ['abc', 'é€😀x', 'y'.repeat(15), 'z', '€'.repeat(20), '', 'end\n'];
    for (const part of parts) writer.write(part);
    const pieces = [...writer.take(), ...writer.finish()];
    expect(pieces.length).toBeGreaterThan(3);
    // A string longer than a chunk is a piece of its own; the others fit their chunk.
    for (const piece of pieces) expect(piece.length <= 16 || piece.length === 60).toBe(true);
    expect(pieces.map(decode).join('')).toBe(parts.join(''));
  });

  it('holds pieces back until a chunk is full', () => {
    const writer = new ChunkWriter(new ChunkPool(8));
    writer.write('1234');
    expect(writer.hasReady).toBe(false);
    writer.write('56789');
    expect(writer.hasReady).toBe(true);
    expect(writer.take().map(decode)).toEqual(['1234']);
    expect(writer.finish().map(decode)).toEqual(['56789']);
  });
});

describe('ChunkPool', () => {
  it('reuses a released chunk and ignores pieces it did not make', () => {
    const pool = new ChunkPool(32, 1);
    const first = pool.acquire();
    pool.release(first.subarray(0, 5));
    const again = pool.acquire();
    expect(again.buffer).toBe(first.buffer);
    expect(again.length).toBe(32);
    pool.release(Buffer.alloc(32).subarray(4));
    pool.release(Buffer.from('not a chunk'));
    expect(pool.acquire().buffer).not.toBe(first.buffer);
  });

  it('keeps at most maxFree chunks', () => {
    const pool = new ChunkPool(32, 1);
    const [a, b] = [pool.acquire(), pool.acquire()];
    pool.release(a);
    pool.release(b);
    expect(pool.acquire().buffer).toBe(a.buffer);
    expect(pool.acquire().buffer).not.toBe(b.buffer);
  });
});
