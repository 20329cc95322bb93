// Child process (run with --expose-gc): breaker closed-path and open-path cost per call, and heap
// per breaker. Usage: node --expose-gc breaker-bench.mjs '<settings json>'; reports over IPC.
import { exitWithParent, failStartup } from '../lib/child-ipc.mjs';
import { ratio } from '../lib/stats.mjs';
import { measureBreakerMemory } from './breaker-memory.mjs';
import { measureFailureStorm } from './failure-storm.mjs';
import { closedSubjects, openSubjects } from './subjects.mjs';
import { timeSubjects } from './time-calls.mjs';

async function main() {
  exitWithParent();
  const settings = JSON.parse(process.argv[2]);
  const closedList = closedSubjects();
  const closed = await timeSubjects(closedList, settings);
  const openList = await openSubjects();
  const open = await timeSubjects(openList, settings);
  for (const subject of [...closedList, ...openList]) subject.dispose?.();
  // Before the heap figures: 10,000 breakers' garbage would be collected during the storm.
  const storm = await measureFailureStorm(settings.storm);
  const memory = await measureBreakerMemory(settings.breakers);
  const ns = (list, id) => list.find((s) => s.id === id).nsPerCall;
  // Exit when the parent asks (stopChild), not on our own right after sending: a child that
  // exits while the parent is sending 'stop' makes that send fail with EPIPE in the parent.
  process.on('message', (/** @type {any} */ message) => {
    if (message?.type === 'stop') process.exit(0);
  });
  process.send({
    type: 'result',
    settings,
    closed,
    open,
    memory,
    storm,
    ratios: {
      // How services call it: BreakerRegistry.call(key) with the contract metrics.
      closedRegistryVsOpossum: ratio(ns(closed, 'registry-metrics'), ns(closed, 'opossum')),
      openRegistryVsOpossum: ratio(ns(open, 'registry-metrics'), ns(open, 'opossum')),
      closedOursVsOpossum: ratio(ns(closed, 'lab-metrics'), ns(closed, 'opossum')),
      closedOursNoObserversVsOpossum: ratio(ns(closed, 'lab'), ns(closed, 'opossum')),
      openOursVsOpossum: ratio(ns(open, 'lab-metrics'), ns(open, 'opossum')),
      closedOursVsCockatiel: ratio(ns(closed, 'lab-metrics'), ns(closed, 'cockatiel')),
      openOursVsCockatiel: ratio(ns(open, 'lab-metrics'), ns(open, 'cockatiel')),
    },
    target: { closedRegistryVsOpossum: 1.25, openRegistryNs: 1_000 },
  });
}

main().catch(failStartup);
