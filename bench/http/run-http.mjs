// HTTP overhead: each scenario's server in its own child process on the server core, autocannon
// in this process on the other core, all scenarios exporting traces to one local sink. Rounds
// interleave the scenarios (and rotate their order) so drift over the run hits all of them.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ask, nextMessage, startChild, stopChild } from '../lib/children.mjs';
import { median, ratio, round } from '../lib/stats.mjs';
import { medianThreads, threadCpuPerRequest, threadCpuUs } from '../lib/thread-cpu.mjs';
import { runLoad } from './load.mjs';
import { startOtlpSink } from './otlp-sink.mjs';
import { measurePaired, pairedRatios } from './paired-load.mjs';
import { REQUEST_PATH } from './route.mjs';

const SERVER = new URL('./server.mjs', import.meta.url).pathname;

// Every server writes stdout to a file, except `tracseq-pipe`, whose stdout is a pipe drained by
// another process (what a container runtime gives a service): Node writes to a file and to a pipe
// through different code, and the request line's write is one of the costs measured here.
export const HTTP_SCENARIOS = [
  { id: 'bare', server: 'bare', stdout: 'file', label: 'bare Express 5' },
  {
    id: 'tracseq',
    server: 'tracseq',
    stdout: 'file',
    label: '@tracseq/telemetry (spans 100 %, RED metrics, ECS log line), stdout to a file',
  },
  {
    id: 'tracseq-pipe',
    server: 'tracseq',
    stdout: 'pipe',
    label: '@tracseq/telemetry, the same, stdout to a pipe drained by another process',
  },
  {
    id: 'hand',
    server: 'hand',
    stdout: 'file',
    label:
      'hand-wired lean pipeline (OTel SDK span, OTLP protobuf + prom-client histogram + pino line, one middleware)',
  },
  {
    id: 'peer',
    server: 'peer',
    stdout: 'file',
    label: 'peer stack (OTel auto + express-prom-bundle + pino-http)',
  },
  {
    id: 'otel-auto',
    server: 'otel-auto',
    stdout: 'file',
    label: 'OTel auto-instrumentation alone (http + express)',
  },
];

/** The scenarios measured paired (see paired-load.mjs): ours on both stdouts against bare. */
const PAIRED_SCENARIOS = ['bare', 'tracseq', 'tracseq-pipe'];

/**
 * The steady state measured paired: `paired.rounds` rounds of fresh servers of
 * {@link PAIRED_SCENARIOS} running at once, each taking the load for one second in turns over
 * `paired.cycles` cycles; ratios per cycle, then medians (over all cycles, and per round).
 */
async function runPaired(settings, sink, log) {
  const subjects = HTTP_SCENARIOS.filter((s) => PAIRED_SCENARIOS.includes(s.id)).map((s) => ({
    key: s.id,
    scenario: s.server,
    stdout: s.stdout,
  }));
  const load = {
    cycles: settings.paired.cycles,
    warmup: settings.paired.warmupSeconds,
    connections: settings.connections,
  };
  const all = new Map(subjects.map((s) => [s.key, []]));
  // Each round's servers are fresh, and a window carries its server's count so far: a round's
  // last window holds the round's drops.
  const dropped = new Map(subjects.map((s) => [s.key, 0]));
  const perRound = [];
  for (let r = 0; r < settings.paired.rounds; r++) {
    const windows = await measurePaired(subjects, sink, load, r);
    const bare = windows.get('bare');
    const ratios = {
      ourVsBare: pairedRatios(windows.get('tracseq'), bare),
      ourPipeVsBare: pairedRatios(windows.get('tracseq-pipe'), bare),
    };
    perRound.push(ratios);
    for (const [key, w] of windows) {
      all.get(key).push(...w);
      dropped.set(key, dropped.get(key) + (w.at(-1)?.spansDropped ?? 0));
    }
    log(
      `http paired round ${r + 1}/${settings.paired.rounds}: ours/bare ${round(ratios.ourVsBare.rps)}× req/s, ` +
        `${round(ratios.ourVsBare.cpu)}× CPU; pipe ${round(ratios.ourPipeVsBare.rps)}× req/s, ` +
        `${round(ratios.ourPipeVsBare.cpu)}× CPU; bare CPU µs/req ${bare.map((w) => round(w.cpuUsPerRequest, 0)).join(' ')}`,
    );
  }
  const bare = all.get('bare');
  const summary = (key) => {
    const w = all.get(key);
    return {
      rps: round(median(w.map((x) => x.rps)), 0),
      cpuUsPerRequest: round(median(w.map((x) => x.cpuUsPerRequest)), 1),
      failed: w.reduce((sum, x) => sum + x.failed, 0),
      spansDropped: key === 'bare' ? null : dropped.get(key),
    };
  };
  const rounded = ({ rps, cpu, addedUs }) => ({
    rps: round(rps),
    cpu: round(cpu),
    addedUs: round(addedUs, 1),
  });
  return {
    rounds: settings.paired.rounds,
    cycles: settings.paired.cycles,
    warmupSeconds: settings.paired.warmupSeconds,
    scenarios: Object.fromEntries(PAIRED_SCENARIOS.map((key) => [key, summary(key)])),
    ratios: {
      ourVsBare: rounded(pairedRatios(all.get('tracseq'), bare)),
      ourPipeVsBare: rounded(pairedRatios(all.get('tracseq-pipe'), bare)),
    },
    perRound: perRound.map((r) => ({
      ourVsBare: rounded(r.ourVsBare),
      ourPipeVsBare: rounded(r.ourPipeVsBare),
    })),
  };
}

/** DESIGN §9 goals; reported next to the numbers, never asserted. */
export const HTTP_TARGETS = { ourVsBare: 0.7, ourVsPeer: 2.5 };

async function measureOnce(scenario, sink, settings, profileDir) {
  const nodeArgs =
    profileDir && scenario.server === 'tracseq' ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
  const handle = startChild(SERVER, [scenario.server, sink.url], { nodeArgs, stdout: scenario.stdout });
  try {
    const { port } = await nextMessage(handle, 'ready');
    const url = `http://127.0.0.1:${port}${REQUEST_PATH}`;
    const load = { seconds: settings.warmupSeconds, connections: settings.connections };
    const warm = await runLoad(url, load);
    // Warm-up spans leave the pipeline before the measured window opens; the measured window's
    // spans are flushed before counting, so spans/request compares like with like.
    await ask(handle, 'flush', 'flush:done');
    const before = sink.counts();
    const cpuBefore = (await ask(handle, 'stats', 'stats:done')).cpuUs;
    const threadsBefore = threadCpuUs(handle.child.pid);
    const result = await runLoad(url, { ...load, seconds: settings.durationSeconds });
    // Server CPU read before the flush, so export of the last batch is not charged twice.
    const threadsAfter = threadCpuUs(handle.child.pid);
    const stats = await ask(handle, 'stats', 'stats:done');
    await ask(handle, 'flush', 'flush:done');
    const after = sink.counts();
    const served = warm.requests + result.requests;
    await stopChild(handle);
    const stdoutBytes = await handle.stdoutBytes();
    return {
      ...result,
      // Server CPU per request, and how busy its core was: near 100 % means the server, not the
      // load generator, set the pace, so req/s ratios measure the server's cost.
      cpuUsPerRequest: (stats.cpuUs - cpuBefore) / result.requests,
      threadsUsPerRequest: threadCpuPerRequest(threadsBefore, threadsAfter, result.requests),
      serverCpu: (stats.cpuUs - cpuBefore) / (result.seconds * 1e6),
      rss: stats.rss,
      spansDropped: stats.spansDropped ?? null,
      spansExported: after.spans - before.spans,
      exportBytes: after.bytes - before.bytes,
      // Warm-up included: what the server wrote to stdout for every request it served.
      stdoutBytesPerRequest: stdoutBytes === null || !served ? null : stdoutBytes / served,
    };
  } finally {
    await stopChild(handle);
  }
}

function summarise(scenario, runs) {
  const requests = runs.reduce((sum, r) => sum + r.requests, 0);
  const dropped = runs.map((r) => r.spansDropped).filter((d) => d !== null);
  return {
    id: scenario.id,
    label: scenario.label,
    rounds: runs.length,
    rps: round(median(runs.map((r) => r.rps)), 0),
    p50us: median(runs.map((r) => r.p50us)),
    p99us: median(runs.map((r) => r.p99us)),
    cpuUsPerRequest: round(median(runs.map((r) => r.cpuUsPerRequest)), 1),
    threadsUsPerRequest: medianThreads(runs.map((r) => r.threadsUsPerRequest)),
    serverCpuPercent: round(median(runs.map((r) => r.serverCpu)) * 100, 0),
    rssMiB: round(median(runs.map((r) => r.rss)) / 2 ** 20, 1),
    requests,
    failed: runs.reduce((sum, r) => sum + r.failed, 0),
    spansPerRequest: round(runs.reduce((sum, r) => sum + r.spansExported, 0) / requests, 3),
    exportBytesPerRequest: round(runs.reduce((sum, r) => sum + r.exportBytes, 0) / requests, 0),
    spansDropped: dropped.length ? dropped.reduce((a, b) => a + b, 0) : null,
    stdout: scenario.stdout,
    stdoutBytesPerRequest: round(median(runs.map((r) => r.stdoutBytesPerRequest ?? 0)), 0),
    perRound: runs.map((r) => ({
      rps: round(r.rps, 0),
      p50us: r.p50us,
      p99us: r.p99us,
      cpuUsPerRequest: round(r.cpuUsPerRequest, 1),
      serverCpuPercent: round(r.serverCpu * 100, 0),
    })),
  };
}

/** Runs every scenario `settings.rounds` times; returns per-scenario medians and the ratios. */
export async function runHttpBench(settings, { resultsDir, cpuProf, log }) {
  const sink = await startOtlpSink();
  const profileDir = cpuProf ? join(resultsDir, 'profiles') : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const runs = new Map(HTTP_SCENARIOS.map((s) => [s.id, []]));
  let paired;
  try {
    for (let r = 0; r < settings.rounds; r++) {
      const order = HTTP_SCENARIOS.map((_, i) => HTTP_SCENARIOS[(i + r) % HTTP_SCENARIOS.length]);
      for (const scenario of order) {
        const run = await measureOnce(scenario, sink, settings, profileDir);
        runs.get(scenario.id).push(run);
        log(
          `http round ${r + 1}/${settings.rounds} ${scenario.id}: ${Math.round(run.rps)} req/s, ` +
            `p50 ${run.p50us} µs, p99 ${run.p99us} µs, server CPU ${Math.round(run.serverCpu * 100)} %, ` +
            `${run.failed} failed`,
        );
      }
    }
    paired = await runPaired(settings, sink, log);
  } finally {
    await sink.close();
  }
  const scenarios = HTTP_SCENARIOS.map((s) => summarise(s, runs.get(s.id)));
  const rps = Object.fromEntries(scenarios.map((s) => [s.id, s.rps]));
  // CPU time added per request: at saturation one core serves 1/rps seconds per request.
  for (const s of scenarios) s.addedUs = round(1e6 / s.rps - 1e6 / rps.bare, 1);
  const perRound = (a, b) => runs.get(a).map((run, r) => ratio(run.rps, runs.get(b)[r].rps));
  return {
    settings,
    scenarios,
    ratios: {
      ourVsBare: ratio(rps.tracseq, rps.bare),
      ourPipeVsBare: ratio(rps['tracseq-pipe'], rps.bare),
      handVsBare: ratio(rps.hand, rps.bare),
      peerVsBare: ratio(rps.peer, rps.bare),
      otelAutoVsBare: ratio(rps['otel-auto'], rps.bare),
      ourVsHand: ratio(rps.tracseq, rps.hand),
      ourVsPeer: ratio(rps.tracseq, rps.peer),
      ourVsOtelAuto: ratio(rps.tracseq, rps['otel-auto']),
    },
    // The same ratios within each round (scenarios measured minutes apart at most): their spread
    // shows how much of a difference is noise of the machine.
    ratiosPerRound: {
      ourVsBare: perRound('tracseq', 'bare'),
      ourPipeVsBare: perRound('tracseq-pipe', 'bare'),
      handVsBare: perRound('hand', 'bare'),
      peerVsBare: perRound('peer', 'bare'),
      otelAutoVsBare: perRound('otel-auto', 'bare'),
      ourVsHand: perRound('tracseq', 'hand'),
      ourVsPeer: perRound('tracseq', 'peer'),
      ourVsOtelAuto: perRound('tracseq', 'otel-auto'),
    },
    paired,
    targets: HTTP_TARGETS,
    profileDir: profileDir ?? null,
  };
}
