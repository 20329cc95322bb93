/**
 * Synthetic promtool input series for an SLI written as free PromQL (Sloth `events` or `raw`):
 * the queries are parsed with Prometheus's Lezer grammar and series are chosen so that the
 * error query counts exactly the bad events and the total query all events.
 */
import { parser } from '@prometheus-io/lezer-promql';
import { formatNumber, quoteLabelValue, WINDOW_PLACEHOLDER } from '@tracseq/contract';
import type { Sli } from '../spec/types.js';

type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

/** A label matcher operator. */
export type MatchOp = '=' | '!=' | '=~' | '!~';

/** One label matcher of a vector selector. */
export interface LabelMatcher {
  readonly name: string;
  readonly op: MatchOp;
  readonly value: string;
}

/** A vector selector: metric name (if given) and label matchers. */
export interface Selector {
  readonly metric: string | undefined;
  readonly matchers: readonly LabelMatcher[];
  /** Canonical text, for deduplication. */
  readonly key: string;
}

/** The labels of one series, `__name__` included. */
export type Labels = Readonly<Record<string, string>>;

/** A stretch of input steps with one error ratio; `undefined` means no traffic at all. */
export interface Phase {
  readonly steps: number;
  readonly errorRatio: number | undefined;
}

/** One promtool `input_series` entry. */
export interface InputSeries {
  readonly series: string;
  readonly values: string;
}

/** How input series are made for one SLI. */
export interface InputModel {
  /** What the model feeds, for test names and reports. */
  readonly description: string;
  /**
   * True when every window's error ratio equals the phases' ratio exactly (counters, a ratio
   * gauge); false when ratios are quantised (a fleet of gauges), so only coarse expectations hold.
   */
  readonly exact: boolean;
  /**
   * Series for a timeline of phases, sampled every input step from 0 to the last step. Rules are
   * evaluated every `evalSteps` steps; models whose queries sample gauges at that resolution
   * (subqueries) hold their values for as long.
   */
  build(phases: readonly Phase[], evalSteps: number): InputSeries[];
}

/** The model of an SLI, or why none could be derived. */
export type Synthesis = { readonly model: InputModel } | { readonly unsupported: string };

/** Events per input step of counter models; large enough that small ratios stay exact. */
export const EVENTS_PER_STEP = 1_000;

/** Gauges in a fleet model (`count(metric < x)` SLIs); promtool time grows with it. */
export const FLEET_SIZE = 10;

/** Values tried for regex matchers that should match (bad events) and not match (good ones). */
const MATCHING_VALUES = ['500', '503', '429', '5xx', 'error', 'fail', 'timeout'];
const OTHER_VALUES = ['200', 'ok', 'success', 'other'];
/** Gauge values tried for `metric < x` style comparisons. */
const GAUGE_VALUES = [1, 0, -1, 0.25, 0.5, 0.75, 2, 10, 100, 1_000, 1e6];
const FLEET_LABEL = 'client';

const MATCH_OPS: Readonly<Record<string, MatchOp>> = {
  EqlSingle: '=',
  Neq: '!=',
  EqlRegex: '=~',
  NeqRegex: '!~',
};

const COMPARISONS: Readonly<Record<string, (a: number, b: number) => boolean>> = {
  Lss: (a, b) => a < b,
  Gtr: (a, b) => a > b,
  Lte: (a, b) => a <= b,
  Gte: (a, b) => a >= b,
  Eql: (a, b) => a === b,
  Neq: (a, b) => a !== b,
};

class Unsupported extends Error {}

function children(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) out.push(child);
  return out;
}

function only<T>(items: readonly T[]): T | undefined {
  return items.length === 1 ? items[0] : undefined;
}

/** A PromQL query with its window substituted, parsed. */
class Query {
  readonly text: string;
  readonly root: SyntaxNode;
  constructor(template: string) {
    this.text = template.split(WINDOW_PLACEHOLDER).join('5m');
    const tree = parser.parse(this.text);
    let broken = false;
    tree.iterate({
      enter: (node) => {
        if (node.type.isError) broken = true;
      },
    });
    if (broken) throw new Unsupported(`cannot parse ${JSON.stringify(this.text)}`);
    this.root = tree.topNode;
  }
  slice(node: SyntaxNode): string {
    return this.text.slice(node.from, node.to);
  }
  /** Every vector selector in the query. */
  selectors(): Selector[] {
    const out: Selector[] = [];
    const visit = (node: SyntaxNode) => {
      if (node.name === 'VectorSelector') out.push(this.selector(node));
      else for (const child of children(node)) visit(child);
    };
    visit(this.root);
    return out;
  }
  selector(node: SyntaxNode): Selector {
    let metric: string | undefined;
    const matchers: LabelMatcher[] = [];
    for (const child of children(node)) {
      if (child.name === 'Identifier') metric = this.slice(child);
      if (child.name !== 'LabelMatchers') continue;
      for (const m of children(child)) {
        const [name, op, value] = children(m);
        const opName = op?.firstChild?.name ?? '';
        if (m.name !== 'UnquotedLabelMatcher' || !name || !value || !(opName in MATCH_OPS)) {
          throw new Unsupported(`unsupported label matcher ${this.slice(m)}`);
        }
        const matcher = {
          name: this.slice(name),
          op: MATCH_OPS[opName] as MatchOp,
          value: unquote(this.slice(value)),
        };
        if (matcher.name === '__name__' && matcher.op === '=') metric = matcher.value;
        else matchers.push(matcher);
      }
    }
    const key = `${metric ?? ''}{${matchers.map((m) => `${m.name}${m.op}${quoteLabelValue(m.value)}`).join(',')}}`;
    return { metric, matchers, key };
  }
}

function unquote(literal: string): string {
  const body = literal.slice(1, -1);
  if (literal.startsWith('`')) return body;
  const escapes: Readonly<Record<string, string>> = { n: '\n', t: '\t', '\\': '\\', '"': '"', "'": "'" };
  return body.replace(/\\(.)/g, (all, c: string) => escapes[c] ?? all);
}

/** `^(?:re)$`, as Prometheus anchors label regexes. */
export function anchoredRegex(re: string): RegExp {
  return new RegExp(`^(?:${re})$`);
}

function matchesValue(m: LabelMatcher, value: string): boolean {
  switch (m.op) {
    case '=':
      return value === m.value;
    case '!=':
      return value !== m.value;
    case '=~':
      return anchoredRegex(m.value).test(value);
    case '!~':
      return !anchoredRegex(m.value).test(value);
  }
}

/** Whether a series with `labels` is selected by `selector` (a missing label matches as ""). */
export function matchesSelector(labels: Labels, selector: Selector): boolean {
  if (selector.metric !== undefined && labels.__name__ !== selector.metric) return false;
  return selector.matchers.every((m) => matchesValue(m, labels[m.name] ?? ''));
}

/** promtool series notation, labels sorted. */
export function seriesText(labels: Labels): string {
  const body = Object.keys(labels)
    .filter((k) => k !== '__name__')
    .sort()
    .map((k) => `${k}=${quoteLabelValue(labels[k] as string)}`)
    .join(',');
  return `${labels.__name__ ?? ''}{${body}}`;
}

/** A sum of selectors with coefficients: `sum(rate(a[w])) - sum(rate(b[w]))` is a - b. */
type Linear = readonly { readonly selector: Selector; readonly coef: number }[];

function linearForm(query: Query, node: SyntaxNode): Linear | undefined {
  const kids = children(node);
  switch (node.name) {
    case 'PromQL':
    case 'ParenExpr': {
      const inner = only(kids);
      return inner && linearForm(query, inner);
    }
    case 'AggregateExpr': {
      const [op, ...rest] = kids;
      const body = rest.find((k) => k.name === 'FunctionCallBody');
      const arg = body && only(children(body));
      if (op?.firstChild?.name !== 'Sum' || !arg) return undefined;
      return linearForm(query, arg);
    }
    case 'FunctionCall': {
      const [id, body] = kids;
      const fn = id?.firstChild?.name;
      const matrix = body && only(children(body));
      const vector = matrix?.name === 'MatrixSelector' ? matrix.firstChild : undefined;
      if ((fn !== 'Rate' && fn !== 'Increase') || vector?.name !== 'VectorSelector') return undefined;
      return [{ selector: query.selector(vector), coef: 1 }];
    }
    case 'BinaryExpr': {
      const [left, op, right] = kids;
      if (kids.length !== 3 || !left || !right || (op?.name !== 'Add' && op?.name !== 'Sub')) {
        return undefined;
      }
      const l = linearForm(query, left);
      const r = linearForm(query, right);
      if (!l || !r) return undefined;
      const sign = op.name === 'Add' ? 1 : -1;
      return [...l, ...r.map((t) => ({ selector: t.selector, coef: sign * t.coef }))];
    }
    default:
      return undefined;
  }
}

/** What a linear query adds up to when each series in `set` increases by 1. */
function evaluate(form: Linear, set: readonly Labels[]): number {
  return form.reduce((sum, t) => sum + t.coef * set.filter((s) => matchesSelector(s, t.selector)).length, 0);
}

function labelValueCandidates(matchers: readonly LabelMatcher[]): string[] {
  const out: string[] = [];
  const add = (value: string | undefined) => {
    if (value !== undefined && !out.includes(value)) out.push(value);
  };
  const all = [...MATCHING_VALUES, ...OTHER_VALUES];
  for (const m of matchers) {
    if (m.op === '=') add(m.value);
    else if (m.op === '!=') {
      add(m.value);
      add(['other', ...all].find((v) => v !== m.value));
    } else {
      const re = anchoredRegex(m.value);
      add(all.find((v) => re.test(v)));
      add([...OTHER_VALUES, ...MATCHING_VALUES].find((v) => !re.test(v)));
    }
  }
  add('');
  return out;
}

/** Label sets worth trying for `metric`: each label takes values that satisfy or violate its matchers. */
function seriesCandidates(metric: string, selectors: readonly Selector[]): Labels[] {
  const byLabel = new Map<string, LabelMatcher[]>();
  for (const s of selectors.filter((sel) => sel.metric === metric)) {
    for (const m of s.matchers) byLabel.set(m.name, [...(byLabel.get(m.name) ?? []), m]);
  }
  let sets: Record<string, string>[] = [{ __name__: metric }];
  for (const name of [...byLabel.keys()].sort()) {
    const values = labelValueCandidates(byLabel.get(name) ?? []);
    sets = sets.flatMap((s) => values.map((v) => (v === '' ? s : { ...s, [name]: v })));
  }
  return sets.slice(0, 500);
}

/** The smallest set of series (at most one per metric) for which error and total add up as wanted. */
function findEventSeries(
  candidates: readonly Labels[][],
  error: Linear,
  total: Linear,
  wantError: number,
): Labels[] | undefined {
  let best: Labels[] | undefined;
  const visit = (i: number, chosen: Labels[]) => {
    if (i === candidates.length) {
      if (chosen.length === 0 || (best && best.length <= chosen.length)) return;
      if (evaluate(error, chosen) === wantError && evaluate(total, chosen) === 1) best = chosen;
      return;
    }
    for (const c of candidates[i] ?? []) visit(i + 1, [...chosen, c]);
    visit(i + 1, chosen);
  };
  visit(0, []);
  return best;
}

function stepRatios(phases: readonly Phase[]): (number | undefined)[] {
  return phases.flatMap((p) => Array.from({ length: p.steps }, () => p.errorRatio));
}

/** Counter values: 0 at step 0, then per phase `start+increment x n`. */
function counterValues(phases: readonly Phase[], increment: (ratio: number | undefined) => number): string {
  const parts = ['0'];
  let value = 0;
  for (const p of phases) {
    if (p.steps <= 0) continue;
    const inc = increment(p.errorRatio);
    const start = value + inc;
    parts.push(`${formatNumber(start)}+${formatNumber(inc)}x${p.steps - 1}`);
    value = start + inc * (p.steps - 1);
  }
  return parts.join(' ');
}

/** Gauge values, run-length encoded; `undefined` is a missing sample. */
function gaugeValues(samples: readonly (number | undefined)[]): string {
  const parts: string[] = [];
  for (let i = 0; i < samples.length; ) {
    let j = i;
    while (j + 1 < samples.length && samples[j + 1] === samples[i]) j++;
    const v = samples[i];
    const n = j - i + 1;
    if (v === undefined) parts.push(n === 1 ? '_' : `_x${n}`);
    else parts.push(n === 1 ? formatNumber(v) : `${formatNumber(v)}+0x${n - 1}`);
    i = j + 1;
  }
  return parts.join(' ');
}

/** The error ratio at every sample (sample 0 takes the first phase's). */
function sampleRatios(phases: readonly Phase[]): (number | undefined)[] {
  const steps = stepRatios(phases);
  return [steps[0], ...steps];
}

function counterModel(error: Linear, total: Linear): InputModel {
  const selectors = [...error, ...total].map((t) => t.selector);
  const metrics = [...new Set(selectors.map((s) => s.metric))];
  if (metrics.some((m) => m === undefined)) throw new Unsupported('a selector has no metric name');
  const candidates = metrics.map((m) => seriesCandidates(m as string, selectors));
  const bad = findEventSeries(candidates, error, total, 1);
  const good = findEventSeries(candidates, error, total, 0);
  if (!bad || !good) {
    throw new Unsupported('no label values make the error query count only bad events and the total all');
  }
  const all = [...new Map([...bad, ...good].map((s) => [seriesText(s), s])).values()];
  const uncovered = selectors.find((sel) => !all.some((s) => matchesSelector(s, sel)));
  if (uncovered) throw new Unsupported(`no synthetic series matches ${uncovered.key}`);
  const names = (set: readonly Labels[]) => set.map(seriesText).join(' + ');
  return {
    description: `counters: a bad event adds 1 to ${names(bad)}, a good one to ${names(good)}`,
    exact: true,
    build: (phases) =>
      all.map((s) => {
        const inBad = bad.some((b) => seriesText(b) === seriesText(s)) ? 1 : 0;
        const inGood = good.some((g) => seriesText(g) === seriesText(s)) ? 1 : 0;
        return {
          series: seriesText(s),
          values: counterValues(phases, (r) =>
            r === undefined ? 0 : EVENTS_PER_STEP * ((1 - Math.min(1, r)) * inGood + Math.min(1, r) * inBad),
          ),
        };
      }),
  };
}

/** Labels that satisfy every matcher of `selector`, or undefined. */
function satisfying(selector: Selector, extra: Labels = {}): Labels | undefined {
  let labels: Record<string, string> = { __name__: selector.metric ?? '', ...extra };
  const names = [...new Set(selector.matchers.map((m) => m.name))];
  for (const name of names) {
    const ms = selector.matchers.filter((m) => m.name === name);
    const value = labelValueCandidates(ms).find((v) => ms.every((m) => matchesValue(m, v)));
    if (value === undefined) return undefined;
    if (value !== '') labels = { ...labels, [name]: value };
  }
  return matchesSelector(labels, selector) ? labels : undefined;
}

function stripParens(node: SyntaxNode): SyntaxNode {
  let n = node;
  while ((n.name === 'PromQL' || n.name === 'ParenExpr') && n.firstChild && !n.firstChild.nextSibling) {
    n = n.firstChild;
  }
  return n;
}

/** Raw error-ratio query on one gauge: `1 - avg(good ratio)` reads 1 - r, anything else r. */
function rawModel(query: Query): InputModel {
  const selectors = [...new Map(query.selectors().map((s) => [s.key, s])).values()];
  const selector = only(selectors);
  if (!selector || selector.metric === undefined) {
    throw new Unsupported(`the raw query reads ${selectors.length} different selectors, not one gauge`);
  }
  const labels = satisfying(selector);
  if (!labels) throw new Unsupported(`no labels satisfy ${selector.key}`);
  const top = stripParens(query.root);
  const [left, op] = children(top);
  const oneMinus =
    top.name === 'BinaryExpr' && op?.name === 'Sub' && left?.name === 'NumberDurationLiteral'
      ? Number(query.slice(left)) === 1
      : false;
  return {
    description: `one gauge ${seriesText(labels)} = ${oneMinus ? '1 - error ratio (the query is 1 - ...)' : 'error ratio'}`,
    exact: true,
    build: (phases) => [
      {
        series: seriesText(labels),
        values: gaugeValues(
          sampleRatios(phases).map((r) => (r === undefined ? undefined : oneMinus ? 1 - r : r)),
        ),
      },
    ],
  };
}

/** Comparisons of the gauge with a number in `query`, as predicates on the gauge value. */
function gaugeComparisons(query: Query): ((v: number) => boolean)[] {
  const out: ((v: number) => boolean)[] = [];
  const visit = (node: SyntaxNode) => {
    const kids = children(node);
    const [left, op, right] = kids;
    const compare = op ? COMPARISONS[op.name] : undefined;
    if (node.name === 'BinaryExpr' && kids.length === 3 && left && right && compare) {
      const l = stripParens(left);
      const r = stripParens(right);
      if (r.name === 'NumberDurationLiteral' && l.name === 'VectorSelector') {
        const x = Number(query.slice(r));
        out.push((v) => compare(v, x));
      } else if (l.name === 'NumberDurationLiteral' && r.name === 'VectorSelector') {
        const x = Number(query.slice(l));
        out.push((v) => compare(x, v));
      }
    }
    for (const k of kids) visit(k);
  };
  visit(query.root);
  return out;
}

/**
 * Event SLI counting gauges by value (`count(m < 0.75)` over `count(m)`): a fleet of gauges, of
 * which the share given by the error ratio reads a bad value. Values change once per evaluation
 * (subqueries sample at the evaluation interval) and the bad count carries its rounding error
 * forward, so window ratios are right to within 1 / (fleet x evaluations in the window).
 */
function fleetModel(error: Query, total: Query): InputModel {
  const selectors = [
    ...new Map([...error.selectors(), ...total.selectors()].map((s) => [s.key, s])).values(),
  ];
  const selector = only(selectors);
  if (!selector || selector.metric === undefined) {
    throw new Unsupported('the queries are not sums of rate() and read more than one selector');
  }
  const predicates = gaugeComparisons(error);
  if (predicates.length === 0 || gaugeComparisons(total).length > 0) {
    throw new Unsupported('the queries are neither sums of rate() nor a gauge compared with a number');
  }
  if (selector.matchers.some((m) => m.name === FLEET_LABEL)) {
    throw new Unsupported(`the query uses ${FLEET_LABEL}`);
  }
  const badValue = GAUGE_VALUES.find((v) => predicates.every((p) => p(v)));
  const goodValue = GAUGE_VALUES.find((v) => predicates.every((p) => !p(v)));
  const labels = Array.from({ length: FLEET_SIZE }, (_, i) =>
    satisfying(selector, { [FLEET_LABEL]: `c${String(i).padStart(2, '0')}` }),
  );
  if (badValue === undefined || goodValue === undefined || labels.some((l) => l === undefined)) {
    throw new Unsupported(`no gauge values separate bad from good for ${error.text}`);
  }
  return {
    description: `${FLEET_SIZE} gauges ${selector.key}: bad ones read ${badValue}, good ones ${goodValue}`,
    exact: false,
    build: (phases, evalSteps) => {
      const ratios = sampleRatios(phases);
      let carried = 0;
      let held: number | undefined;
      let block = -1;
      // Samples (t - evalSteps, t] share a value: the one an evaluation at t reads.
      const badCounts = ratios.map((r, i) => {
        if (r === undefined) {
          held = undefined;
          return undefined;
        }
        if (held === undefined || Math.ceil(i / evalSteps) !== block) {
          block = Math.ceil(i / evalSteps);
          const before = Math.round(carried);
          carried += Math.min(1, r) * FLEET_SIZE;
          held = Math.round(carried) - before;
        }
        return held;
      });
      return (labels as Labels[]).map((l, i) => ({
        series: seriesText(l),
        values: gaugeValues(
          badCounts.map((k) => (k === undefined ? undefined : i < k ? badValue : goodValue)),
        ),
      }));
    },
  };
}

/**
 * Derives the input model of an SLI: counters for sums of `rate()`/`increase()` over selectors
 * (label values found by search, e.g. `code="500"` for bad and `code="200"` for good, or
 * `_count` and `_bucket{le=...}` for latency), a fleet of gauges for `count(gauge < x)` SLIs and
 * one gauge for raw ratio queries over a single selector. Anything else is `unsupported`.
 */
export function synthesiseInput(sli: Sli): Synthesis {
  try {
    if ('raw' in sli) return { model: rawModel(new Query(sli.raw.errorRatioQuery)) };
    if (!('events' in sli)) return { unsupported: 'only events and raw SLIs are synthesised' };
    const error = new Query(sli.events.errorQuery);
    const total = new Query(sli.events.totalQuery);
    const e = linearForm(error, error.root);
    const t = linearForm(total, total.root);
    return { model: e && t ? counterModel(e, t) : fleetModel(error, total) };
  } catch (err) {
    if (err instanceof Unsupported) return { unsupported: err.message };
    throw err;
  }
}
