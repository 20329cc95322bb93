// A scrape of 10,000 histogram label sets is ~27 MB of text. Built as strings, each piece lived
// through several young-generation collections while it grew, was promoted, and the old
// generation grew by ~15 MB a second under back-to-back scrapes until a 45–75 ms mark-compact
// stalled the service (bench/scrape, 2026-12-02). Written into reused off-heap chunks instead, a
// scrape leaves only short-lived strings (one series at a time) behind.

/** Default {@link ChunkPool} chunk size, bytes. */
export const DEFAULT_CHUNK_BYTES = 64 * 1024;

/**
 * Fixed-size byte chunks reused from one scrape to the next. A chunk handed out is the pool's
 * again only when {@link ChunkPool.release} is called with it (after the socket wrote it).
 */
export class ChunkPool {
  readonly #chunkBytes: number;
  readonly #maxFree: number;
  readonly #free: Buffer[] = [];

  /**
   * @param chunkBytes - the size of every chunk.
   * @param maxFree - chunks kept for reuse at most; beyond, released chunks are left to the GC.
   */
  constructor(chunkBytes = DEFAULT_CHUNK_BYTES, maxFree = 8) {
    this.#chunkBytes = chunkBytes;
    this.#maxFree = maxFree;
  }

  /** The size of every chunk, bytes. */
  get chunkBytes(): number {
    return this.#chunkBytes;
  }

  /** A chunk: a reused one, or a new one of its own memory (never a slice of a shared pool). */
  acquire(): Buffer {
    return this.#free.pop() ?? Buffer.allocUnsafeSlow(this.#chunkBytes);
  }

  /**
   * Takes back the chunk `piece` was written into (`piece` starts at the chunk's start). Pieces
   * that are not whole chunks of this pool's size are ignored.
   */
  release(piece: Uint8Array): void {
    if (this.#free.length >= this.#maxFree) return;
    if (piece.byteOffset !== 0 || piece.buffer.byteLength !== this.#chunkBytes) return;
    this.#free.push(Buffer.from(piece.buffer as ArrayBuffer));
  }
}

/**
 * Appends strings as UTF-8 to chunks of a {@link ChunkPool}, never splitting one string across two
 * pieces (so every piece is valid UTF-8 on its own). Full pieces wait in {@link ChunkWriter.take}.
 */
export class ChunkWriter {
  readonly #pool: ChunkPool;
  #chunk: Buffer;
  #length = 0;
  #ready: Buffer[] = [];

  constructor(pool: ChunkPool) {
    this.#pool = pool;
    this.#chunk = pool.acquire();
  }

  /** Appends `text`. */
  write(text: string): void {
    const room = this.#chunk.length - this.#length;
    // Three bytes per UTF-16 unit at most: when even that fits, no need to count the bytes.
    if (text.length * 3 > room) {
      const bytes = Buffer.byteLength(text);
      if (bytes > room) {
        this.#handOut();
        if (bytes > this.#chunk.length) {
          this.#ready.push(Buffer.from(text, 'utf8'));
          return;
        }
      }
    }
    this.#length += this.#chunk.write(text, this.#length, 'utf8');
  }

  /** Whether full pieces are waiting. */
  get hasReady(): boolean {
    return this.#ready.length > 0;
  }

  /** The full pieces written so far. */
  take(): Buffer[] {
    const ready = this.#ready;
    this.#ready = [];
    return ready;
  }

  /** Every piece left, the last one partly filled; the writer's unused chunk goes back to the pool. */
  finish(): Buffer[] {
    if (this.#length > 0) this.#ready.push(this.#chunk.subarray(0, this.#length));
    else this.#pool.release(this.#chunk);
    this.#length = 0;
    return this.take();
  }

  #handOut(): void {
    if (this.#length === 0) return;
    this.#ready.push(this.#chunk.subarray(0, this.#length));
    this.#chunk = this.#pool.acquire();
    this.#length = 0;
  }
}
