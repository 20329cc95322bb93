// Per-call cost of an async call path: N awaited calls in a tight loop, timed with
// process.hrtime.bigint(). Rounds interleave the subjects and the median is reported; round 0 is
// a discarded warm-up so the JIT has compiled every path before anything is timed.
import { median, round } from '../lib/stats.mjs';

async function nsPerCall(call, calls) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) await call();
  return Number(process.hrtime.bigint() - start) / calls;
}

/** Median ns per call of each subject over `rounds` timed rounds of `calls` calls. */
export async function timeSubjects(subjects, { calls, rounds }) {
  const samples = new Map(subjects.map((s) => [s.id, []]));
  for (let r = 0; r <= rounds; r++) {
    for (const subject of subjects) {
      const ns = await nsPerCall(subject.call, calls);
      if (r > 0) samples.get(subject.id).push(ns);
    }
  }
  return subjects.map((s) => ({
    id: s.id,
    label: s.label,
    nsPerCall: round(median(samples.get(s.id)), 0),
    minNs: round(Math.min(...samples.get(s.id)), 0),
    maxNs: round(Math.max(...samples.get(s.id)), 0),
  }));
}
