// Profiles the first seconds of one freshly started server: starts `server.mjs <scenario>` with
// extra Node flags (e.g. --cpu-prof, --trace-deopt), loads it from the moment it listens with the
// startup part's settings, and prints requests and server CPU µs per request per 500 ms window.
// CPU per request is what neighbours disturb least, so before/after comparisons of the warm-up
// can use it on a shared machine.
// Usage: node bench/http/profile-startup.mjs <bare|tracseq> [--seconds 2] [--out DIR] [-- node flags]
import { parseArgs } from 'node:util';
import { ask, nextMessage, pinSelf, startChild, stopChild } from '../lib/children.mjs';
import { runLoad } from './load.mjs';
import { startOtlpSink } from './otlp-sink.mjs';
import { REQUEST_PATH } from './route.mjs';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    seconds: { type: 'string', default: '2' },
    window: { type: 'string', default: '500' },
    // Keeps the server's stdout (e.g. the output of --trace-deopt) in this file.
    stdout: { type: 'string' },
  },
});
const [scenario = 'tracseq', ...nodeArgs] = positionals;
const seconds = Number(values.seconds);
const windowMs = Number(values.window);
pinSelf();
const sink = await startOtlpSink();
const handle = startChild(new URL('./server.mjs', import.meta.url).pathname, [scenario, sink.url], {
  nodeArgs,
  stdout: values.stdout ? `keep:${values.stdout}` : 'file',
});
try {
  const { port } = await nextMessage(handle, 'ready');
  const cpu = [];
  const started = performance.now();
  const sampler = (async () => {
    for (let i = 1; i <= (seconds * 1000) / windowMs; i++) {
      await new Promise((r) => setTimeout(r, started + i * windowMs - performance.now()));
      cpu.push((await ask(handle, 'stats', 'stats:done')).cpuUs);
    }
  })();
  const load = await runLoad(`http://127.0.0.1:${port}${REQUEST_PATH}`, {
    seconds,
    connections: 10,
    timelineMs: windowMs,
  });
  await sampler;
  const rows = load.timeline.map((n, i) => {
    const used = cpu[i] - (i === 0 ? 0 : cpu[i - 1]);
    return `${((i + 1) * windowMs) / 1000}s: ${n} req, ${i === 0 ? '(incl. start-up)' : `${(used / n).toFixed(1)} µs CPU/req`}`;
  });
  console.log(`${scenario}: ${load.requests} requests in ${seconds}s\n${rows.join('\n')}`);
} finally {
  await stopChild(handle);
  await sink.close();
}
