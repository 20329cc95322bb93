#!/usr/bin/env node
// Before/after of @tracseq/circuit-breaker in one process: raw opossum (the options a default
// policy maps to), an earlier build and the current one, each called the way services call it
// (`BreakerRegistry.call(key)` with the contract metrics, a new key object per call). Closed path
// (the call succeeds) and open path (rejected), subjects interleaved and rotated every round, so
// a neighbour that slows the machine for a while slows every subject alike. Reported per subject:
// median wall-clock and CPU ns per call; per round, the ratio to raw opossum measured in that
// round (median and range); with --expose-gc, heap per breaker for 10,000 breakers.
//
//   node --expose-gc bench/breaker/compare-builds.mjs --before <dist dir> [--rounds 15] [--calls 100000]
//
// <dist dir> holds an earlier build's dist/ (its index.js), inside packages/circuit-breaker so
// that it resolves the same dependencies. To build one from a revision (.tmp/ is git-ignored):
//   B=packages/circuit-breaker/.tmp/before; mkdir -p $B
//   git archive <rev> packages/circuit-breaker/src | tar -x --strip-components=2 -C $B
//   echo '{"extends":"../../tsconfig.json","compilerOptions":{"rootDir":"src","outDir":"dist"},
//     "include":["src"],"exclude":["src/**/*.test.ts","src/**/test-*.ts"]}' > $B/tsconfig.json
//   npx tsc -p $B/tsconfig.json && rm -r $B/src
//   node --expose-gc bench/breaker/compare-builds.mjs --before $B/dist
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import * as current from '@tracseq/circuit-breaker';
import CircuitBreaker from 'opossum';
import { median, round } from '../lib/stats.mjs';
import { registryBytesPer } from './breaker-memory.mjs';
import { opossumOptions, registrySubject, work } from './subjects.mjs';

const { values } = parseArgs({
  options: {
    before: { type: 'string' },
    rounds: { type: 'string', default: '15' },
    calls: { type: 'string', default: '100000' },
  },
});
if (!values.before) {
  console.error(
    'usage: node --expose-gc bench/breaker/compare-builds.mjs --before <dist dir> [--rounds 15] [--calls 100000]',
  );
  process.exit(2);
}
const bounded = (value, min, max) => Math.min(max, Math.max(min, Math.round(Number(value)) || min));
const rounds = bounded(values.rounds, 3, 50);
const calls = bounded(values.calls, 1_000, 1_000_000);
const before = await import(pathToFileURL(resolve(values.before, 'index.js')).href);

const action = () => work();
const failing = () => Promise.reject(new Error('instrument unreachable'));
const ignore = () => undefined;

/** Closed and open subjects of one kind: `{id, closed(), open()}`. */
async function subjects() {
  const rawClosed = new CircuitBreaker(work, opossumOptions());
  const rawOpen = new CircuitBreaker(failing, opossumOptions());
  const list = [
    {
      id: 'opossum',
      label: 'raw opossum, same options',
      closed: () => rawClosed.fire(),
      open: () => rawOpen.fire().catch(ignore),
      dispose: () => {
        rawClosed.shutdown();
        rawOpen.shutdown();
      },
    },
  ];
  for (const [id, label, lib, i] of [
    ['before', `before (${values.before})`, before, 0],
    ['after', 'after (this build)', current, 2],
  ]) {
    const closed = registrySubject(i, lib);
    const open = registrySubject(i + 1, lib);
    list.push({
      id,
      label: `${label}: BreakerRegistry.call(key) + contract metrics`,
      closed: () => closed.call(action),
      open: () => open.call(action).catch(ignore),
      trip: () => open.call(failing).catch(ignore),
      isOpen: () => open.state() === 'open',
      dispose: () => {
        closed.dispose();
        open.dispose();
      },
    });
  }
  for (let i = 0; i < 20; i++) {
    await rawOpen.fire().catch(ignore);
    for (const s of list) await s.trip?.();
  }
  if (!rawOpen.opened || list.some((s) => s.isOpen && !s.isOpen())) {
    throw new Error('open-path setup: a breaker did not open after repeated failures');
  }
  return list;
}

async function time(call) {
  const cpu = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) await call();
  const wall = Number(process.hrtime.bigint() - start) / calls;
  const used = process.cpuUsage(cpu);
  return { wall, cpu: ((used.user + used.system) * 1000) / calls };
}

const list = await subjects();
const samples = Object.fromEntries(
  ['closed', 'open'].flatMap((path) => list.map((s) => [`${path}:${s.id}`, []])),
);
// Round 0 warms every path up and is discarded.
for (let r = 0; r <= rounds; r++) {
  const order = list.map((_, i) => list[(i + r) % list.length]);
  for (const path of ['closed', 'open']) {
    for (const s of order) {
      const t = await time(s[path]);
      if (r > 0) samples[`${path}:${s.id}`].push(t);
    }
  }
  if (r > 0) process.stderr.write(`[compare] round ${r}/${rounds}\n`);
}
for (const s of list) s.dispose?.();

const lines = [
  `${rounds} rounds × ${calls.toLocaleString('en-US')} awaited calls per subject and path, interleaved and rotated, after a warm-up round.`,
  '',
  '| path | subject | wall ns / call | CPU ns / call | / opossum (wall, per round: median, min–max) | / opossum (CPU, median) |',
  '| --- | --- | --- | --- | --- | --- |',
];
for (const path of ['closed', 'open']) {
  const base = samples[`${path}:opossum`];
  for (const s of list) {
    const own = samples[`${path}:${s.id}`];
    const wallRatios = own.map((x, i) => x.wall / base[i].wall);
    const cpuRatios = own.map((x, i) => x.cpu / base[i].cpu);
    lines.push(
      `| ${path} | ${s.label} | ${round(median(own.map((x) => x.wall)), 0)} | ${round(median(own.map((x) => x.cpu)), 0)} | ` +
        (s.id === 'opossum'
          ? '1× | 1× |'
          : `${round(median(wallRatios))}× (${round(Math.min(...wallRatios))}–${round(Math.max(...wallRatios))}×) | ${round(median(cpuRatios))}× |`),
    );
  }
}
const memory = [];
for (const [label, lib] of [
  ['before', before],
  ['after', current],
]) {
  const bytes = await registryBytesPer(10_000, lib);
  if (bytes !== null) memory.push(`${label} ${bytes.toLocaleString('en-US')} bytes`);
}
lines.push(
  '',
  memory.length
    ? `Heap per breaker (10,000 breakers in one BreakerRegistry with contract metrics, each after one call, after GC): ${memory.join(', ')}.`
    : 'Heap per breaker: not measured (run with node --expose-gc).',
);
console.log(lines.join('\n'));
process.exit(0);
