#!/usr/bin/env node
// Before/after of @tracseq/telemetry in one run: bare Express, the current build, an earlier build
// (and optionally the peer stack), interleaved and rotated per round, each round on a fresh server
// process. Same servers, load and sink as the HTTP overhead bench; the difference is what it
// reports: per-second windows after the warm-up, so the steady state and the warm-up can be told
// apart (an instrumented server needs a few seconds to reach its steady state).
//
//   node bench/http/compare-builds.mjs --before <dir> [--rounds 3] [--seconds 8] [--warmup 3] [--peer]
//     [--stdout file|pipe|null]  the servers' stdout (default a file; pipe: drained by another process)
//     [--cpu-prof <dir>]   also write a CPU profile of both @tracseq/telemetry servers to <dir>
//                          (the profiler slows them: do not quote the req/s of such a run)
//     [--paired]           all servers of a round run at once and take the load in turns, one
//                          second each (rotated): every cycle compares the subjects a few seconds
//                          apart, so a host whose speed drifts over tens of seconds (a VM with
//                          busy neighbours) moves them together; ratios are taken per cycle
//
// <dir> holds an earlier build's dist/ (its index.js), inside packages/telemetry so that it
// resolves the same dependencies. To build one from a revision:
//   mkdir -p packages/telemetry/.tmp/before
//   git archive <rev> packages/telemetry/src | tar -x --strip-components=2 -C packages/telemetry/.tmp/before
//   echo '{"extends":"../../tsconfig.json","compilerOptions":{"rootDir":"src","outDir":"dist"},
//     "include":["src"],"exclude":["src/**/*.test.ts","src/**/test-*.ts"]}' > packages/telemetry/.tmp/before/tsconfig.json
//   npx tsc -p packages/telemetry/.tmp/before/tsconfig.json && rm -r packages/telemetry/.tmp/before/src
//   node bench/http/compare-builds.mjs --before packages/telemetry/.tmp/before/dist
// (.tmp/ is git-ignored; remove it afterwards, or the package's test run may pick up a copy.)
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ask, nextMessage, pinSelf, placement, runScript, startChild, stopChild } from '../lib/children.mjs';
import { loadOptionSpec, loadSettings } from '../lib/load-options.mjs';
import { median, round } from '../lib/stats.mjs';
import { runLoad } from './load.mjs';
import { startOtlpSink } from './otlp-sink.mjs';
import { measurePaired, pairedRatios } from './paired-load.mjs';
import { REQUEST_PATH } from './route.mjs';

const SERVER = new URL('./server.mjs', import.meta.url).pathname;

/** The q-quantile (0..1) of a list, nearest rank. */
function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
const log = (line) => process.stderr.write(`[compare] ${line}\n`);

const { values } = parseArgs({
  options: {
    ...loadOptionSpec({ rounds: 3, seconds: 8 }),
    before: { type: 'string' },
    peer: { type: 'boolean', default: false },
    paired: { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
  },
});
const settings = loadSettings(values);
if (!values.before || settings === null) {
  console.error(
    'usage: node bench/http/compare-builds.mjs --before <dist dir> [--rounds N] [--seconds N] [--warmup N] [--connections N] [--peer] [--paired] [--stdout file|pipe|null] [--cpu-prof <dir>]',
  );
  process.exit(2);
}

const SUBJECTS = [
  { key: 'bare', scenario: 'bare', label: 'bare Express 5' },
  { key: 'after', scenario: 'tracseq', label: '@tracseq/telemetry, this build' },
  {
    key: 'before',
    scenario: 'tracseq',
    label: `@tracseq/telemetry, ${values.before}`,
    env: { BENCH_TELEMETRY_ENTRY: resolve(values.before, 'index.js') },
  },
  ...(values.peer ? [{ key: 'peer', scenario: 'peer', label: 'peer stack' }] : []),
];

const profileDir = values['cpu-prof'] ? resolve(values['cpu-prof']) : undefined;

async function measure(subject, sink) {
  const nodeArgs =
    profileDir && subject.scenario === 'tracseq' ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const handle = startChild(SERVER, [subject.scenario, sink.url], {
    env: subject.env ?? {},
    nodeArgs,
    stdout: settings.stdout,
  });
  try {
    const { port } = await nextMessage(handle, 'ready');
    const url = `http://127.0.0.1:${port}${REQUEST_PATH}`;
    const warm =
      settings.warmup > 0
        ? await runLoad(url, { seconds: settings.warmup, connections: settings.connections })
        : { requests: 0 };
    const windows = [];
    let served = warm.requests;
    let cpu = (await ask(handle, 'stats', 'stats:done')).cpuUs;
    for (let s = 0; s < settings.seconds; s++) {
      const load = await runLoad(url, { seconds: 1, connections: settings.connections });
      served += load.requests;
      const stats = await ask(handle, 'stats', 'stats:done');
      windows.push({
        rps: load.rps,
        cpuUsPerRequest: (stats.cpuUs - cpu) / load.requests,
        busy: (stats.cpuUs - cpu) / (load.seconds * 1e6),
        failed: load.failed,
        spansDropped: stats.spansDropped,
      });
      cpu = stats.cpuUs;
    }
    return { windows, served };
  } finally {
    await stopChild(handle);
  }
}

async function main() {
  pinSelf();
  log(`${placement()}; ${JSON.stringify(settings)}`);
  const sink = await startOtlpSink();
  const windows = new Map(SUBJECTS.map((s) => [s.key, []]));
  try {
    for (let r = 0; r < settings.rounds && values.paired; r++) {
      const subjects = SUBJECTS.map((s) => ({ ...s, stdout: settings.stdout }));
      const run = await measurePaired(subjects, sink, { ...settings, cycles: settings.seconds }, r);
      for (const [key, w] of run) {
        windows.get(key).push(...w);
        log(
          `round ${r + 1} ${key}: req/s per second ${w.map((x) => Math.round(x.rps)).join(' ')}; ` +
            `CPU µs/req ${w.map((x) => x.cpuUsPerRequest.toFixed(1)).join(' ')}`,
        );
      }
    }
    for (let r = 0; r < settings.rounds && !values.paired; r++) {
      const order = SUBJECTS.map((_, i) => SUBJECTS[(i + r) % SUBJECTS.length]);
      for (const subject of order) {
        const { windows: run, served } = await measure(subject, sink);
        windows.get(subject.key).push(...run);
        log(
          `round ${r + 1} ${subject.key}: req/s per second ${run.map((w) => Math.round(w.rps)).join(' ')}; ` +
            `CPU µs/req ${run.map((w) => w.cpuUsPerRequest.toFixed(1)).join(' ')}; ${served} requests served`,
        );
      }
    }
  } finally {
    await sink.close();
  }
  const bareWindows = windows.get('bare');
  const summary = SUBJECTS.map((s) => {
    const w = windows.get(s.key);
    return {
      ...s,
      // Paired: the windows of one cycle lie seconds apart, so their ratio is taken first.
      paired: pairedRatios(w, bareWindows),
      rps: median(w.map((x) => x.rps)),
      cpu: median(w.map((x) => x.cpuUsPerRequest)),
      // Neighbours on a shared machine only ever add CPU time per request: the lower quartile of
      // the windows is the better estimate of what the subject itself costs.
      cpuLow: quantile(
        w.map((x) => x.cpuUsPerRequest),
        0.25,
      ),
      rpsHigh: quantile(
        w.map((x) => x.rps),
        0.75,
      ),
      busy: median(w.map((x) => x.busy)),
      failed: w.reduce((sum, x) => sum + x.failed, 0),
      dropped: w.reduce((sum, x) => sum + (x.spansDropped ?? 0), 0),
    };
  });
  const bare = summary[0];
  const peer = summary.find((s) => s.key === 'peer');
  console.log(
    `${settings.rounds} round(s) × ${settings.seconds} one-second windows after a ${settings.warmup} s warm-up, ` +
      `${settings.connections} connections${values.paired ? ', servers paired' : ''}; medians over all windows.\n`,
  );
  console.log(
    '| subject | req/s (median) | vs bare | CPU µs / req (median) | vs bare | req/s (upper quartile) | vs bare | ' +
      `CPU µs / req (lower quartile) | vs bare | µs added (lower quartile) | server busy |${peer ? ' vs peer (req/s median) |' : ''}`,
  );
  console.log(`| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |${peer ? ' --- |' : ''}`);
  for (const s of summary) {
    console.log(
      `| ${s.label} | ${Math.round(s.rps)} | ${round(s.rps / bare.rps)}× | ${round(s.cpu, 1)} | ` +
        `${round(bare.cpu / s.cpu)}× | ${Math.round(s.rpsHigh)} | ${round(s.rpsHigh / bare.rpsHigh)}× | ` +
        `${round(s.cpuLow, 1)} | ${round(bare.cpuLow / s.cpuLow)}× | ${round(s.cpuLow - bare.cpuLow, 1)} | ` +
        `${Math.round(s.busy * 100)} % |${peer ? ` ${round(s.rps / peer.rps)}× |` : ''}`,
    );
  }
  if (values.paired) {
    console.log(
      "\nPaired (per cycle against the same cycle's bare Express second, then the median over cycles):\n",
    );
    console.log('| subject | req/s vs bare | CPU per request vs bare | µs added per request |');
    console.log('| --- | --- | --- | --- |');
    for (const s of summary) {
      console.log(
        `| ${s.label} | ${round(s.paired.rps)}× | ${round(s.paired.cpu)}× | ${round(s.paired.addedUs, 1)} |`,
      );
    }
  }
  const problems = summary.filter((s) => s.failed > 0 || s.dropped > 0);
  for (const s of problems)
    console.log(`\n${s.label}: ${s.failed} failed requests, ${s.dropped} spans dropped`);
}

runScript(main, log);
