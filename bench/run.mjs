#!/usr/bin/env node
// npm run bench: measures @tracseq/telemetry and @tracseq/circuit-breaker against bare Express,
// the hand-wired peer stack and raw opossum, and the Prometheus evaluation cost of @tracseq/slo's
// rules against Sloth's, on this machine, as ratios within one run.
//   node bench/run.mjs           full run (about 20 minutes)
//   node bench/run.mjs --quick   CI smoke run (about 2 minutes; numbers indicative only)
// Results go to bench/results/ (git-ignored). Nothing is asserted: this is measurement.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runBreakerBench } from './breaker/run-breaker.mjs';
import { runHttpBench } from './http/run-http.mjs';
import { runStartupBench } from './http/run-startup.mjs';
import { killAll, ownPids, pinSelf, placement } from './lib/children.mjs';
import { describeMachine } from './lib/machine.mjs';
import { watchNeighbours } from './lib/neighbours.mjs';
import { readOptions, USAGE } from './lib/options.mjs';
import { describeBuild, distHash } from './lib/provenance.mjs';
import { writeResults } from './report/write-results.mjs';
import { runScrapeBench } from './scrape/run-scrape.mjs';
import { runSloRulesBench } from './slo-rules/run-slo-rules.mjs';

const RESULTS_DIR = fileURLToPath(new URL('./results/', import.meta.url));
const log = (line) => process.stderr.write(`[bench] ${line}\n`);

// No child may outlive the run: a leftover server would skew every later measurement.
process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    log(`${signal}: stopping children`);
    killAll();
    process.exit(130);
  });
}

async function main() {
  const options = readOptions(process.argv.slice(2));
  if (options.help) {
    console.log(USAGE);
    return;
  }
  const started = Date.now();
  const results = {
    date: new Date().toISOString(),
    mode: options.mode,
    command: `node bench/run.mjs ${process.argv.slice(2).join(' ')}`.trim(),
    // Before pinning: afterwards this process sees only its own core.
    machine: describeMachine(),
    build: describeBuild(),
    placement: placement(),
  };
  pinSelf();
  const neighbours = watchNeighbours();
  log(`${options.mode} run; ${results.placement}`);
  if (options.only.includes('http')) {
    results.http = await runHttpBench(options.http, {
      resultsDir: RESULTS_DIR,
      cpuProf: options.cpuProf,
      log,
    });
  }
  if (options.only.includes('startup')) results.startup = await runStartupBench(options.startup, log);
  if (options.only.includes('breaker')) results.breaker = await runBreakerBench(options.breaker, log);
  if (options.only.includes('scrape')) results.scrape = await runScrapeBench(options.scrape, log);
  if (options.only.includes('slo-rules')) results.sloRules = await runSloRulesBench(options.sloRules, log);
  results.durationSeconds = Math.round((Date.now() - started) / 1000);
  results.neighbours = neighbours.stop(ownPids());
  results.build.distHashAtEnd = distHash();
  if (results.build.distHashAtEnd !== results.build.distHashAtStart) {
    log('warning: packages/*/dist changed during the run; the tables mix two builds');
  }
  const { files, markdown } = writeResults(RESULTS_DIR, results);
  console.log(markdown);
  log(`wrote ${files.json}, ${join('bench/results', 'latest.md')}`);
}

main().catch((error) => {
  log(`failed: ${error?.stack ?? error}`);
  killAll();
  process.exit(1);
});
