// Command-line flags and the sizes they select. Every duration and count is bounded here, so a
// run's total time is known before it starts (quick: about a minute; full: about six).
import { parseArgs } from 'node:util';

const QUICK = {
  mode: 'quick',
  http: { rounds: 1, warmupSeconds: 1, durationSeconds: 3, connections: 10 },
  breaker: { calls: 20_000, rounds: 5, breakers: 10_000 },
  scrape: { runs: 30 },
};

const FULL = {
  mode: 'full',
  // Five interleaved rounds per scenario: a slow round in one scenario is not mistaken for
  // overhead, and drift over the run (a shared VM's neighbours) hits every scenario alike.
  http: { rounds: 5, warmupSeconds: 3, durationSeconds: 10, connections: 10 },
  breaker: { calls: 200_000, rounds: 9, breakers: 10_000 },
  scrape: { runs: 100 },
};

/** Parses argv into the settings of this run. */
export function readOptions(argv) {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      'cpu-prof': { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
    },
  });
  const base = values.quick ? QUICK : FULL;
  const only = values.only ? values.only.split(',') : ['http', 'breaker', 'scrape'];
  for (const part of only) {
    if (!['http', 'breaker', 'scrape'].includes(part)) {
      throw new Error(`--only: unknown part "${part}"; use http, breaker, scrape (comma-separated)`);
    }
  }
  return { ...base, only, cpuProf: values['cpu-prof'], help: values.help };
}

export const USAGE = `usage: node bench/run.mjs [--quick] [--only http,breaker,scrape] [--cpu-prof]
  --quick     short runs (CI smoke test; numbers are indicative only)
  --only      run some parts only
  --cpu-prof  write a CPU profile of the @tracseq/telemetry server child to bench/results/profiles
Results go to bench/results/ (git-ignored). Nothing is asserted: this measures.`;
