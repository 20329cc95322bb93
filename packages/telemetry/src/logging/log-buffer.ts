import { LineDeque } from './line-deque.js';

/** A batch checked out of a {@link LogBuffer} for one `_bulk` attempt. */
export interface CheckedOutBatch {
  /** The serialized lines, oldest first; item `i` of the `_bulk` answer belongs to line `i`. */
  readonly lines: readonly string[];
  /** Attempts ES already refused with a retryable status (0 on the first send). */
  readonly attempts: number;
  /** Identity of the batch: settling a batch the buffer no longer holds does nothing. */
  readonly token: object;
}

/**
 * The byte-capped store between the logger and Elasticsearch.
 *
 * It holds the *pending* lines and at most one *head* batch: the oldest lines, cut from pending
 * and either in flight or waiting to be retried. The cap covers both, so the memory the shipper
 * holds for log lines (not counting the transient request body) never exceeds `capBytes`.
 *
 * When a new line does not fit, the oldest lines are evicted: first from a head batch that is
 * waiting for a retry, then from pending. Lines of the batch in flight cannot be evicted (the
 * request body already holds them), so when everything left belongs to it, the new line itself
 * is dropped. A line larger than the whole cap is dropped at once.
 */
export class LogBuffer {
  readonly #capBytes: number;
  readonly #pending = new LineDeque();
  #head: LineDeque | undefined;
  #headLocked = false;
  #headAttempts = 0;
  #peakBytes = 0;

  /** @param capBytes - the most UTF-8 bytes of lines held at once. */
  constructor(capBytes: number) {
    this.#capBytes = capBytes;
  }

  /** Bytes held: pending lines plus the head batch. Never more than the cap. */
  get bytes(): number {
    return this.#pending.bytes + (this.#head?.bytes ?? 0);
  }

  /** Lines held: pending lines plus the head batch. */
  get lines(): number {
    return this.#pending.length + (this.#head?.length ?? 0);
  }

  /** Bytes of pending lines, i.e. not yet part of a batch. */
  get pendingBytes(): number {
    return this.#pending.bytes;
  }

  /** The highest {@link LogBuffer.bytes} seen since creation. */
  get peakBytes(): number {
    return this.#peakBytes;
  }

  /** True when a head batch is waiting to be sent again. */
  get hasRetry(): boolean {
    return this.#head !== undefined && !this.#headLocked;
  }

  /** Sequence number of the oldest line held, or `Infinity` when empty. */
  get firstSeq(): number {
    return Math.min(this.#head?.firstSeq ?? Number.POSITIVE_INFINITY, this.#pending.firstSeq);
  }

  /**
   * Adds line number `seq` of `size` bytes, evicting the oldest lines if needed.
   *
   * @returns how many lines were dropped to respect the cap, the new line included if it could
   *   not be stored.
   */
  add(line: string, size: number, seq: number): number {
    if (size > this.#capBytes) return 1;
    let dropped = 0;
    while (this.bytes + size > this.#capBytes) {
      if (this.#head !== undefined && !this.#headLocked) {
        this.#head.shift();
        if (this.#head.length === 0) this.#dropHead();
      } else if (this.#pending.length > 0) {
        this.#pending.shift();
      } else {
        return dropped + 1;
      }
      dropped++;
    }
    this.#pending.push(line, size, seq);
    if (this.bytes > this.#peakBytes) this.#peakBytes = this.bytes;
    return dropped;
  }

  /**
   * Checks out the next batch to send and protects it from eviction until it is settled: the
   * head batch if one waits for a retry, else up to `maxBytes` of the oldest pending lines.
   * Returns `undefined` when a batch is already out or nothing is held.
   */
  checkout(maxBytes: number): CheckedOutBatch | undefined {
    if (this.#headLocked) return undefined;
    if (this.#head === undefined) {
      if (this.#pending.length === 0) return undefined;
      this.#head = this.#pending.takeFront(maxBytes);
      this.#headAttempts = 0;
    }
    this.#headLocked = true;
    return { lines: this.#head.lines(), attempts: this.#headAttempts, token: this.#head };
  }

  /**
   * Settles the batch `token` after an attempt ES answered: the lines at `retryPositions` stay as
   * the head batch for another attempt (counting one more refused attempt); the others leave the
   * buffer. Returns false if the batch is no longer held (the buffer was cleared meanwhile).
   */
  settle(token: object, retryPositions: readonly number[]): boolean {
    if (token !== this.#head) return false;
    this.#headLocked = false;
    if (retryPositions.length === 0) {
      this.#dropHead();
    } else {
      if (retryPositions.length !== this.#head.length) this.#head.retain(retryPositions);
      this.#headAttempts++;
    }
    return true;
  }

  /**
   * Puts the batch `token` back unchanged and evictable, without counting an attempt: ES never
   * answered (unreachable, timed out), so nothing is known about its lines.
   */
  release(token: object): boolean {
    if (token !== this.#head) return false;
    this.#headLocked = false;
    return true;
  }

  /** Removes every line, including a batch in flight; returns how many there were. */
  clear(): number {
    const count = this.lines;
    this.#pending.clear();
    this.#dropHead();
    return count;
  }

  #dropHead(): void {
    this.#head = undefined;
    this.#headLocked = false;
    this.#headAttempts = 0;
  }
}
