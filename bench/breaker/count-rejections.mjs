// Open-path driver for instruction counts, which a busy machine does not disturb as it does wall
// or CPU time: trips a `BreakerRegistry` breaker (contract metrics on, a new key object per call,
// as services call it) from the given build, then makes N awaited rejected calls. Run it for two
// N under callgrind; the difference of the two counts / the difference of N is the cost of one
// rejection, start-up cancelled. <dist dir>: packages/circuit-breaker/dist or an earlier build
// (see compare-builds.mjs for building one).
//   valgrind --tool=callgrind --callgrind-out-file=/tmp/cg.20k node --single-threaded \
//     bench/breaker/count-rejections.mjs packages/circuit-breaker/dist 20000   (then 60000)

import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { registrySubject } from './subjects.mjs';

if (!process.argv[2]) {
  console.error('usage: node bench/breaker/count-rejections.mjs <dist dir> [calls=20000]');
  process.exit(2);
}
const lib = await import(pathToFileURL(resolve(process.argv[2], 'index.js')).href);
const calls = Number(process.argv[3] ?? 20_000);
const subject = registrySubject(5, lib);
const ignore = () => {};
const failing = () => Promise.reject(new Error('dependency down'));
for (let i = 0; i < 40; i++) await subject.call(failing).catch(ignore);
if (subject.state() !== 'open') throw new Error('count-rejections: the breaker did not open');
for (let i = 0; i < calls; i++) await subject.call(failing).catch(ignore);
// opossum's window intervals are unref'd, but exit at once rather than rely on it.
process.exit(0);
