#!/usr/bin/env node
// The span pipeline alone, from a fresh process, without HTTP: server spans started, given a
// request's attributes and ended as the Express middleware does, then queued, batched, encoded
// and exported to the local OTLP sink, for two builds of @tracseq/telemetry in fresh child
// processes (rounds alternate). Reports per window of spans the process CPU µs per span and the
// GC work (scavenges, mark-compacts, their total pause) and how much old space grew meanwhile: figures a busy
// machine moves far less than req/s, for a before/after of the first seconds' span costs.
//
//   node bench/http/span-pipeline.mjs --before <dist dir> [--rounds 5] [--spans 40000] [--window 5000]
//
// <dist dir> is built as bench/http/compare-builds.mjs describes. Spans are ended in bursts of
// 20 with a 1 ms timer between bursts: at most ~20k spans/s, a fast server's request rate, so the
// bounded queue keeps up (the report says how many spans were exported of those accepted).
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { gcKind } from '../lib/gc-kind.mjs';
import { startOtlpSink } from './otlp-sink.mjs';

const { values } = parseArgs({
  options: {
    before: { type: 'string' },
    rounds: { type: 'string', default: '5' },
    spans: { type: 'string', default: '40000' },
    window: { type: 'string', default: '5000' },
    child: { type: 'string' },
    sink: { type: 'string' },
  },
});

if (values.child !== undefined) {
  const { PerformanceObserver, constants } = await import('node:perf_hooks');
  const v8 = await import('node:v8');
  const { createTracing } = await import(
    values.child === '' ? '@tracseq/telemetry' : resolve(values.child, 'index.js')
  );
  const { ROOT_CONTEXT } = await import('@opentelemetry/api');
  const tracing = createTracing({
    serviceName: 'bench-pipeline',
    tracesEndpoint: values.sink,
    sampler: 'always_on',
    registerGlobal: false,
  });
  await tracing.ready?.();
  const gc = { scavenges: 0, markCompacts: 0, pauseMs: 0 };
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if (gcKind(entry) === constants.NODE_PERFORMANCE_GC_MAJOR) gc.markCompacts++;
      else gc.scavenges++;
      gc.pauseMs += entry.duration;
    }
  }).observe({ entryTypes: ['gc'] });
  const total = Number(values.spans);
  const windowSize = Number(values.window);
  const windows = [];
  const oldSpaceUsed = () =>
    v8.getHeapSpaceStatistics().find((s) => s.space_name === 'old_space')?.space_used_size ?? 0;
  const oldAtStart = oldSpaceUsed();
  let cpu = process.cpuUsage();
  let mark = { ...gc };
  for (let i = 0; i < total; ) {
    for (let b = 0; b < 20; b++, i++) {
      const span = tracing.serverSpans.start('GET', ROOT_CONTEXT);
      span.setKnownAttribute('http.request.method', 'GET');
      span.setKnownAttribute('url.path', `/api/samples/S-${i}`);
      span.updateName('GET /api/samples/:id');
      span.setKnownAttribute('http.route', '/api/samples/:id');
      span.setKnownAttribute('http.response.status_code', 200);
      span.end();
    }
    await new Promise((done) => setTimeout(done, 1));
    if (i % windowSize === 0) {
      await new Promise((done) => setTimeout(done, 1)); // let GC observer entries arrive
      const used = process.cpuUsage(cpu);
      cpu = process.cpuUsage();
      windows.push({
        cpuUsPerSpan: Math.round(((used.user + used.system) / windowSize) * 100) / 100,
        scavenges: gc.scavenges - mark.scavenges,
        markCompacts: gc.markCompacts - mark.markCompacts,
        gcPauseMs: Math.round((gc.pauseMs - mark.pauseMs) * 10) / 10,
      });
      mark = { ...gc };
    }
  }
  const oldGrowth = oldSpaceUsed() - oldAtStart;
  await tracing.shutdown(5000);
  const loss = tracing.spanLoss();
  process.stdout.write(
    `${JSON.stringify({ windows, oldSpaceMiB: Math.round(oldGrowth / 104857.6) / 10, loss })}\n`,
  );
  process.exit(0);
}

if (!values.before) throw new Error('span-pipeline: --before <dist dir> is required');
const sink = await startOtlpSink();
const subjects = [
  { label: 'after (this build)', dist: '' },
  { label: 'before', dist: resolve(values.before) },
];
const results = new Map(subjects.map((s) => [s.label, []]));
const run = (subject) =>
  new Promise((done, fail) => {
    const args = [
      process.argv[1],
      '--child',
      subject.dist,
      '--sink',
      sink.url,
      '--spans',
      values.spans,
      '--window',
      values.window,
    ];
    const child = spawn('taskset', ['-c', '1', process.execPath, ...args], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.on('exit', (code) =>
      code === 0 ? done(JSON.parse(out.trim().split('\n').at(-1))) : fail(new Error(`child exited ${code}`)),
    );
  });
for (let round = 0; round < Number(values.rounds); round++) {
  const order = round % 2 === 0 ? subjects : [...subjects].reverse();
  for (const subject of order) {
    const result = await run(subject);
    results.get(subject.label).push(result);
    console.log(
      `[pipeline] round ${round + 1} ${subject.label}: CPU µs/span per window ${result.windows.map((w) => w.cpuUsPerSpan).join(' ')}; mark-compacts ${result.windows.map((w) => w.markCompacts).join(' ')}; scavenges ${result.windows.map((w) => w.scavenges).join(' ')}; GC pause ms ${result.windows.map((w) => w.gcPauseMs).join(' ')}; old space grown ${result.oldSpaceMiB} MiB; exported ${result.loss.exported}/${result.loss.accepted}`,
    );
  }
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
for (const [label, runs] of results) {
  const n = runs[0].windows.length;
  const per = (key) => Array.from({ length: n }, (_, w) => median(runs.map((r) => r.windows[w][key])));
  console.log(
    `${label}: median CPU µs/span per window ${per('cpuUsPerSpan').join(' ')}; mark-compacts ${per('markCompacts').join(' ')}; GC pause ms ${per('gcPauseMs').join(' ')}; old space grown MiB ${median(runs.map((r) => r.oldSpaceMiB))}`,
  );
}
await sink.close?.();
process.exit(0);
