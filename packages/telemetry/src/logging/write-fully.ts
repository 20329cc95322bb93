import { writeSync } from 'node:fs';

/** A cell to `Atomics.wait` on: the one way to sleep a few milliseconds synchronously. */
const NAP = new Int32Array(new SharedArrayBuffer(4));

/** Milliseconds to wait for a full pipe to drain before trying again. */
const FULL_PIPE_WAIT_MS = 1;

/**
 * Writes all of `text` (UTF-8) to `fd` before returning. A file or a blocking pipe takes it in
 * one `write(2)`; a non-blocking pipe (what Node makes of a stdout pipe once `process.stdout`
 * exists) may take part of it or answer `EAGAIN` while the reader is behind, so the rest is
 * written after a 1 ms wait, as often as it takes: the lines are never queued in memory, and
 * they are on the pipe when this returns (also inside a `process.on('exit')` handler).
 *
 * @throws the write error for anything but `EAGAIN` (`EPIPE` when the reader is gone, say).
 */
export function writeFully(fd: number, text: string): void {
  // The common case, all of it at once, straight from the string (no Buffer on the JS heap).
  let written = 0;
  try {
    written = writeSync(fd, text);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
  }
  if (written === text.length && written === Buffer.byteLength(text)) return;
  const bytes = Buffer.from(text, 'utf8');
  let offset = written;
  while (offset < bytes.length) {
    try {
      offset += writeSync(fd, bytes, offset, bytes.length - offset);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
      Atomics.wait(NAP, 0, 0, FULL_PIPE_WAIT_MS);
    }
  }
}
