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
  const memory = measureBreakerMemory(settings.breakers);
  const storm = await measureFailureStorm(settings.storm);
  const ns = (list, id) => list.find((s) => s.id === id).nsPerCall;
  // Exit when the parent asks (stopChild), not on our own right after sending: a child that
  // exits while the parent is sending 'stop' makes that send fail with EPIPE in the parent.
  process.on('message', (message) => {
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
      closedOursVsOpossum: ratio(ns(closed, 'lab-metrics'), ns(closed, 'opossum')),
      closedOursNoObserversVsOpossum: ratio(ns(closed, 'lab'), ns(closed, 'opossum')),
      openOursVsOpossum: ratio(ns(open, 'lab-metrics'), ns(open, 'opossum')),
      closedOursVsCockatiel: ratio(ns(closed, 'lab-metrics'), ns(closed, 'cockatiel')),
      openOursVsCockatiel: ratio(ns(open, 'lab-metrics'), ns(open, 'cockatiel')),
    },
    target: { closedOursVsOpossum: 1.25 },
  });
}

main().catch(failStartup);
