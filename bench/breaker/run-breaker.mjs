// Runs the breaker micro-benchmark in its own child (with --expose-gc for the heap figures) on
// the server core, so it neither shares a heap with the load generator nor competes with it.
import { nextMessage, startChild, stopChild } from '../lib/children.mjs';

const SCRIPT = new URL('./breaker-bench.mjs', import.meta.url).pathname;

export async function runBreakerBench(settings, log) {
  log(`breaker: ${settings.rounds} rounds × ${settings.calls} calls per subject`);
  const handle = startChild(SCRIPT, [JSON.stringify(settings)], { nodeArgs: ['--expose-gc'] });
  try {
    const { type: _type, ...result } = await nextMessage(handle, 'result', 300_000);
    log(`breaker: closed BreakerRegistry.call+metrics / opossum = ${result.ratios.closedRegistryVsOpossum}×`);
    return result;
  } finally {
    await stopChild(handle);
  }
}
