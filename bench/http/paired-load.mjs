// Paired load: the servers of several subjects run at once (on the server core) and take the
// load in turns, one second each, so every cycle compares them a few seconds apart. On a host
// whose speed drifts over tens of seconds (a VM with busy neighbours: bare Express moved between
// 35 and 110 µs of CPU per request within minutes on the bench's VM) rounds of minutes compare
// different hosts; paired seconds move together, and their ratio is taken per cycle.
import { ask, nextMessage, startChild, stopChild } from '../lib/children.mjs';
import { median } from '../lib/stats.mjs';
import { runLoad } from './load.mjs';
import { REQUEST_PATH } from './route.mjs';

const SERVER = new URL('./server.mjs', import.meta.url).pathname;

/**
 * @typedef {{key: string, scenario: string, stdout: string, env?: Record<string, string>}} PairedSubject
 * @typedef {{rps: number, requests: number, cpuUsPerRequest: number, busy: number, failed: number,
 *   spansDropped: number | undefined}} PairedWindow
 */

/**
 * One round: every subject's server started and warmed up (`warmup` s), then `cycles` cycles in
 * which each takes the load for one second (order rotated per cycle and per `round`). A subject's
 * CPU for its second is read from its own process between the start of its second and the start
 * of its next one, so work it finishes after its second (an export, a collection) is its own.
 * @param {PairedSubject[]} subjects
 * @param {{url: string}} sink
 * @param {{cycles: number, warmup: number, connections: number}} settings
 * @param {number} round
 * @returns {Promise<Map<string, PairedWindow[]>>} one window per cycle and subject
 */
export async function measurePaired(subjects, sink, { cycles, warmup, connections }, round) {
  /** @type {Map<string, ReturnType<typeof startChild>>} */
  const handles = new Map();
  /** @type {Map<string, string>} */
  const urls = new Map();
  try {
    for (const subject of subjects) {
      const handle = startChild(SERVER, [subject.scenario, sink.url], {
        env: subject.env ?? {},
        stdout: subject.stdout,
      });
      handles.set(subject.key, handle);
      const { port } = await nextMessage(handle, 'ready');
      const url = `http://127.0.0.1:${port}${REQUEST_PATH}`;
      urls.set(subject.key, url);
      if (warmup > 0) await runLoad(url, { seconds: warmup, connections });
    }
    const readings = new Map(subjects.map((s) => [s.key, []]));
    const loads = new Map(subjects.map((s) => [s.key, []]));
    for (let c = 0; c < cycles; c++) {
      for (let i = 0; i < subjects.length; i++) {
        const { key } = subjects[(i + c + round) % subjects.length];
        readings.get(key).push(await ask(handles.get(key), 'stats', 'stats:done'));
        loads.get(key).push(await runLoad(urls.get(key), { seconds: 1, connections }));
      }
    }
    const windows = new Map();
    for (const { key } of subjects) {
      const stats = readings.get(key);
      stats.push(await ask(handles.get(key), 'stats', 'stats:done'));
      windows.set(
        key,
        loads.get(key).map((load, c) => ({
          rps: load.rps,
          requests: load.requests,
          cpuUsPerRequest: (stats[c + 1].cpuUs - stats[c].cpuUs) / load.requests,
          busy: (stats[c + 1].cpuUs - stats[c].cpuUs) / (load.seconds * 1e6),
          failed: load.failed,
          spansDropped: stats[c + 1].spansDropped,
        })),
      );
    }
    return windows;
  } finally {
    for (const handle of handles.values()) await stopChild(handle);
  }
}

/**
 * A subject against the base subject, cycle by cycle (windows at the same index were measured in
 * the same cycle), then the median over cycles: req/s ratio, CPU-per-request ratio (base CPU /
 * subject CPU, so above 1 is cheaper) and µs of CPU added per request.
 * @param {PairedWindow[]} windows
 * @param {PairedWindow[]} base
 */
export function pairedRatios(windows, base) {
  const pairs = windows.map((w, i) => [w, base[i]]).filter(([, b]) => b !== undefined);
  return {
    rps: median(pairs.map(([w, b]) => w.rps / b.rps)),
    cpu: median(pairs.map(([w, b]) => b.cpuUsPerRequest / w.cpuUsPerRequest)),
    addedUs: median(pairs.map(([w, b]) => w.cpuUsPerRequest - b.cpuUsPerRequest)),
  };
}
