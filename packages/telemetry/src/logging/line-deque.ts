/**
 * A FIFO of serialized log lines that keeps the UTF-8 byte size of each line and a running total,
 * so a byte cap can be enforced without re-measuring strings. Each line also carries its
 * production sequence number, which lets `flush()` tell when every line produced before it has
 * an outcome.
 *
 * Removal from the front is O(1): a start index moves forward and the vacated slot is cleared at
 * once (so the evicted string can be collected immediately, keeping the heap in step with the byte
 * count); the arrays are compacted when more than half of them is vacated.
 */
export class LineDeque {
  #lines: (string | undefined)[] = [];
  #sizes: number[] = [];
  #seqs: number[] = [];
  #start = 0;
  #bytes = 0;

  /** Number of lines held. */
  get length(): number {
    return this.#lines.length - this.#start;
  }

  /** Sum of the UTF-8 sizes of the lines held. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Sequence number of the oldest line, or `Infinity` when empty. */
  get firstSeq(): number {
    return this.length === 0 ? Number.POSITIVE_INFINITY : (this.#seqs[this.#start] as number);
  }

  /** Appends a line of `size` UTF-8 bytes produced as number `seq`. */
  push(line: string, size: number, seq: number): void {
    this.#lines.push(line);
    this.#sizes.push(size);
    this.#seqs.push(seq);
    this.#bytes += size;
  }

  /** Removes the oldest line; returns its size, or `undefined` when empty. */
  shift(): number | undefined {
    if (this.length === 0) return undefined;
    const size = this.#sizes[this.#start] as number;
    this.#lines[this.#start] = undefined;
    this.#start++;
    this.#bytes -= size;
    this.#compact();
    return size;
  }

  /**
   * Moves the oldest lines, up to `maxBytes` in total but always at least one, into a new deque.
   * Used to cut a `_bulk` batch from the pending lines.
   */
  takeFront(maxBytes: number): LineDeque {
    const taken = new LineDeque();
    while (this.length > 0) {
      const size = this.#sizes[this.#start] as number;
      if (taken.length > 0 && taken.bytes + size > maxBytes) break;
      taken.push(this.#lines[this.#start] as string, size, this.#seqs[this.#start] as number);
      this.shift();
    }
    return taken;
  }

  /** Keeps only the lines whose position (0 = oldest) is in `positions`, in order. */
  retain(positions: readonly number[]): void {
    const kept = new LineDeque();
    for (const position of positions) {
      const i = this.#start + position;
      const line = this.#lines[i];
      if (line !== undefined) kept.push(line, this.#sizes[i] as number, this.#seqs[i] as number);
    }
    this.#lines = kept.#lines;
    this.#sizes = kept.#sizes;
    this.#seqs = kept.#seqs;
    this.#start = 0;
    this.#bytes = kept.#bytes;
  }

  /** The lines held, oldest first. */
  lines(): string[] {
    return this.#lines.slice(this.#start) as string[];
  }

  /** Removes every line; returns how many there were. */
  clear(): number {
    const count = this.length;
    this.#lines = [];
    this.#sizes = [];
    this.#seqs = [];
    this.#start = 0;
    this.#bytes = 0;
    return count;
  }

  #compact(): void {
    if (this.#start === this.#lines.length) {
      this.#lines = [];
      this.#sizes = [];
      this.#seqs = [];
      this.#start = 0;
    } else if (this.#start > 1024 && this.#start * 2 > this.#lines.length) {
      this.#lines = this.#lines.slice(this.#start);
      this.#sizes = this.#sizes.slice(this.#start);
      this.#seqs = this.#seqs.slice(this.#start);
      this.#start = 0;
    }
  }
}
