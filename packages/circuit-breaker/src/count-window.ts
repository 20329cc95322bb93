/**
 * How one completed call counts in a {@link CountWindow}: `Ok` also covers ignored errors,
 * which count as successes in either window.
 */
export const CallMark = { Ok: 0, Failed: 1, Slow: 2 } as const;
/** One of {@link CallMark}'s values. */
export type CallMark = (typeof CallMark)[keyof typeof CallMark];

/**
 * The last `size` completed calls of a breaker (resilience4j's count-based sliding window): a
 * ring of one byte per call and running totals, so recording a call and reading the rates cost
 * the same however large the window is, and memory is fixed at `size` bytes.
 */
export class CountWindow {
  private readonly marks: Uint8Array;
  private next = 0;
  /** Calls recorded, up to the size. */
  calls = 0;
  failures = 0;
  slow = 0;

  constructor(readonly size: number) {
    this.marks = new Uint8Array(size);
  }

  /** Records a completed call, dropping the oldest once the window is full. */
  record(mark: CallMark): void {
    const i = this.next;
    if (this.calls === this.size) {
      const oldest = this.marks[i] as CallMark;
      if (oldest === CallMark.Failed) this.failures--;
      else if (oldest === CallMark.Slow) this.slow--;
    } else {
      this.calls++;
    }
    this.marks[i] = mark;
    if (mark === CallMark.Failed) this.failures++;
    else if (mark === CallMark.Slow) this.slow++;
    this.next = i + 1 === this.size ? 0 : i + 1;
  }

  /** Forgets every call: a breaker that closes again starts with an empty window. */
  reset(): void {
    this.next = 0;
    this.calls = 0;
    this.failures = 0;
    this.slow = 0;
  }
}
