/**
 * How one completed call counts in a {@link CountWindow}: `Ok` also covers ignored errors,
 * which count as successes in either window; a failure is `Failed + ` its kind's index.
 */
export const CallMark = { Ok: 0, Slow: 1, Failed: 2 } as const;

/**
 * The last `size` completed calls of a breaker (resilience4j's count-based sliding window): a
 * ring of one byte per call and running totals, so recording a call and reading the rates cost
 * the same however large the window is, and memory is fixed at `size` bytes.
 */
export class CountWindow {
  private readonly marks: Uint8Array;
  /** Failures per kind index. */
  private readonly kinds: Int32Array;
  private next = 0;
  /** Calls recorded, up to the size. */
  calls = 0;
  failures = 0;
  slow = 0;

  constructor(
    readonly size: number,
    kindCount: number,
  ) {
    this.marks = new Uint8Array(size);
    this.kinds = new Int32Array(kindCount);
  }

  /** Records a completed call (a {@link CallMark}), dropping the oldest once the window is full. */
  record(mark: number): void {
    const i = this.next;
    if (this.calls === this.size) this.count(this.marks[i] as number, -1);
    else this.calls++;
    this.marks[i] = mark;
    this.count(mark, 1);
    this.next = i + 1 === this.size ? 0 : i + 1;
  }

  /** Failures of the kind with this index among the recorded calls. */
  failuresOf(kindIndex: number): number {
    return this.kinds[kindIndex] as number;
  }

  /** Forgets every call: a breaker that closes again starts with an empty window. */
  reset(): void {
    this.next = 0;
    this.calls = 0;
    this.failures = 0;
    this.slow = 0;
    this.kinds.fill(0);
  }

  private count(mark: number, delta: number): void {
    if (mark === CallMark.Slow) {
      this.slow += delta;
    } else if (mark >= CallMark.Failed) {
      this.failures += delta;
      const kind = mark - CallMark.Failed;
      this.kinds[kind] = (this.kinds[kind] as number) + delta;
    }
  }
}
