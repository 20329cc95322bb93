/** Buffers kept for reuse: one for the request being sent, one for the next. */
const DEFAULT_KEPT = 2;
/** New buffers are rounded up to this, so batches of slightly different sizes share them. */
const GRANULE = 64 * 1024;

/**
 * A few large byte buffers handed out again once given back, for the export's request bodies.
 *
 * Why not a fresh buffer per export: a batch request is ~0.5 MB, and memory that large comes from
 * `mmap` and goes back to the kernel when freed, so every fresh one is written through page
 * faults. On the VM of bench/ that made copying a 460 KB batch take ~1.3 ms instead of ~50 µs
 * (`new Uint8Array(data)` and `Buffer.from` alike; an export every ~70 ms under load), on the
 * service's thread, twice per export (encoding, then the copy the export worker gets).
 *
 * A buffer must be given back only once nothing reads or writes it any more.
 */
export class ReusableBuffers {
  readonly #kept: Uint8Array<ArrayBuffer>[] = [];
  readonly #max: number;

  constructor(max = DEFAULT_KEPT) {
    this.#max = max;
  }

  /** A buffer of at least `size` bytes (whole, from offset 0 of its own ArrayBuffer); contents undefined. */
  take(size: number): Uint8Array<ArrayBuffer> {
    const kept = this.#kept;
    for (let i = 0; i < kept.length; i++) {
      const buffer = kept[i] as Uint8Array<ArrayBuffer>;
      if (buffer.byteLength >= size) {
        kept.splice(i, 1);
        return buffer;
      }
    }
    return new Uint8Array(Math.ceil(Math.max(size, 1) / GRANULE) * GRANULE);
  }

  /**
   * Takes back `buffer` (the whole of its ArrayBuffer) for a later {@link take}. When as many are
   * kept as allowed, the smallest of them and `buffer` is let go.
   */
  give(buffer: Uint8Array<ArrayBuffer>): void {
    // Only whole buffers of this class's sizes: never a view, never Buffer's shared 8 KB slab.
    if (buffer.byteOffset !== 0 || buffer.byteLength !== buffer.buffer.byteLength) return;
    if (buffer.byteLength < GRANULE) return;
    const kept = this.#kept;
    if (kept.length < this.#max) {
      kept.push(buffer);
      return;
    }
    let smallest = 0;
    for (let i = 1; i < kept.length; i++) {
      if ((kept[i] as Uint8Array).byteLength < (kept[smallest] as Uint8Array).byteLength) smallest = i;
    }
    if ((kept[smallest] as Uint8Array).byteLength < buffer.byteLength) kept[smallest] = buffer;
  }

  /** Bytes held for reuse. */
  get keptBytes(): number {
    let total = 0;
    for (const buffer of this.#kept) total += buffer.byteLength;
    return total;
  }
}
