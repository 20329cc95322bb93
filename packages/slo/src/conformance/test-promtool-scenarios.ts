/**
 * promtool unit tests that load tracseq-slo's rules and Sloth's generated rules side by side and
 * assert, per SLO and evaluation time, that both page (and both open a ticket) at the same times
 * and that their SLI recording rules agree.
 */

import { formatDuration, parseDuration, quoteLabelValue } from '@tracseq/contract';
import { parseAllDocuments } from 'yaml';
import { MAX_SAMPLES_PER_SERIES } from '../promtool-tests/build-rule-tests.js';
import type { InputModel, InputSeries, Phase } from './test-synthetic-series.js';

/** Input step of every conformance test, in seconds; phases count these steps. */
export const STEP_SECONDS = 60;

/**
 * Rules are evaluated every this many steps (promtool's `evaluation_interval` is per file). Both
 * rule sets see the same evaluations, and rule evaluation is what costs time in promtool.
 */
const EVAL_STEPS = 5;

/** Alerts are compared at every evaluation, SLIs every `SLI_EVERY` steps. */
const ALERT_EVERY = EVAL_STEPS;
const SLI_EVERY = 3 * EVAL_STEPS;

/** SLI recordings must agree within this. */
export const SLI_TOLERANCE = 1e-9;

/** A Prometheus rule group as both generators write it. */
export interface LooseRuleGroup {
  readonly name: string;
  readonly rules: readonly Readonly<Record<string, unknown>>[];
}

/** One Sloth multiwindow condition: `short` and `long` both above `factor` x budget. */
export interface SlothCondition {
  readonly id: string;
  readonly severity: 'page' | 'ticket';
  readonly shortWindow: string;
  readonly longWindow: string;
  readonly factor: number;
}

/** What the conformance tests need from Sloth's generated rule file. */
export interface SlothRules {
  readonly groups: readonly LooseRuleGroup[];
  /** `sloth_id`s in file order. */
  readonly ids: readonly string[];
  /** Windows of `slo:sli_error:ratio_rate<window>` per `sloth_id`. */
  readonly windows: ReadonlyMap<string, readonly string[]>;
  /** `slo:objective:ratio` and `slo:time_period:days` per `sloth_id`. */
  readonly objective: ReadonlyMap<string, number>;
  readonly periodDays: ReadonlyMap<string, number>;
  readonly conditions: readonly SlothCondition[];
}

function record(value: unknown): Readonly<Record<string, unknown>> {
  return value !== null && typeof value === 'object' && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

function vectorValue(expr: unknown): number {
  const text = String(expr).trim();
  const match = /^vector\((.+)\)$/.exec(text);
  if (!match?.[1]) return Number.NaN;
  const parts = match[1].split('-');
  return parts.length === 2 ? Number(parts[0]) - Number(parts[1]) : Number(match[1]);
}

/**
 * Reads a Sloth output file: `groups:` (possibly after `---` and comments, possibly several YAML
 * documents) or a prometheus-operator `PrometheusRule` whose `spec.groups` hold them.
 */
export function readSlothRules(text: string): SlothRules {
  const rawGroups = parseAllDocuments(text).flatMap((doc) => {
    if (doc.errors.length > 0) throw new Error(`Sloth output: ${doc.errors[0]?.message}`);
    const data = record(doc.toJS());
    const groups = data.kind === 'PrometheusRule' ? record(data.spec).groups : data.groups;
    return Array.isArray(groups) ? (groups as unknown[]) : [];
  });
  if (rawGroups.length === 0) throw new Error('Sloth output has no rule groups');
  const groups = rawGroups.map((g) => ({
    name: String(record(g).name),
    rules: (Array.isArray(record(g).rules) ? (record(g).rules as unknown[]) : []).map(record),
  }));
  const ids: string[] = [];
  const windows = new Map<string, string[]>();
  const objective = new Map<string, number>();
  const periodDays = new Map<string, number>();
  const conditions: SlothCondition[] = [];
  for (const rule of groups.flatMap((g) => g.rules)) {
    const labels = record(rule.labels);
    const id = labels.sloth_id === undefined ? undefined : String(labels.sloth_id);
    if (id !== undefined && !ids.includes(id)) ids.push(id);
    const name = rule.record === undefined ? undefined : String(rule.record);
    const window = /^slo:sli_error:ratio_rate(.+)$/.exec(name ?? '')?.[1];
    if (id !== undefined && window) windows.set(id, [...(windows.get(id) ?? []), window]);
    if (id !== undefined && name === 'slo:objective:ratio') objective.set(id, vectorValue(rule.expr));
    if (id !== undefined && name === 'slo:time_period:days') periodDays.set(id, vectorValue(rule.expr));
    if (rule.alert !== undefined) {
      const severity = String(labels.sloth_severity);
      const expr = String(rule.expr);
      const alertId = /sloth_id="([^"]+)"/.exec(expr)?.[1] ?? '';
      const terms = [...expr.matchAll(/ratio_rate(\w+)\{[^}]*\} > \(([\d.]+) \* [\d.e-]+\)/g)];
      for (let i = 0; i + 1 < terms.length; i += 2) {
        const [short, long] = [terms[i], terms[i + 1]];
        conditions.push({
          id: alertId,
          severity: severity === 'page' ? 'page' : 'ticket',
          shortWindow: short?.[1] ?? '',
          longWindow: long?.[1] ?? '',
          factor: Number(short?.[2]),
        });
      }
    }
  }
  return { groups, ids, windows, objective, periodDays, conditions };
}

/** One SLO as the promtool tests see it; `id` is both our `slo_id` and Sloth's `sloth_id`. */
export interface ConformanceSlo {
  readonly id: string;
  /** Error budget as a ratio. */
  readonly budget: number;
  readonly pageEnabled: boolean;
  readonly ticketEnabled: boolean;
  /** How to feed its SLI; `undefined` when it cannot be synthesised. */
  readonly model: InputModel | undefined;
  /** Rate windows both sides record (the period window excluded). */
  readonly windows: readonly string[];
}

/** Expected presence of firing alerts of the scenario's SLO at a minute; absent means not asserted. */
interface Expectation {
  readonly minute: number;
  readonly page?: boolean;
  readonly ticket?: boolean;
}

/** A traffic scenario for one SLO. */
export interface Scenario {
  readonly name: string;
  /** Phases of one-minute steps for an SLO with `budget`; undefined when the ratio would exceed 1. */
  readonly phases: (budget: number) => readonly Phase[] | undefined;
  /** Sanity expectations, so agreement cannot hold vacuously (both sides silent). */
  readonly expect: (slo: ConformanceSlo) => readonly Expectation[];
  /** Whether the expectations need exact window ratios (they sit close to a threshold). */
  readonly needsExactRatios: boolean;
}

function burnPhases(budget: number, clean: number, minutes: number, factor: number): Phase[] | undefined {
  return factor * budget > 1
    ? undefined
    : [
        { steps: clean, errorRatio: 0 },
        { steps: minutes, errorRatio: factor * budget },
      ];
}

/**
 * The scenarios, in one-minute steps: steady clean traffic; a full outage; a sustained burn of
 * about 2x (2.03x); a burn just under and just over 14.4x (13.9x, 14.9x) for 65m after 2h clean
 * (so the 1h window holds only the burn and the 6h window stays under 6x); recovery after an
 * outage; no traffic at all, then an outage. Factors avoid round ratios so that no window lands
 * exactly on a threshold, where Sloth's budgets (1 - 0.9990000000000001) and ours (0.001) differ
 * in the last bits. Expectations hold for budgets up to about 5 %.
 */
export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'steady clean traffic',
    phases: () => [{ steps: 120, errorRatio: 0 }],
    expect: () => [
      { minute: 60, page: false, ticket: false },
      { minute: 120, page: false, ticket: false },
    ],
    needsExactRatios: false,
  },
  {
    name: 'full outage for 1h after 30m clean',
    phases: () => [
      { steps: 30, errorRatio: 0 },
      { steps: 60, errorRatio: 1 },
    ],
    expect: (s) => [
      { minute: 30, page: false, ticket: false },
      { minute: 90, page: s.pageEnabled, ticket: s.ticketEnabled },
    ],
    needsExactRatios: false,
  },
  {
    name: 'burn of about 2x the budget (2.03x) for 2h after 30m clean',
    phases: (b) => burnPhases(b, 30, 120, 2.03),
    expect: (s) => [{ minute: 150, page: false, ticket: s.ticketEnabled }],
    needsExactRatios: true,
  },
  {
    name: 'burn just under 14.4x (13.9x) for 65m after 2h clean',
    phases: (b) => burnPhases(b, 120, 65, 13.9),
    expect: () => [{ minute: 185, page: false }],
    needsExactRatios: true,
  },
  {
    name: 'burn just over 14.4x (14.9x) for 65m after 2h clean',
    phases: (b) => burnPhases(b, 120, 65, 14.9),
    expect: (s) => [{ minute: 185, page: s.pageEnabled }],
    needsExactRatios: true,
  },
  {
    name: 'recovery: 30m clean, 1h outage, 1h clean',
    phases: () => [
      { steps: 30, errorRatio: 0 },
      { steps: 60, errorRatio: 1 },
      { steps: 60, errorRatio: 0 },
    ],
    expect: (s) => [
      { minute: 90, page: s.pageEnabled, ticket: s.ticketEnabled },
      { minute: 150, page: false },
    ],
    needsExactRatios: false,
  },
  {
    name: 'no traffic for 30m, then a 1h outage',
    phases: () => [
      { steps: 30, errorRatio: undefined },
      { steps: 60, errorRatio: 1 },
    ],
    expect: (s) => [
      { minute: 30, page: false, ticket: false },
      { minute: 90, page: s.pageEnabled, ticket: s.ticketEnabled },
    ],
    needsExactRatios: false,
  },
];

interface PromqlExprTest {
  readonly expr: string;
  readonly eval_time: string;
  readonly exp_samples: readonly { readonly labels: string; readonly value: number }[];
}

interface UnitTest {
  readonly name: string;
  readonly interval: string;
  readonly input_series: readonly InputSeries[];
  readonly promql_expr_test: readonly PromqlExprTest[];
}

/** A promtool `test rules` file. */
export interface ConformanceTestFile {
  readonly rule_files: readonly string[];
  readonly evaluation_interval: string;
  readonly group_eval_order: readonly string[];
  readonly tests: readonly UnitTest[];
}

const q = quoteLabelValue;

/** 1 when Sloth's `severity` alert of `id` fires, else 0. */
export function slothFiring(id: string, severity: 'page' | 'ticket'): string {
  return `(count(ALERTS{alertstate="firing",sloth_id=${q(id)},sloth_severity="${severity}"}) > bool 0) or vector(0)`;
}

/** 1 when any of our burn alerts of `id` for `severity` (page = critical) fires, else 0. */
export function oursFiring(id: string, severity: 'page' | 'ticket'): string {
  const ours = severity === 'page' ? 'critical' : 'warning';
  return `(count(ALERTS{alertstate="firing",alertname="SloErrorBudgetBurn",slo_id=${q(id)},severity="${ours}"}) > bool 0) or vector(0)`;
}

function at(minute: number): string {
  return formatDuration(minute * STEP_SECONDS);
}

/** What a check is about; the first word of its `check` label. */
export type CheckKind = 'alerts' | 'sanity' | 'sli';

/**
 * A check whose result carries a `check` label naming it (`alerts | <scenario> | <slo> page`),
 * so that promtool's failure output, which omits test names, says what failed.
 */
function check(kind: CheckKind, what: string, text: string, minute: number, value: number): PromqlExprTest {
  const name = `${kind} | ${what}`;
  return {
    expr: `label_replace(${text}, "check", ${q(name)}, "", "")`,
    eval_time: at(minute),
    exp_samples: [{ labels: `{check=${q(name)}}`, value }],
  };
}

/** The failed checks in promtool output, one line each: `<kind> | <what> at <time>: expected X, got Y`. */
export function failedChecks(
  output: string,
): { readonly kind: CheckKind | 'other'; readonly line: string }[] {
  return output
    .split(/\n(?=\s*expr: )/)
    .slice(1)
    .map((block) => {
      const name = /check="([^"]+)"/.exec(block)?.[1];
      const time = /time: ([^,\s]+)/.exec(block)?.[1] ?? '?';
      const exp = /exp: *(.*)/.exec(block)?.[1]?.replace(/\{check="[^"]*"\} /, '') ?? '?';
      const got = /got: *(.*)/.exec(block)?.[1]?.replace(/\{check="[^"]*"\} /g, '') ?? '?';
      const kind = (['alerts', 'sanity', 'sli'] as const).find((k) => name?.startsWith(`${k} |`)) ?? 'other';
      return { kind, line: `${name ?? block.trim().split('\n')[0]} at ${time}: expected ${exp}, got ${got}` };
    });
}

/** Steps with traffic among steps `from+1 .. to`. */
function trafficSteps(phases: readonly Phase[], from: number, to: number): number {
  let n = 0;
  let step = 0;
  for (const p of phases) {
    for (let i = 0; i < p.steps; i++) {
      step++;
      if (step > from && step <= to && p.errorRatio !== undefined) n++;
    }
  }
  return n;
}

function scenarioInput(target: ConformanceSlo, slos: readonly ConformanceSlo[], phases: readonly Phase[]) {
  const clean = phases.map((p) => ({ ...p, errorRatio: p.errorRatio === undefined ? undefined : 0 }));
  const series = new Map<string, InputSeries>();
  for (const slo of [target, ...slos.filter((s) => s !== target)]) {
    for (const s of slo.model?.build(slo === target ? phases : clean, EVAL_STEPS) ?? []) {
      if (!series.has(s.series)) series.set(s.series, s);
    }
  }
  return [...series.values()];
}

/** The checks of one scenario run: agreement of every SLO at every time, plus sanity for `target`. */
function scenarioChecks(
  scenario: Scenario,
  target: ConformanceSlo,
  slos: readonly ConformanceSlo[],
  phases: readonly Phase[],
): PromqlExprTest[] {
  const end = phases.reduce((n, p) => n + p.steps, 0);
  const checks: PromqlExprTest[] = [];
  const minutes = (every: number) => {
    const out: number[] = [];
    for (let m = every; m < end; m += every) out.push(m);
    return [...out, end];
  };
  for (const minute of minutes(ALERT_EVERY)) {
    for (const slo of slos) {
      for (const severity of ['page', 'ticket'] as const) {
        checks.push(
          check(
            'alerts',
            `${scenario.name} | ${slo.id} ${severity} firing, Sloth minus ours`,
            `(${slothFiring(slo.id, severity)}) - (${oursFiring(slo.id, severity)})`,
            minute,
            0,
          ),
        );
      }
    }
  }
  for (const minute of minutes(SLI_EVERY)) {
    for (const slo of slos.filter((s) => s.model)) {
      for (const window of slo.windows) {
        const w = parseDuration(window) / STEP_SECONDS;
        if (trafficSteps(phases, minute - w, minute) < 2) continue;
        const name = `slo:sli_error:ratio_rate${window}`;
        checks.push(
          check(
            'sli',
            `${scenario.name} | ${slo.id} ${name} within ${SLI_TOLERANCE}`,
            `abs(${name}{slo_id=${q(slo.id)}} - on() ${name}{sloth_id=${q(slo.id)}}) < bool ${SLI_TOLERANCE}`,
            minute,
            1,
          ),
        );
      }
    }
  }
  if (!scenario.needsExactRatios || target.model?.exact) {
    for (const e of scenario.expect(target)) {
      for (const severity of ['page', 'ticket'] as const) {
        const want = e[severity];
        if (want === undefined) continue;
        const what = `${scenario.name} | ${target.id} ${severity} firing`;
        checks.push(
          check('sanity', `${what} (Sloth)`, slothFiring(target.id, severity), e.minute, want ? 1 : 0),
        );
        checks.push(
          check('sanity', `${what} (ours)`, oursFiring(target.id, severity), e.minute, want ? 1 : 0),
        );
      }
    }
  }
  return checks;
}

/** The promtool test file of one spec, and the names of the scenario runs it holds. */
export function buildConformanceTest(options: {
  readonly ruleFiles: readonly string[];
  readonly groupOrder: readonly string[];
  readonly slos: readonly ConformanceSlo[];
}): {
  readonly file: ConformanceTestFile;
  readonly runs: readonly string[];
  readonly skipped: readonly string[];
} {
  const tests: UnitTest[] = [];
  const skipped: string[] = [];
  for (const target of options.slos.filter((s) => s.model)) {
    for (const scenario of SCENARIOS) {
      const phases = scenario.phases(target.budget);
      const name = `${target.id}: ${scenario.name}`;
      if (!phases) {
        skipped.push(`${name} (error ratio above 1 for a budget of ${target.budget})`);
        continue;
      }
      const samples = phases.reduce((n, p) => n + p.steps, 1);
      if (samples > MAX_SAMPLES_PER_SERIES) {
        throw new Error(
          `${name}: ${samples} samples per series; promtool loads at most ${MAX_SAMPLES_PER_SERIES}`,
        );
      }
      tests.push({
        name,
        interval: formatDuration(STEP_SECONDS),
        input_series: scenarioInput(target, options.slos, phases),
        promql_expr_test: scenarioChecks(scenario, target, options.slos, phases),
      });
    }
  }
  return {
    file: {
      rule_files: options.ruleFiles,
      evaluation_interval: formatDuration(EVAL_STEPS * STEP_SECONDS),
      group_eval_order: options.groupOrder,
      tests,
    },
    runs: tests.map((t) => t.name),
    skipped,
  };
}
