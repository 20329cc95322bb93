// Runs the scrape-cost benchmark in its own child on the server core (a fresh heap, no load
// generator in the same event loop).
import { nextMessage, startChild, stopChild } from '../lib/children.mjs';

const SCRIPT = new URL('./scrape-bench.mjs', import.meta.url).pathname;

export async function runScrapeBench(settings, log) {
  log(`scrape: ${settings.runs} renders per registry and format`);
  const handle = startChild(SCRIPT, [JSON.stringify(settings)]);
  try {
    const { type: _type, ...result } = await nextMessage(handle, 'result', 300_000);
    return result;
  } finally {
    await stopChild(handle);
  }
}
