// CPU used by processes outside this benchmark while it ran. On a 2-core machine a concurrent
// test suite takes cores from the server or the load generator and the numbers go with it; the
// report states how busy the neighbours were so a reader can judge a run. Linux /proc only.
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function cpuTicksByPid() {
  const ticks = new Map();
  let entries = [];
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return ticks;
  }
  for (const pid of entries) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after the parenthesised command name: utime is the 12th, stime the 13th.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks.set(Number(pid), Number(fields[11]) + Number(fields[12]));
    } catch {}
  }
  return ticks;
}

/**
 * Samples every process's CPU time every `intervalMs` (so processes that start and end during
 * the run are mostly seen); `stop(ownPids)` returns the core-seconds the others used.
 */
export function watchNeighbours(intervalMs = 2_000) {
  const started = Date.now();
  const first = cpuTicksByPid();
  const last = new Map(first);
  const timer = setInterval(() => {
    for (const [pid, t] of cpuTicksByPid()) last.set(pid, t);
  }, intervalMs);
  timer.unref();
  return {
    stop(ownPids) {
      clearInterval(timer);
      for (const [pid, t] of cpuTicksByPid()) last.set(pid, t);
      let ticks = 0;
      for (const [pid, t] of last) if (!ownPids.has(pid)) ticks += t - (first.get(pid) ?? 0);
      const coreSeconds = ticks / TICKS_PER_SECOND;
      const seconds = (Date.now() - started) / 1000;
      return {
        coreSeconds: Math.round(coreSeconds),
        averageCores: Math.round((coreSeconds / seconds) * 100) / 100,
      };
    },
  };
}
