import { writeSync } from 'node:fs';
import { TurnBatchedLines } from './turn-batched-lines.js';
import { writeFully } from './write-fully.js';

/** Where a logger's lines go first: the process's stdout, or a stream given instead. */
export interface LineSink {
  /** Takes one line (with its `\n`). */
  write(line: string): void;
  /** Writes every line taken so far before returning. */
  flush(): void;
}

const STDOUT_FD = 1;
const STDERR_FD = 2;

let shared: LineSink | undefined;

/**
 * The process's stdout (file descriptor 1) for log lines, shared by every logger of the process
 * so their lines keep their order: the lines of one event-loop turn are written together at the
 * end of the turn ({@link TurnBatchedLines}), each batch with blocking `write(2)`s
 * ({@link writeFully}), so a line is either still in this process's memory (within the current
 * turn) or on stdout, never in a stream's queue.
 *
 * The lines of the current turn are written on every way out that runs JavaScript: the end of the
 * turn, `process.exit()` (also from the signal handlers of `startTelemetry`), a normal exit, an
 * uncaught exception or unhandled rejection (Node emits `exit` for both), and a `fatal` line
 * (the logger flushes after it). Only a death without `exit` (SIGKILL, the OOM killer, an
 * unhandled signal, `process.abort()`) loses them: the lines of at most one turn.
 *
 * A stdout that refuses writes for good (`EPIPE`: nobody reads the pipe any more) must not
 * crash the service: those lines are dropped, and the first loss is reported on stderr.
 */
export function processStdoutLines(): LineSink {
  if (shared !== undefined) return shared;
  let warned = false;
  const lines = new TurnBatchedLines((text) => {
    try {
      writeFully(STDOUT_FD, text);
    } catch (error) {
      if (!warned) {
        warned = true;
        const reason = (error as NodeJS.ErrnoException).code ?? String(error);
        try {
          writeSync(
            STDERR_FD,
            `@tracseq/telemetry: stdout refused log lines (${reason}); dropping them while it does\n`,
          );
        } catch {
          // stderr is gone too: nowhere left to say it.
        }
      }
    }
  });
  // Registered once per process: every logger shares this sink.
  process.on('exit', () => lines.writeThrough());
  shared = { write: (line) => lines.write(line), flush: () => lines.flush() };
  return shared;
}

/**
 * A stream given as `stdout` (tests, an in-memory capture): one `write` per line, at once, as
 * before; such a stream decides itself when its bytes leave.
 */
export function streamLines(stream: NodeJS.WritableStream): LineSink {
  return { write: (line) => void stream.write(line), flush: () => undefined };
}
