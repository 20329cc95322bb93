// SLO rule cost: the rules @tracseq/slo generates from Sloth's example specs (imported) against
// the rules Sloth generated from the same specs, both replicated to about 50 SLOs over distinct
// synthetic series, loaded into ONE real Prometheus (two rule files) that scrapes a live
// /metrics target. After a warm-up, every group's `prometheus_rule_group_last_duration_seconds`
// is recorded at each of its evaluations; the cost of a rule set per evaluation cycle is the
// sum over its groups. `/api/v1/rules` snapshots give each rule's `evaluationTime`, to see
// which rules the time goes to. Nothing is asserted.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { adoptProcess } from '../lib/children.mjs';
import { describeBuild, distHash } from '../lib/provenance.mjs';
import { median, ratio, round } from '../lib/stats.mjs';
import { collectExamples, countRules, replicate } from './prepare.mjs';
import { startSeriesTarget } from './series-target.mjs';
import { loadSloPackage } from './slo-package.mjs';

const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BUILD_PACKAGES = ['packages/slo', 'packages/testkit'];
const SETS = [
  { id: 'ours', label: 'tracseq-slo (Sloth specs imported)', file: 'tracseq.rules.yml' },
  { id: 'sloth', label: 'Sloth v0.16.0 (its generated rules)', file: 'sloth.rules.yml' },
];
const SPLIT_SET = { id: 'split', label: 'tracseq-slo --split-groups', file: 'tracseq-split.rules.yml' };
const TICKS_PER_SECOND = 100;

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

/** Nearest-rank percentile. */
function percentile(values, p) {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

async function getJson(url) {
  const body = /** @type {any} */ (await (await fetch(url)).json());
  if (body.status !== 'success') throw new Error(`${url}: ${body.error ?? body.status}`);
  return body.data;
}

/** Per `rule_group` (`<file>;<group>`), the `prometheus_rule_*` gauges and counters Prometheus exposes. */
async function ruleGroupMetrics(url) {
  const text = await (await fetch(`${url}/metrics`)).text();
  const groups = new Map();
  for (const line of text.split('\n')) {
    const match = /^(prometheus_rule_[a-z_]+)\{(.*)\} (\S+)$/.exec(line);
    const group = match && /rule_group="([^"]*)"/.exec(match[2])?.[1];
    if (!group) continue;
    groups.set(group, { ...groups.get(group), [match[1]]: Number(match[3]) });
  }
  return groups;
}

/** The pid of the Prometheus started with `configFile` (a child of this process). */
function prometheusPid(configFile) {
  for (const entry of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid && readFileSync(`/proc/${entry}/cmdline`, 'utf8').includes(configFile)) {
        return Number(entry);
      }
    } catch {}
  }
  return undefined;
}

function cpuTicks(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return undefined;
  }
}

function prometheusVersion(binary) {
  try {
    return /version (\S+)/.exec(execFileSync(binary, ['--version'], { encoding: 'utf8' }))?.[1] ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Recording rules by record name, alerting rules as burn-rate or absent alerts. */
function ruleKind(rule) {
  if (rule.type !== 'alerting') return rule.name;
  return rule.name === 'SloMetricAbsent' ? 'alert SloMetricAbsent' : 'alerts: burn rate';
}

/** Median `evalTotalTime` (seconds) of an instant query at `time`, run `repeats` times in a row. */
async function queryCost(url, expr, time, repeats) {
  const times = [];
  for (let i = 0; i < repeats; i++) {
    const response = await fetch(`${url}/api/v1/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ query: expr, time: String(time), stats: 'all' }),
    });
    const body = /** @type {any} */ (await response.json());
    if (body.status !== 'success') throw new Error(`query ${expr}: ${body.error}`);
    times.push(body.data.stats.timings.evalTotalTime);
  }
  return median(times);
}

/**
 * Every rule expression of the first replica of each example, run as an instant query one at a
 * time at `time` (epoch seconds): what each rule costs to evaluate without other groups competing
 * for the CPU (per set, by example and by rule, in ms).
 */
export async function probeRules(url, firstReplica, time, repeats, splitShare) {
  const out = {
    ours: { totalMs: 0, byExample: {}, byRule: {} },
    sloth: { totalMs: 0, byExample: {}, byRule: {} },
  };
  const split = { fastMs: 0, slowMs: 0 };
  for (const { example, ...sets } of firstReplica) {
    // The split set (`generate --split-groups`) in the same example's turn, so that a neighbour's
    // burst of load hits the three sets alike: fast rules count every cycle, slow ones
    // (`<group>.slow`) `splitShare` of the cycles.
    if (splitShare !== undefined) {
      for (const group of sets.split ?? []) {
        for (const rule of group.rules) {
          const ms = (await queryCost(url, String(rule.expr), time, repeats)) * 1000;
          if (group.name.endsWith('.slow')) split.slowMs += ms;
          else split.fastMs += ms;
        }
      }
    }
    for (const id of ['ours', 'sloth']) {
      const set = out[id];
      for (const rule of sets[id].flatMap((g) => g.rules)) {
        const ms = (await queryCost(url, String(rule.expr), time, repeats)) * 1000;
        const kind = ruleKind({
          type: rule.alert ? 'alerting' : 'recording',
          name: rule.alert ?? rule.record,
        });
        set.totalMs += ms;
        set.byExample[example] = (set.byExample[example] ?? 0) + ms;
        const k = set.byRule[kind] ?? { rules: 0, ms: 0 };
        set.byRule[kind] = { rules: k.rules + 1, ms: k.ms + ms };
      }
    }
  }
  const r3 = (v) => round(v, 3);
  if (splitShare !== undefined) {
    out.split = {
      fastMs: r3(split.fastMs),
      slowMs: r3(split.slowMs),
      amortisedMs: r3(split.fastMs + split.slowMs * splitShare),
    };
  }
  for (const set of [out.ours, out.sloth]) {
    set.totalMs = r3(set.totalMs);
    for (const k of Object.keys(set.byExample)) set.byExample[k] = r3(set.byExample[k]);
    for (const k of Object.values(set.byRule)) k.ms = r3(k.ms);
  }
  return out;
}

/** Tracks, per rule group and per rule, every evaluation seen after `since` (epoch seconds). */
function evaluationLog(since) {
  const groups = new Map();
  const rules = new Map();
  return {
    addGroupMetrics(metrics) {
      for (const [key, m] of metrics) {
        const ts = m.prometheus_rule_group_last_evaluation_timestamp_seconds;
        const seconds = m.prometheus_rule_group_last_duration_seconds;
        const entry = groups.get(key) ?? { durations: [], lastTs: undefined, first: m, last: m };
        entry.last = m;
        if (ts >= since && ts !== entry.lastTs && Number.isFinite(seconds)) {
          entry.durations.push(seconds);
          entry.lastTs = ts;
        }
        groups.set(key, entry);
      }
    },
    addRulesSnapshot(data) {
      for (const group of data.groups) {
        group.rules.forEach((rule, i) => {
          const key = `${group.file};${group.name};${i}`;
          const entry = rules.get(key) ?? { file: group.file, kind: ruleKind(rule), times: [], lastSeen: '' };
          entry.health = rule.health;
          entry.lastError = rule.lastError;
          if (Date.parse(rule.lastEvaluation) / 1000 >= since && rule.lastEvaluation !== entry.lastSeen) {
            entry.times.push(rule.evaluationTime);
            entry.lastSeen = rule.lastEvaluation;
          }
          rules.set(key, entry);
        });
      }
    },
    groups,
    rules,
  };
}

/** The SLO id of a rule group (`tracseq-slo-<id>`, `tracseq-slo-<id>.slow`, `sloth-slo-<kind>-<id>`). */
function sloIdOf(groupName) {
  return /^(?:tracseq-slo-|sloth-slo-(?:sli-recordings|meta-recordings|alerts)-)(.+?)(?:\.slow)?$/.exec(
    groupName,
  )?.[1];
}

/** Per-cycle sums over `groups` (each `{durations}`), as many cycles as the group seen least often. */
function cycleSums(groups) {
  const cycles = Math.min(...groups.map((g) => g.durations.length));
  return Array.from({ length: Number.isFinite(cycles) ? cycles : 0 }, (_, k) =>
    groups.reduce((sum, g) => sum + g.durations[k], 0),
  );
}

/**
 * The split rule set's cost: its fast groups run every evaluation interval, its slow groups
 * (`<group>.slow`) every `slowInterval`, so a base cycle costs the fast groups' sum plus the slow
 * groups' sum times evaluationInterval / slowInterval (amortised). Rules and recorded samples
 * per cycle are amortised the same way.
 */
function summariseSplit(set, path, rules, log, slos, evalSeconds, slowSeconds) {
  const groups = [...log.groups]
    .filter(([key]) => key.startsWith(`${path};`))
    .map(([key, g]) => ({ ...g, name: key.slice(path.length + 1) }));
  const slow = groups.filter((g) => g.name.endsWith('.slow'));
  const fast = groups.filter((g) => !g.name.endsWith('.slow'));
  const share = evalSeconds / slowSeconds;
  const ms = (seconds) => round(seconds * 1000, 3);
  const fastSums = cycleSums(fast);
  const slowSums = cycleSums(slow);
  const medianSum = (list) => list.reduce((n, g) => n + (median(g.durations) ?? 0), 0);
  const count = (list, pick) => list.flatMap((g) => g.rules).filter(pick).length;
  const isRecording = (r) => r.record !== undefined;
  const fastRules = rules.filter((g) => !g.name.endsWith('.slow'));
  const slowRules = rules.filter((g) => g.name.endsWith('.slow'));
  const delta = (name) => groups.reduce((n, g) => n + ((g.last[name] ?? 0) - (g.first[name] ?? 0)), 0);
  const unhealthy = [...log.rules.values()].filter((r) => r.file === path && r.health !== 'ok');
  // Both parts need at least one complete cycle; on an overloaded machine the sums of group
  // medians below still say something.
  const amortised =
    fastSums.length > 0 && slowSums.length > 0 ? median(fastSums) + median(slowSums) * share : Number.NaN;
  return {
    id: set.id,
    label: set.label,
    file: set.file,
    slowShare: share,
    groupsLoaded: groups.length,
    fast: {
      groups: fast.length,
      rules: count(fastRules, () => true),
      recording: count(fastRules, isRecording),
      cycles: fastSums.length,
      evalMsMedian: ms(median(fastSums)),
      groupMedianSumMs: ms(medianSum(fast)),
    },
    slow: {
      groups: slow.length,
      rules: count(slowRules, () => true),
      recording: count(slowRules, isRecording),
      evaluations: slowSums.length,
      evalMsMedian: ms(median(slowSums)),
      groupMedianSumMs: ms(medianSum(slow)),
    },
    rulesPerCycle: round(count(fastRules, () => true) + count(slowRules, () => true) * share, 1),
    samplesPerCycle: round(count(fastRules, isRecording) + count(slowRules, isRecording) * share, 1),
    amortisedMs: ms(amortised),
    amortisedGroupMedianSumMs: ms(medianSum(fast) + medianSum(slow) * share),
    perSloAmortisedMs: ms(amortised / slos.length),
    evaluationFailures: delta('prometheus_rule_evaluation_failures_total'),
    missedIterations: delta('prometheus_rule_group_iterations_missed_total'),
    unhealthyRules: unhealthy.length,
    firstError: unhealthy[0]?.lastError ?? null,
  };
}

/**
 * What one rule set cost: per-cycle sums over its groups, rule counts, errors, and where the time
 * goes (per Sloth example spec, per rule).
 */
function summariseSet(set, path, counts, log, slos) {
  const groups = [...log.groups]
    .filter(([key]) => key.startsWith(`${path};`))
    .map(([key, g]) => ({ ...g, name: key.slice(path.length + 1) }));
  const cycles = Math.min(...groups.map((g) => g.durations.length));
  const sums = Array.from({ length: Number.isFinite(cycles) ? cycles : 0 }, (_, k) =>
    groups.reduce((sum, g) => sum + g.durations[k], 0),
  );
  const ms = (seconds) => round(seconds * 1000, 3);
  const delta = (name) => groups.reduce((n, g) => n + ((g.last[name] ?? 0) - (g.first[name] ?? 0)), 0);
  const rules = [...log.rules.values()].filter((r) => r.file === path);
  const byKind = {};
  for (const rule of rules) {
    const kind = byKind[rule.kind] ?? { rules: 0, seconds: 0 };
    byKind[rule.kind] = { rules: kind.rules + 1, seconds: kind.seconds + (median(rule.times) ?? 0) };
  }
  const unhealthy = rules.filter((r) => r.health !== 'ok');
  const exampleOf = new Map(slos.map((s) => [s.id, s.example]));
  const byExample = {};
  for (const g of groups) {
    const example = exampleOf.get(sloIdOf(g.name)) ?? '(unknown)';
    byExample[example] = (byExample[example] ?? 0) + (median(g.durations) ?? 0);
  }
  return {
    id: set.id,
    label: set.label,
    file: set.file,
    ...counts,
    rulesLoaded: groups.reduce((n, g) => n + (g.last.prometheus_rule_group_rules ?? 0), 0),
    groupsLoaded: groups.length,
    cycles: sums.length,
    evalMs: {
      median: ms(median(sums)),
      p90: ms(percentile(sums, 90)),
      min: ms(Math.min(...sums)),
      max: ms(Math.max(...sums)),
    },
    // Robust to the stalls that hit a few evaluations (GC, a neighbour taking the core): each
    // group's median duration, summed over the set's groups.
    groupMedianSumMs: ms(groups.reduce((n, g) => n + (median(g.durations) ?? 0), 0)),
    perSloMedianMs: ms(median(sums) / slos.length),
    ruleEvalSumMs: ms(Object.values(byKind).reduce((n, k) => n + k.seconds, 0)),
    byExample: Object.fromEntries(Object.entries(byExample).map(([k, v]) => [k, ms(v)])),
    byRule: Object.fromEntries(
      Object.entries(byKind)
        .sort(([, a], [, b]) => b.seconds - a.seconds)
        .map(([kind, k]) => [kind, { rules: k.rules, ms: ms(k.seconds) }]),
    ),
    evaluationFailures: delta('prometheus_rule_evaluation_failures_total'),
    missedIterations: delta('prometheus_rule_group_iterations_missed_total'),
    unhealthyRules: unhealthy.length,
    firstError: unhealthy[0]?.lastError ?? null,
  };
}

/**
 * Stops all rule evaluation: the config is reloaded without rule files. Queries at an earlier
 * time still see everything the rules recorded (their staleness markers come later).
 */
export async function unloadRules(prometheus, yaml) {
  const config = yaml.parse(readFileSync(prometheus.configFile, 'utf8'));
  writeFileSync(prometheus.configFile, yaml.stringify({ ...config, rule_files: [] }));
  const response = await fetch(`${prometheus.url}/-/reload`, { method: 'POST' });
  if (!response.ok) throw new Error(`reload without rules: HTTP ${response.status} ${await response.text()}`);
}

/** Both sets' 5m error ratios per SLO: how many exist and how far apart they are. */
async function compareSli(prometheus) {
  // Ours only: the split set's replicas (`<service>-sNN`) have no Sloth counterpart.
  const ours = await prometheus.query('slo:sli_error:ratio_rate5m{slo_id!="",slo_service!~".+-s[0-9]+"}');
  const sloth = await prometheus.query('slo:sli_error:ratio_rate5m{sloth_id!=""}');
  const theirs = new Map(sloth.map((s) => [s.metric.sloth_id, s.value]));
  let compared = 0;
  let maxAbsDiff = 0;
  for (const s of ours) {
    const other = theirs.get(s.metric.slo_id);
    if (other === undefined || !Number.isFinite(other) || !Number.isFinite(s.value)) continue;
    compared++;
    maxAbsDiff = Math.max(maxAbsDiff, Math.abs(s.value - other));
  }
  return { oursSeries: ours.length, slothSeries: sloth.length, compared, maxAbsDiff };
}

export async function runSloRulesBench(settings, log) {
  const conformanceDir = resolve(REPO_ROOT, process.env.TRACSEQ_CONFORMANCE_DIR ?? '../shared/conformance');
  const slothDir = join(conformanceDir, 'sloth');
  const notRun = (reason) => {
    log(`slo-rules: not run: ${reason}`);
    return { ran: false, reason, settings };
  };
  if (!existsSync(join(slothDir, 'specs')) || !existsSync(join(slothDir, 'generated'))) {
    return notRun(
      `no Sloth conformance data at ${slothDir} (TRACSEQ_CONFORMANCE_DIR, default ../shared/conformance from the repository root)`,
    );
  }
  let pkg;
  try {
    pkg = await loadSloPackage();
  } catch (error) {
    return notRun(`@tracseq/slo or @tracseq/testkit not loadable (npm run build first?): ${error.message}`);
  }
  let binary;
  try {
    binary = pkg.testkit.findBinary('prometheus');
  } catch (error) {
    return notRun(error.message);
  }

  const build = describeBuild(BUILD_PACKAGES);
  const { examples, skipped } = collectExamples(pkg, slothDir);
  const baseSlos = examples.reduce((n, e) => n + e.slos, 0);
  if (baseSlos === 0) return notRun(`no Sloth example could be imported and fed: ${JSON.stringify(skipped)}`);
  const replicas = Math.max(1, Math.round(settings.slos / baseSlos));
  const replicated = replicate(pkg, examples, replicas, settings.slowInterval);
  const slos = replicated.slos.length;
  const sloIds = replicated.slos;
  const temp = pkg.testkit.makeTempDir('bench-slo-rules');
  const paths = {
    ours: join(temp.path, SETS[0].file),
    sloth: join(temp.path, SETS[1].file),
    split: join(temp.path, SPLIT_SET.file),
  };
  writeFileSync(paths.ours, pkg.slo.renderYaml({ groups: replicated.ours }));
  writeFileSync(paths.sloth, pkg.slo.renderYaml({ groups: replicated.sloth }));
  writeFileSync(paths.split, pkg.slo.renderYaml({ groups: replicated.split }));
  const counts = { ours: countRules(replicated.ours), sloth: countRules(replicated.sloth) };

  const target = await startSeriesTarget(replicated.series);
  let prometheus;
  let promDir;
  // Interrupted runs: the testkit kills Prometheus on exit; remove the temp folders as well.
  const cleanUp = () => {
    temp.remove();
    if (promDir) rmSync(promDir, { recursive: true, force: true });
  };
  process.once('exit', cleanUp);
  try {
    log(
      `slo-rules: ${examples.length} Sloth example documents (${baseSlos} SLOs) x ${replicas} replicas = ${slos} SLOs, ` +
        `${target.seriesCount} synthetic series on ${target.address}`,
    );
    // Prometheus gets every core (it would inherit this process's pinning to one): a group's
    // duration is wall time, and groups of both sets evaluate concurrently, so on one core every
    // group's duration would include the CPU time of the groups that overlap it.
    const cores = cpus().length;
    const gomaxprocs = process.env.GOMAXPROCS;
    process.env.GOMAXPROCS = String(cores);
    try {
      prometheus = await pkg.testkit.startPrometheus({
        ruleFiles: [paths.ours, paths.sloth, ...(replicated.split.length > 0 ? [paths.split] : [])],
        scrapeTargets: [{ job: 'slo-bench-series', targets: [target.address] }],
        scrapeInterval: settings.scrapeInterval,
        evaluationInterval: settings.evaluationInterval,
      });
    } finally {
      if (gomaxprocs === undefined) delete process.env.GOMAXPROCS;
      else process.env.GOMAXPROCS = gomaxprocs;
    }
    promDir = dirname(prometheus.configFile);
    const pid = prometheusPid(prometheus.configFile);
    const cpuList = pid === undefined ? undefined : adoptProcess(pid);
    await prometheus.waitForTargetsUp();
    const version = prometheusVersion(binary);
    log(
      `slo-rules: Prometheus ${version} up (GOMAXPROCS ${cores}${cpuList ? `, cores ${cpuList}` : ''}); warm-up ${settings.warmupSeconds} s`,
    );
    await sleep(settings.warmupSeconds * 1000);

    const since = Date.now() / 1000;
    const evaluations = evaluationLog(since);
    const ticksAtStart = pid && cpuTicks(pid);
    log(`slo-rules: measuring ${settings.durationSeconds} s`);
    const end = Date.now() + settings.durationSeconds * 1000;
    let nextSnapshot = Date.now() + settings.rulesSnapshotSeconds * 1000;
    evaluations.addGroupMetrics(await ruleGroupMetrics(prometheus.url));
    while (Date.now() < end) {
      await sleep(Math.min(1000, Math.max(0, end - Date.now())));
      evaluations.addGroupMetrics(await ruleGroupMetrics(prometheus.url));
      if (Date.now() >= nextSnapshot || Date.now() >= end) {
        evaluations.addRulesSnapshot(await getJson(`${prometheus.url}/api/v1/rules`));
        nextSnapshot += settings.rulesSnapshotSeconds * 1000;
      }
    }
    const ticksAtEnd = pid && cpuTicks(pid);
    const measuredSeconds = Date.now() / 1000 - since;
    const sets = Object.fromEntries(
      SETS.map((set) => [set.id, summariseSet(set, paths[set.id], counts[set.id], evaluations, sloIds)]),
    );
    const split =
      replicated.split.length > 0
        ? summariseSplit(
            SPLIT_SET,
            paths.split,
            replicated.split,
            evaluations,
            replicated.splitSlos,
            pkg.slo.parseDuration(settings.evaluationInterval),
            pkg.slo.parseDuration(settings.slowInterval),
          )
        : undefined;
    const sli = await compareSli(prometheus);
    log(
      `slo-rules: rules unloaded; running each rule of one replica per example alone (${settings.probeRepeats} times)`,
    );
    const probeTime = Date.now() / 1000 - 1;
    await unloadRules(prometheus, pkg.yaml);
    await sleep(1000);
    const isolated = await probeRules(
      prometheus.url,
      replicated.firstReplica,
      probeTime,
      settings.probeRepeats,
      split?.slowShare,
    );
    if (split) split.isolated = isolated.split;
    const distHashAtEnd = distHash(BUILD_PACKAGES);
    return {
      ran: true,
      settings,
      conformanceDir: slothDir,
      build: { ...build, distHashAtEnd },
      prometheus: {
        version,
        gomaxprocs: cores,
        cpuList: cpuList ?? null,
        cpuCores:
          ticksAtStart !== undefined && ticksAtEnd !== undefined
            ? round((ticksAtEnd - ticksAtStart) / TICKS_PER_SECOND / measuredSeconds, 3)
            : null,
      },
      source: {
        documents: examples.map((e) => ({ label: e.label, slos: e.slos, sli: e.shapes.join(', ') })),
        skipped,
        baseSlos,
        replicas,
        slos,
        series: target.seriesCount,
        counters: target.counters,
        errorRatio: 'half of each SLO budget (no alert fires)',
      },
      sets,
      ...(split
        ? {
            split,
            splitRatios: {
              amortisedVsOurs: ratio(split.amortisedMs, sets.ours.evalMs.median),
              amortisedVsSloth: ratio(split.amortisedMs, sets.sloth.evalMs.median),
              groupMedianSumVsOurs: ratio(split.amortisedGroupMedianSumMs, sets.ours.groupMedianSumMs),
              fastVsOurs: ratio(split.fast.evalMsMedian, sets.ours.evalMs.median),
              rulesPerCycleVsOurs: ratio(split.rulesPerCycle, sets.ours.rules),
              isolatedVsOurs: ratio(split.isolated?.amortisedMs, isolated.ours.totalMs),
              isolatedVsSloth: ratio(split.isolated?.amortisedMs, isolated.sloth.totalMs),
            },
          }
        : {}),
      ratios: {
        evalMedian: ratio(sets.ours.evalMs.median, sets.sloth.evalMs.median),
        evalP90: ratio(sets.ours.evalMs.p90, sets.sloth.evalMs.p90),
        groupMedianSum: ratio(sets.ours.groupMedianSumMs, sets.sloth.groupMedianSumMs),
        ruleEvalSum: ratio(sets.ours.ruleEvalSumMs, sets.sloth.ruleEvalSumMs),
        isolated: ratio(isolated.ours.totalMs, isolated.sloth.totalMs),
        rules: ratio(sets.ours.rules, sets.sloth.rules),
        recording: ratio(sets.ours.recording, sets.sloth.recording),
      },
      sli,
      isolated,
      files: Object.fromEntries(Object.entries(paths).map(([k, p]) => [k, basename(p)])),
    };
  } finally {
    await prometheus?.stop();
    await target.close();
    cleanUp();
    process.off('exit', cleanUp);
  }
}
