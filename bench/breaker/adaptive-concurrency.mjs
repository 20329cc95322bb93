#!/usr/bin/env node
// Adaptive concurrency against fixed limits, on real timers: a simulated instrument that serves
// `knee` calls at full speed and slows down past it (latency = service × (n / knee)^1.2 with n
// calls in flight, ±10 % jitter; the model of the package's simulated-clock test), called by
// `clients` closed-loop callers through `BreakerRegistry.call` with the contract metrics. A
// rejected caller tries again after `retry-ms`. Subjects: no limit (capacity above the callers),
// fixed limits (capacity N, no concurrency policy), and each adaptive algorithm (min 1, max =
// clients, initial 4), one after the other, each for `seconds` after `warm-up` seconds.
// Reported per subject: completed calls/s, p50/p99 latency of completed calls, the share of
// attempts rejected, and the adaptive limit's mean and range over the measured seconds.
//
//   node bench/breaker/adaptive-concurrency.mjs [--knee 8] [--service-ms 50] [--clients 40]
//     [--seconds 10] [--warm-up 5] [--retry-ms 20] [--json]
import { parseArgs } from 'node:util';
import * as circuitBreaker from '@tracseq/circuit-breaker';
import { round } from '../lib/stats.mjs';
import { contractObservers } from './subjects.mjs';

const { values } = parseArgs({
  options: {
    knee: { type: 'string', default: '8' },
    'service-ms': { type: 'string', default: '50' },
    clients: { type: 'string', default: '40' },
    seconds: { type: 'string', default: '10' },
    'warm-up': { type: 'string', default: '5' },
    'retry-ms': { type: 'string', default: '20' },
    json: { type: 'boolean', default: false },
  },
});
const KNEE = Number(values.knee);
const SERVICE_MS = Number(values['service-ms']);
const CLIENTS = Number(values.clients);
const SECONDS = Number(values.seconds);
const WARM_UP = Number(values['warm-up']);
const RETRY_MS = Number(values['retry-ms']);
const KEY = { lab: 'lab-a', instrument: 'storage-robot', operation: 'fetch' };

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function quantile(sorted, q) {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}

/** One subject: `policy` overrides on the defaults (capacity and/or concurrency). */
async function run(name, policy) {
  const { BreakerRegistry, DEFAULT_BREAKER_POLICY } = circuitBreaker;
  const registry = new BreakerRegistry(
    { defaults: { ...DEFAULT_BREAKER_POLICY, timeoutMs: 0, ...policy }, rules: [], maintenanceWindows: [] },
    contractObservers(),
  );
  let inflight = 0;
  const instrument = () => {
    inflight++;
    const overload = Math.max(1, inflight / KNEE);
    const latency = SERVICE_MS * overload ** 1.2 * (0.9 + 0.2 * Math.random());
    return sleep(latency).then(() => {
      inflight--;
    });
  };
  let measuring = false;
  let stopped = false;
  let completed = 0;
  let rejected = 0;
  const latencies = [];
  const limits = [];
  const caller = async () => {
    while (!stopped) {
      const started = performance.now();
      try {
        await registry.call(KEY, instrument);
        if (measuring) {
          completed++;
          latencies.push(performance.now() - started);
        }
      } catch (error) {
        if (!(error instanceof circuitBreaker.CapacityError)) throw error;
        if (measuring) rejected++;
        await sleep(RETRY_MS);
      }
    }
  };
  const callers = Array.from({ length: CLIENTS }, caller);
  await sleep(WARM_UP * 1000);
  measuring = true;
  const breaker = registry.get(KEY);
  const sampler = setInterval(() => limits.push(breaker.concurrencyLimit()), 100);
  const from = performance.now();
  await sleep(SECONDS * 1000);
  const elapsed = (performance.now() - from) / 1000;
  measuring = false;
  clearInterval(sampler);
  stopped = true;
  await Promise.all(callers);
  registry.dispose();
  latencies.sort((a, b) => a - b);
  const adaptive = policy.concurrency !== undefined;
  return {
    subject: name,
    callsPerSecond: round(completed / elapsed, 1),
    p50Ms: round(quantile(latencies, 0.5), 1),
    p99Ms: round(quantile(latencies, 0.99), 1),
    rejectedShare: round(rejected / (rejected + completed), 3),
    limit: adaptive
      ? {
          mean: round(limits.reduce((a, b) => a + b, 0) / limits.length, 1),
          min: Math.min(...limits),
          max: Math.max(...limits),
        }
      : undefined,
  };
}

const subjects = [
  ['no limit', { capacity: CLIENTS * 10 }],
  ...[4, 8, 12, 16, 32].map((n) => [`fixed ${n}`, { capacity: n }]),
  ...circuitBreaker.CONCURRENCY_ALGORITHMS.map((adaptive) => [
    `adaptive ${adaptive}`,
    {
      capacity: CLIENTS * 10,
      concurrency: { adaptive, min: 1, max: CLIENTS, initial: 4 },
      // AIMD backs off on calls slower than slowCallDuration (it has no other drop signal here:
      // no timeouts, no errors): twice the service time. Every call slow would open the breaker
      // (slowCallRateThreshold 1), which AIMD keeps from happening.
      ...(adaptive === 'aimd' ? { slowCallDurationMs: SERVICE_MS * 2 } : {}),
    },
  ]),
];
const results = [];
for (const [name, policy] of subjects) {
  const result = await run(name, policy);
  results.push(result);
  if (!values.json) {
    const limit = result.limit
      ? `, limit mean ${result.limit.mean} (${result.limit.min}–${result.limit.max})`
      : '';
    console.error(
      `${name}: ${result.callsPerSecond} calls/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, rejected ${round(result.rejectedShare * 100, 1)} %${limit}`,
    );
  }
}
const best = results
  .filter((r) => r.subject.startsWith('fixed'))
  .reduce((a, b) => (b.callsPerSecond > a.callsPerSecond ? b : a));
const table = [
  '| subject | calls/s | / best fixed | p50 ms | p99 ms | rejected | limit mean (min–max) |',
  '| --- | --- | --- | --- | --- | --- | --- |',
  ...results.map(
    (r) =>
      `| ${r.subject} | ${r.callsPerSecond} | ${round(r.callsPerSecond / best.callsPerSecond, 2)}× | ${r.p50Ms} | ${r.p99Ms} | ${round(r.rejectedShare * 100, 1)} % | ${r.limit ? `${r.limit.mean} (${r.limit.min}–${r.limit.max})` : '-'} |`,
  ),
];
if (values.json)
  console.log(JSON.stringify({ knee: KNEE, serviceMs: SERVICE_MS, clients: CLIENTS, results }));
else console.log(table.join('\n'));
