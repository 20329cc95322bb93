// CPU time of a child's threads by kind, from Linux's /proc/<pid>/task/*/schedstat (nanoseconds
// on a CPU). A server pinned to one core shares it with its own helper threads: V8's
// background compilers and GC helpers, and worker threads (the toolkit's span export worker). This
// splits the server's CPU per request into those parts, so the report can say where it went.
import { readdirSync, readFileSync } from 'node:fs';
import { median, round } from './stats.mjs';

/** Kind of a thread from its name (Node names them; the main thread's id is the process id). */
function kindOf(pid, tid, name) {
  if (tid === pid) return 'main';
  if (name.startsWith('V8Worker')) return 'v8';
  if (name.startsWith('WorkerThread')) return 'workers';
  return 'other';
}

/**
 * Microseconds on a CPU so far per thread kind of process `pid`: `{main, v8, workers, other}`, or
 * `null` where /proc is not there (not Linux) or the process is gone. Threads that ended are
 * not counted (their time is in neither reading: take readings while the threads live).
 */
export function threadCpuUs(pid) {
  try {
    const totals = { main: 0, v8: 0, workers: 0, other: 0 };
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      try {
        const name = readFileSync(`/proc/${pid}/task/${tid}/comm`, 'utf8').trim();
        const ns = Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
        totals[kindOf(pid, Number(tid), name)] += ns / 1000;
      } catch {
        // The thread ended between the listing and the read.
      }
    }
    return totals;
  } catch {
    return null;
  }
}

/** Per-request µs by kind between two {@link threadCpuUs} readings (`null` if either is). */
export function threadCpuPerRequest(before, after, requests) {
  if (before === null || after === null || !requests) return null;
  const per = (kind) => Math.round(((after[kind] - before[kind]) / requests) * 10) / 10;
  return { main: per('main'), v8: per('v8'), workers: per('workers'), other: per('other') };
}

/** Median per thread kind of {@link threadCpuPerRequest} results (`null` when any is). */
export function medianThreads(list) {
  if (list.length === 0 || list.some((x) => x === null)) return null;
  const kinds = Object.keys(list[0]);
  return Object.fromEntries(kinds.map((kind) => [kind, round(median(list.map((x) => x[kind])), 1)]));
}
