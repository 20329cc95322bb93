// Profiling driver for the breaker's per-call paths: one subject's calls in a tight loop and
// nothing else, so `node --cpu-prof` sees only that path. Summarise the profile with
// bench/profile-summary.mjs (--requests = the number of calls). Needs `npm run build` first.
//   node --cpu-prof --cpu-prof-dir bench/results/profiles bench/breaker/profile-calls.mjs \
//     [registry-metrics|lab-metrics|lab|opossum|opossum-no-timeout|direct] [calls=1500000] [closed|open]
import { closedSubjects, openSubjects } from './subjects.mjs';

const id = process.argv[2] ?? 'lab-metrics';
const calls = Number(process.argv[3] ?? 1_500_000);
const path = process.argv[4] ?? 'closed';
const subjects = path === 'open' ? await openSubjects() : closedSubjects();
const subject = subjects.find((s) => s.id === id);
if (!subject) throw new Error(`no ${path} subject "${id}"; use ${subjects.map((s) => s.id).join(', ')}`);
const start = process.hrtime.bigint();
for (let i = 0; i < calls; i++) await subject.call();
const ns = Number(process.hrtime.bigint() - start) / calls;
console.log(`${path} ${id}: ${ns.toFixed(0)} ns per call over ${calls} calls (profiler on: not a benchmark)`);
for (const s of subjects) s.dispose?.();
// opossum's rolling-window intervals are unref'd, but exit at once rather than rely on it.
process.exit(0);
