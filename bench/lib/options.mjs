// Command-line flags and the sizes they select. Every duration and count is bounded here, so a
// run's total time is known before it starts (quick: about two minutes; full: about twenty).
import { parseArgs } from 'node:util';

// ~50 SLOs per rule set; Prometheus scrapes every second and evaluates every 10 s; its
// /api/v1/rules is read every 5 s (per-rule times). Not 5 s: Sloth's home-wifi SLIs are
// subqueries (`[3d:]`) stepped at the evaluation interval, and at 5 s the groups of both sets
// overran their interval on a shared 2-core VM, so durations measured Prometheus's query queue.
const SLO_RULES = {
  slos: 50,
  scrapeInterval: '1s',
  evaluationInterval: '10s',
  rulesSnapshotSeconds: 5,
  // The split variant (`generate --split-groups`): slow groups every 4 evaluation intervals, the
  // ratio of the default 2m to a 30s ruler interval.
  slowInterval: '40s',
  // Afterwards, with rule evaluation stopped, every rule of one replica per example runs alone as
  // a query this many times (median).
  probeRepeats: 7,
};

const PARTS = ['http', 'startup', 'breaker', 'scrape', 'slo-rules'];

const QUICK = {
  mode: 'quick',
  http: {
    rounds: 1,
    warmupSeconds: 1,
    durationSeconds: 3,
    connections: 10,
    paired: { rounds: 1, cycles: 2, warmupSeconds: 1 },
  },
  startup: { rounds: 2, seconds: 5, connections: 10 },
  breaker: {
    calls: 20_000,
    rounds: 5,
    breakers: 10_000,
    storm: { batches: 5, concurrency: 1_000, timeoutMs: 50 },
  },
  scrape: { renders: 2, loadSeconds: 4, connections: 10 },
  sloRules: { ...SLO_RULES, warmupSeconds: 15, durationSeconds: 40 },
};

const FULL = {
  mode: 'full',
  // Five interleaved rounds per scenario: a slow round in one scenario is not mistaken for
  // overhead, and drift over the run (a shared VM's neighbours) hits every scenario alike.
  // Then the steady state paired (http/paired-load.mjs): ours and bare at once, in turns of one
  // second, two rounds of 20 cycles, each server warmed up for 6 s first (an instrumented server
  // needs ~5 s to reach its steady state, see the startup part).
  http: {
    rounds: 5,
    warmupSeconds: 3,
    durationSeconds: 10,
    connections: 10,
    paired: { rounds: 2, cycles: 20, warmupSeconds: 6 },
  },
  // A fresh process per round, loaded from the moment it listens.
  startup: { rounds: 5, seconds: 5, connections: 10 },
  breaker: {
    calls: 200_000,
    rounds: 9,
    breakers: 10_000,
    // Past 10 s of storm (the rolling window), a window-bound cost stops growing: 20 batches.
    storm: { batches: 20, concurrency: 1_000, timeoutMs: 50 },
  },
  scrape: { renders: 5, loadSeconds: 10, connections: 10 },
  sloRules: { ...SLO_RULES, warmupSeconds: 30, durationSeconds: 180 },
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
  const only = values.only ? values.only.split(',') : PARTS;
  for (const part of only) {
    if (!PARTS.includes(part)) {
      throw new Error(`--only: unknown part "${part}"; use ${PARTS.join(', ')} (comma-separated)`);
    }
  }
  return { ...base, only, cpuProf: values['cpu-prof'], help: values.help };
}

export const USAGE = `usage: node bench/run.mjs [--quick] [--only http,startup,breaker,scrape,slo-rules] [--cpu-prof]
  --quick     short runs (CI smoke test; numbers are indicative only)
  --only      run some parts only
  --cpu-prof  write a CPU profile of the @tracseq/telemetry server child to bench/results/profiles
Results go to bench/results/ (git-ignored). Nothing is asserted: this measures.`;
