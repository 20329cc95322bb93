import { Writable } from 'node:stream';

/** A stdout stand-in that keeps what was written, as parsed lines or just a count. */
export interface CaptureStream {
  readonly stream: Writable;
  /** Parsed lines (empty when created with `keep: false`). */
  readonly lines: Record<string, unknown>[];
  /** Lines written so far, kept or not. */
  readonly count: number;
}

/**
 * Creates a capture stream. Each write must be exactly one newline-terminated line, which is
 * what pino produces; `keep: false` counts lines without retaining them, for memory tests.
 */
export function captureStream(options: { keep?: boolean } = {}): CaptureStream {
  const keep = options.keep ?? true;
  const lines: Record<string, unknown>[] = [];
  let count = 0;
  const stream = new Writable({
    decodeStrings: false,
    write(chunk: string | Buffer, _encoding, callback) {
      const text = chunk.toString();
      if (!text.endsWith('\n') || text.indexOf('\n') !== text.length - 1) {
        callback(new Error(`expected exactly one line per write, got ${JSON.stringify(text.slice(0, 200))}`));
        return;
      }
      count++;
      if (keep) lines.push(JSON.parse(text) as Record<string, unknown>);
      callback();
    },
  });
  return {
    stream,
    lines,
    get count() {
      return count;
    },
  };
}
