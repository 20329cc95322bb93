#!/usr/bin/env node
// What each signal of @tracseq/telemetry costs a request, and on which thread: bare Express and the
// tracseq scenario with every signal on, without spans (sampler off), without the request line
// (log level warn) and with neither (metrics and the request entry only), interleaved and rotated
// per round, each round on a fresh server process. The servers are the HTTP bench's (same route,
// load and OTLP sink). Per subject it reports the server's CPU per request; for the tracseq subjects
// also per thread (lib/thread-cpu.mjs: the main thread, the span export worker, V8's helper
// threads for GC and compilation), which a CPU profile of the main thread cannot show. The total
// also counts Node's other threads (libuv's pool, the signal watcher).
//
//   node bench/http/signal-costs.mjs [--rounds 6] [--seconds 6] [--warmup 3] [--stdout file|pipe|null]
//
// Linux only for the CPU figures (/proc/<pid>/task/*/schedstat); elsewhere they are not measured.
import { parseArgs } from 'node:util';
import { nextMessage, pinSelf, placement, runScript, startChild, stopChild } from '../lib/children.mjs';
import { loadOptionSpec, loadSettings } from '../lib/load-options.mjs';
import { median, round } from '../lib/stats.mjs';
import { medianThreads, threadCpuPerRequest, threadCpuUs } from '../lib/thread-cpu.mjs';
import { runLoad } from './load.mjs';
import { startOtlpSink } from './otlp-sink.mjs';
import { REQUEST_PATH } from './route.mjs';

const SERVER = new URL('./server.mjs', import.meta.url).pathname;
const log = (line) => process.stderr.write(`[signal-costs] ${line}\n`);

const { values } = parseArgs({ options: loadOptionSpec({ rounds: 6, seconds: 6 }) });
const settings = loadSettings(values);
if (settings === null) {
  console.error(
    'usage: node bench/http/signal-costs.mjs [--rounds N] [--seconds N] [--warmup N] [--connections N] [--stdout file|pipe|null]',
  );
  process.exit(2);
}

/** `BENCH_TRACSEQ_SIGNALS` is read by scenarios/tracseq.mjs. */
const SUBJECTS = [
  { key: 'bare', scenario: 'bare', label: 'bare Express 5' },
  { key: 'all', scenario: 'tracseq', label: 'every signal (spans, RED metrics, request line)' },
  { key: 'no-spans', scenario: 'tracseq', label: 'without spans (sampler off)', signals: 'no-spans' },
  { key: 'no-lines', scenario: 'tracseq', label: 'without the request line', signals: 'no-lines' },
  {
    key: 'metrics-only',
    scenario: 'tracseq',
    label: 'neither (metrics and entry only)',
    signals: 'metrics-only',
  },
];

async function measure(subject, sink) {
  const handle = startChild(SERVER, [subject.scenario, sink.url], {
    env: subject.signals ? { BENCH_TRACSEQ_SIGNALS: subject.signals } : {},
    stdout: settings.stdout,
  });
  try {
    const { port } = await nextMessage(handle, 'ready');
    const url = `http://127.0.0.1:${port}${REQUEST_PATH}`;
    if (settings.warmup > 0)
      await runLoad(url, { seconds: settings.warmup, connections: settings.connections });
    const before = threadCpuUs(handle.child.pid);
    const load = await runLoad(url, { seconds: settings.seconds, connections: settings.connections });
    const threads = threadCpuPerRequest(before, threadCpuUs(handle.child.pid), load.requests);
    const total = threads === null ? 0 : Object.values(threads).reduce((sum, us) => sum + us, 0);
    return { rps: load.rps, failed: load.failed, total, threads };
  } finally {
    await stopChild(handle);
  }
}

async function main() {
  pinSelf();
  log(`${placement()}; ${JSON.stringify(settings)}`);
  const sink = await startOtlpSink();
  const runs = new Map(SUBJECTS.map((s) => [s.key, []]));
  try {
    for (let r = 0; r < settings.rounds; r++) {
      for (let i = 0; i < SUBJECTS.length; i++) {
        const subject = SUBJECTS[(i + r) % SUBJECTS.length];
        const run = await measure(subject, sink);
        runs.get(subject.key).push(run);
        log(
          `round ${r + 1} ${subject.key}: ${Math.round(run.rps)} req/s, ${run.total.toFixed(1)} CPU µs/req ` +
            `(${Object.entries(run.threads ?? {})
              .map(([k, v]) => `${k} ${v}`)
              .join(', ')})`,
        );
      }
    }
  } finally {
    await sink.close();
  }
  // Per round, each subject against the bare server of the same round: the host's speed drifts
  // between rounds far more than the subjects differ.
  const bare = runs.get('bare');
  const summary = SUBJECTS.map((s) => {
    const list = runs.get(s.key);
    const threads = medianThreads(list.map((x) => x.threads));
    return {
      ...s,
      rps: median(list.map((x) => x.rps)),
      cpu: median(list.map((x) => x.total)),
      added: median(list.map((x, i) => x.total - bare[i].total)),
      ratio: median(list.map((x, i) => x.rps / bare[i].rps)),
      threads,
      failed: list.reduce((sum, x) => sum + x.failed, 0),
    };
  });
  console.log(
    `${settings.rounds} round(s) of ${settings.seconds} s after a ${settings.warmup} s warm-up, ` +
      `${settings.connections} connections, stdout to ${settings.stdout}; medians over rounds, "added" and ` +
      '"vs bare" taken per round against that round\'s bare server.\n',
  );
  console.log(
    '| subject | req/s | vs bare (req/s) | CPU µs / req | µs added | main thread | export worker | V8 helper threads | failed |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const s of summary) {
    console.log(
      `| ${s.label} | ${Math.round(s.rps)} | ${round(s.ratio)}× | ${round(s.cpu, 1)} | ${round(s.added, 1)} | ` +
        `${s.threads?.main ?? '–'} | ${s.threads?.workers || '–'} | ${s.threads?.v8 ?? '–'} | ${s.failed} |`,
    );
  }
}

runScript(main, log);
