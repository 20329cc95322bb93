// The first seconds of a freshly started server: req/s over the first 2 s and the first 5 s of
// load that starts the moment the server listens, for bare Express and @tracseq/telemetry started
// the same way (fresh process, same app, same load, stdout to a file), rounds interleaved. A
// service that was just scaled out or restarted takes traffic at once; DESIGN §9 asks for
// >= 0.50x bare Express over its first 2 s.
import { resolve } from 'node:path';
import { ask, nextMessage, startChild, stopChild } from '../lib/children.mjs';
import { median, ratio, round } from '../lib/stats.mjs';
import { medianThreads, threadCpuPerRequest, threadCpuUs } from '../lib/thread-cpu.mjs';
import { runLoad } from './load.mjs';
import { startOtlpSink } from './otlp-sink.mjs';
import { REQUEST_PATH } from './route.mjs';

const SERVER = new URL('./server.mjs', import.meta.url).pathname;
const TIMELINE_MS = 250;

export const STARTUP_SUBJECTS = [
  { id: 'bare', server: 'bare', label: 'bare Express 5' },
  { id: 'tracseq', server: 'tracseq', label: '@tracseq/telemetry (everything on, as in the HTTP part)' },
  // BENCH_STARTUP_BEFORE=<dist dir of an earlier build> adds that build as a third subject (how to
  // build one: http/compare-builds.mjs). Ratios stay ours / bare.
  ...(process.env.BENCH_STARTUP_BEFORE
    ? [
        {
          id: 'before',
          server: 'tracseq',
          label: `@tracseq/telemetry, earlier build (${process.env.BENCH_STARTUP_BEFORE})`,
          env: { BENCH_TELEMETRY_ENTRY: resolve(process.env.BENCH_STARTUP_BEFORE, 'index.js') },
        },
      ]
    : []),
];

/** DESIGN §9: over the first 2 s, ours / bare. */
export const STARTUP_TARGET = 0.5;

/** req/s over the first `seconds` of a timeline of `TIMELINE_MS` windows. */
function rpsOver(timeline, seconds) {
  const windows = Math.round((seconds * 1000) / TIMELINE_MS);
  return timeline.slice(0, windows).reduce((a, b) => a + b, 0) / seconds;
}

async function startOnce(subject, sink, settings) {
  const spawned = performance.now();
  const handle = startChild(SERVER, [subject.server, sink.url], { stdout: 'file', env: subject.env ?? {} });
  try {
    const { port } = await nextMessage(handle, 'ready');
    const readyMs = performance.now() - spawned;
    // Server CPU time over the first 2 s as well as req/s: on a shared machine neighbours take
    // the server's core away (fewer requests), but add little to the CPU time each request needs.
    const cpuAtReady = (await ask(handle, 'stats', 'stats:done')).cpuUs;
    const threadsAtReady = threadCpuUs(handle.child.pid);
    let threadsAt2s = null;
    const cpuAt2s = new Promise((resolve, reject) => {
      setTimeout(() => {
        threadsAt2s = threadCpuUs(handle.child.pid);
        ask(handle, 'stats', 'stats:done').then((s) => resolve(s.cpuUs), reject);
      }, 2000);
    });
    const load = await runLoad(`http://127.0.0.1:${port}${REQUEST_PATH}`, {
      seconds: settings.seconds,
      connections: settings.connections,
      timelineMs: TIMELINE_MS,
    });
    // Requests completed by the moment the 2 s CPU reading was taken (whole windows).
    const cpuFirst2sUs = (await cpuAt2s) - cpuAtReady;
    const requests2s = load.timeline.slice(0, 2000 / TIMELINE_MS).reduce((a, b) => a + b, 0);
    const perSecond = [];
    for (let s = 0; s < settings.seconds; s++) {
      const from = (s * 1000) / TIMELINE_MS;
      perSecond.push(load.timeline.slice(from, from + 1000 / TIMELINE_MS).reduce((a, b) => a + b, 0));
    }
    return {
      readyMs,
      first2s: rpsOver(load.timeline, 2),
      cpuUsPerRequest2s: requests2s > 0 ? cpuFirst2sUs / requests2s : null,
      threadsUsPerRequest2s: threadCpuPerRequest(threadsAtReady, threadsAt2s, requests2s),
      first5s: rpsOver(load.timeline, Math.min(5, settings.seconds)),
      perSecond,
      failed: load.failed,
    };
  } finally {
    await stopChild(handle);
  }
}

/** Starts each subject `settings.rounds` times (interleaved, order rotated); medians and ratios. */
export async function runStartupBench(settings, log) {
  const sink = await startOtlpSink();
  const runs = new Map(STARTUP_SUBJECTS.map((s) => [s.id, []]));
  try {
    for (let r = 0; r < settings.rounds; r++) {
      const order = STARTUP_SUBJECTS.map((_, i) => STARTUP_SUBJECTS[(i + r) % STARTUP_SUBJECTS.length]);
      for (const subject of order) {
        const run = await startOnce(subject, sink, settings);
        runs.get(subject.id).push(run);
        log(
          `startup round ${r + 1}/${settings.rounds} ${subject.id}: ready after ${Math.round(run.readyMs)} ms; ` +
            `req/s per second ${run.perSecond.join(' ')}; CPU µs/req over 2 s ${Math.round(run.cpuUsPerRequest2s)}`,
        );
      }
    }
  } finally {
    await sink.close();
  }
  const subjects = STARTUP_SUBJECTS.map((s) => {
    const list = runs.get(s.id);
    return {
      id: s.id,
      label: s.label,
      readyMs: round(median(list.map((x) => x.readyMs)), 0),
      first2s: round(median(list.map((x) => x.first2s)), 0),
      first5s: round(median(list.map((x) => x.first5s)), 0),
      cpuUsPerRequest2s: round(median(list.map((x) => x.cpuUsPerRequest2s)), 1),
      threadsUsPerRequest2s: medianThreads(list.map((x) => x.threadsUsPerRequest2s)),
      perSecond: Array.from({ length: settings.seconds }, (_, i) =>
        round(median(list.map((x) => x.perSecond[i])), 0),
      ),
      failed: list.reduce((sum, x) => sum + x.failed, 0),
    };
  });
  const [bare, ours] = subjects;
  const perRound = (key) => runs.get('tracseq').map((run, i) => ratio(run[key], runs.get('bare')[i][key]));
  return {
    settings: { ...settings, timelineMs: TIMELINE_MS },
    subjects,
    ratios: {
      first2s: ratio(ours.first2s, bare.first2s),
      first5s: ratio(ours.first5s, bare.first5s),
      // bare / ours, like the req/s ratios: higher is better.
      cpuFirst2s: ratio(bare.cpuUsPerRequest2s, ours.cpuUsPerRequest2s),
    },
    ratiosPerRound: {
      first2s: perRound('first2s'),
      first5s: perRound('first5s'),
      cpuFirst2s: runs
        .get('tracseq')
        .map((run, i) => ratio(runs.get('bare')[i].cpuUsPerRequest2s, run.cpuUsPerRequest2s)),
    },
    target: STARTUP_TARGET,
  };
}
