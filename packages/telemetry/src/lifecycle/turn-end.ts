/** What runs at the end of a turn: records first (they may write lines), then the writes. */
export type TurnEndStage = 'record' | 'write';

const records: (() => void)[] = [];
const writes: (() => void)[] = [];
let scheduled = false;
let exitHooked = false;

/**
 * Runs `tasks` in order, also those added while it runs. A task that throws is dropped and the
 * throw goes on; the tasks after it stay queued.
 */
function runAll(tasks: (() => void)[]): void {
  let i = 0;
  try {
    for (; i < tasks.length; i++) (tasks[i] as () => void)();
  } finally {
    tasks.splice(0, Math.min(i + 1, tasks.length));
  }
}

function runTurnEnd(): void {
  try {
    runAll(records);
  } finally {
    try {
      runAll(writes);
    } finally {
      // Tasks added while this ran have run; what a throw left waits for the next turn's end.
      scheduled = false;
      if (records.length > 0 || writes.length > 0) schedule();
    }
  }
}

function schedule(): void {
  if (scheduled) return;
  scheduled = true;
  setImmediate(runTurnEnd);
}

/**
 * Runs `task` at the end of the current event-loop turn (`setImmediate`), after the I/O callbacks
 * of the turn: every request whose response was written in this turn, every line logged in it.
 * `record` tasks run before `write` tasks, so what the records write (request lines) leaves in
 * the same turn's write. Tasks of one stage run in the order given.
 *
 * Why a turn end rather than each at once: a busy server answers several requests per turn, and a
 * response goes out when the handler ends it; what the toolkit records about a request after
 * that (its span's end, its metrics, its request line) no longer delays the responses of the
 * next requests in the turn.
 *
 * `record` tasks are also run when the process exits (`exit` is emitted on a normal exit,
 * `process.exit()`, an uncaught exception or an unhandled rejection), so a request whose response
 * left is still recorded; the log lines they write then go out at once (see `processStdoutLines`).
 */
export function atTurnEnd(task: () => void, stage: TurnEndStage): void {
  if (stage === 'record') {
    records.push(task);
    if (!exitHooked) {
      exitHooked = true;
      process.on('exit', runPendingRecords);
    }
  } else {
    writes.push(task);
  }
  schedule();
}

/** Runs the `record` tasks waiting for the turn's end now (before a flush, at exit). */
export function runPendingRecords(): void {
  if (records.length > 0) runAll(records);
}
