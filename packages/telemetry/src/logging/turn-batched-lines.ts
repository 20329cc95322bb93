import { atTurnEnd } from '../lifecycle/turn-end.js';

/** Where the lines of one event-loop turn go, as one string. */
export type TextSink = (text: string) => void;

/** Default size at which the lines held are written at once, without waiting for the turn's end. */
export const DEFAULT_BATCH_BYTES = 64 * 1024;

/**
 * Collects log lines and writes the lines of one event-loop turn together, in one call of the
 * sink, when the turn ends (`atTurnEnd`, after the turn's request records): a busy HTTP server
 * ends many requests per turn, and one `write(2)` per line was the largest cost of its request
 * line. What it holds is bounded: past `maxChars` (UTF-16 code units, about bytes for log lines)
 * it writes at once.
 *
 * Lines that must not wait are written by {@link flush}: the owner calls it on every way out of
 * the process it can see (see `processStdoutLines`) and after a fatal line. After
 * {@link writeThrough} every line is written at once.
 */
export class TurnBatchedLines {
  readonly #sink: TextSink;
  readonly #maxChars: number;
  #pending = '';
  #scheduled = false;
  #through = false;
  readonly #endOfTurn = (): void => {
    this.#scheduled = false;
    this.flush();
  };

  constructor(sink: TextSink, maxChars = DEFAULT_BATCH_BYTES) {
    this.#sink = sink;
    this.#maxChars = maxChars;
  }

  /** Adds one line (with its `\n`); written at the end of this turn at the latest. */
  write(line: string): void {
    // String concatenation builds a rope: no copying until the sink flattens it once.
    this.#pending = this.#pending === '' ? line : this.#pending + line;
    if (this.#through || this.#pending.length >= this.#maxChars) {
      this.flush();
    } else if (!this.#scheduled) {
      this.#scheduled = true;
      atTurnEnd(this.#endOfTurn, 'write');
    }
  }

  /** Writes what is held now, synchronously (as far as the sink is). */
  flush(): void {
    const text = this.#pending;
    if (text === '') return;
    this.#pending = '';
    this.#sink(text);
  }

  /** Writes what is held and every later line at once: the process is exiting. */
  writeThrough(): void {
    this.#through = true;
    this.flush();
  }

  /** Characters held, not yet written. */
  get pendingChars(): number {
    return this.#pending.length;
  }
}
