import { builtinIntervals, variablesIn } from '../promql/interpolate.js';
import { type SeriesInfo, seriesInfo } from '../promql/metric-catalog.js';
import { type ParsedQuery, parseQuery, type QueryPosition } from '../promql/parse-query.js';
import {
  binaryOperator,
  childNamed,
  childNodes,
  MODIFIER_EXPRESSIONS,
  operands,
  parentExpression,
  type SyntaxNode,
  unwrap,
} from '../promql/syntax-tree.js';
import type { LintRule } from './lint-rules.js';

/** What {@link lintQuery} needs to know about the dashboard a query belongs to. */
export interface QueryContext {
  /** Variables with multi-value or "All": they expand to regexes and need `=~`. */
  readonly multiVariables: ReadonlySet<string>;
  /** Labels allowed on contract metrics besides the contract's own. */
  readonly extraLabels: ReadonlySet<string>;
  /**
   * `series` for variable queries (`label_values(x, l)` looks series up, it reads no values):
   * only names, labels and matchers are checked there, not how counters are read.
   */
  readonly mode?: 'values' | 'series';
  /**
   * Values Grafana would substitute for the dashboard's variables before the query reaches
   * Prometheus (a single-value variable's current value). Built-in interval variables have
   * values of their own; any other variable is replaced by a placeholder name.
   */
  readonly variableValues?: Readonly<Record<string, string>>;
}

/** One problem of a query; the caller adds where the query is. */
export interface QueryFinding {
  readonly rule: LintRule;
  readonly message: string;
  /** Where in the query as written, for syntax errors. */
  readonly position?: QueryPosition;
}

const RATE_FUNCTIONS: ReadonlySet<string> = new Set(['rate', 'irate', 'increase']);
const RATE_INTERVAL = '__rate_interval';
// Durations where Grafana puts its interval variables, so that the query parses as it would
// reach Prometheus; a syntax check needs only their shape.
const BUILTIN_VALUES: Readonly<Record<string, string>> = builtinIntervals(15, 3600);
// What an unresolved variable becomes: a name parses wherever a label value, label name, metric
// name or number goes (inside a string its value does not matter).
const PLACEHOLDER = 'x';

function functionName(query: ParsedQuery, call: SyntaxNode): string {
  const id = childNamed(call, 'FunctionIdentifier');
  return id === undefined ? '' : query.text(id).toLowerCase();
}

function isRateCall(query: ParsedQuery, node: SyntaxNode | undefined): node is SyntaxNode {
  return node?.name === 'FunctionCall' && RATE_FUNCTIONS.has(functionName(query, node));
}

/** The operand under `offset`, `@` and the like. */
function withoutModifiers(node: SyntaxNode | undefined): SyntaxNode | undefined {
  let current = node;
  while (current !== undefined && MODIFIER_EXPRESSIONS.has(current.name)) current = operands(current)[0];
  return current;
}

/** The expression a node is read by, above `offset`, `@` and the like. */
function reader(node: SyntaxNode): SyntaxNode | undefined {
  let parent = parentExpression(node);
  while (parent !== undefined && MODIFIER_EXPRESSIONS.has(parent.name)) parent = parentExpression(parent);
  return parent;
}

/** The rate/irate/increase call reading a selector, and whether it reads it over a range. */
function rateCallOf(
  query: ParsedQuery,
  selector: SyntaxNode,
): { call: SyntaxNode; ranged: boolean } | undefined {
  let parent = reader(selector);
  let ranged = false;
  if (parent?.name === 'MatrixSelector') {
    ranged = true;
    parent = reader(parent);
  }
  return isRateCall(query, parent) ? { call: parent, ranged } : undefined;
}

function isConstant(query: ParsedQuery, node: SyntaxNode): boolean {
  const inner = unwrap(node);
  if (inner.name === 'NumberDurationLiteral') return true;
  if (inner.name === 'FunctionCall' && functionName(query, inner) === 'vector') {
    return operands(inner).every((a) => isConstant(query, a));
  }
  if (inner.name === 'BinaryExpr') return operands(inner).every((a) => isConstant(query, a));
  return false;
}

function describeKind(kind: string): string {
  switch (kind) {
    case 'histogram-bucket':
      return "a histogram's _bucket series (a counter)";
    case 'histogram-count':
      return "a histogram's _count series (a counter)";
    case 'histogram-sum':
      return "a histogram's _sum series (a counter)";
    default:
      return `a ${kind}`;
  }
}

function checkRateInterval(query: ParsedQuery, call: SyntaxNode, findings: QueryFinding[]): void {
  const func = functionName(query, call);
  if (!RATE_FUNCTIONS.has(func)) return;
  const arg = withoutModifiers(operands(call)[0]);
  const range =
    arg?.name === 'MatrixSelector' || arg?.name === 'SubqueryExpr'
      ? childNamed(arg, 'DurationExpr')
      : undefined;
  const isRateInterval =
    range !== undefined &&
    query
      .substitutionsIn(range)
      .some((s) => s.name === RATE_INTERVAL && s.from === range.from && s.to === range.to);
  if (!isRateInterval) {
    findings.push({
      rule: 'rate-interval',
      message: `${func}() over [${range === undefined ? '?' : query.original(range)}]: use [$__rate_interval] so the window always holds enough scrapes`,
    });
  }
}

function checkFallback(query: ParsedQuery, node: SyntaxNode, findings: QueryFinding[]): void {
  const rhs = operands(node)[1];
  if (binaryOperator(node) !== 'Or' || rhs === undefined || !isConstant(query, rhs)) return;
  findings.push({
    rule: 'constant-fallback',
    message: `"or ${query.original(rhs)}" invents a value when the series is missing; a missing series is not 0`,
  });
}

/** Names, labels and variable matchers of a selector; returns what the catalogue knows of it. */
function lintSeriesSelector(
  query: ParsedQuery,
  node: SyntaxNode,
  context: QueryContext,
  findings: QueryFinding[],
): { name: string; info: SeriesInfo } | undefined {
  const selector = query.selector(node);
  for (const m of selector.matchers) {
    if (m.op !== '=' && m.op !== '!=') continue;
    const multi = variablesIn(m.value).filter((v) => context.multiVariables.has(v));
    if (multi.length > 0) {
      findings.push({
        rule: 'variable-matcher',
        message: `${m.name}${m.op}"${m.value}": $${multi[0]} is multi-value/"All" and expands to a regex; use ${m.op === '=' ? '=~' : '!~'}`,
      });
    }
  }
  const { name } = selector;
  if (selector.onlyVariable) return undefined;
  if (name === undefined) {
    findings.push({
      rule: 'unknown-metric',
      message:
        selector.nameVariable === undefined
          ? 'a selector without a literal metric name cannot be checked'
          : `the metric name comes from $${selector.nameVariable}: a selector without a literal metric name cannot be checked`,
    });
    return undefined;
  }
  const info = seriesInfo(name);
  if (info === undefined) {
    findings.push({
      rule: 'unknown-metric',
      message: `${name} is not a contract metric, prom-client default, SLO recording rule or Prometheus series`,
    });
    return undefined;
  }
  if (info.kind === 'histogram-family') {
    findings.push({
      rule: 'unknown-metric',
      message: `${name} is a histogram family, not a series: read ${name}_bucket, _count or _sum`,
    });
    return undefined;
  }
  if (info.source === 'contract' && info.labels) {
    const known = new Set([...info.labels, '__name__', ...context.extraLabels]);
    for (const m of selector.matchers) {
      if (!known.has(m.name)) {
        findings.push({
          rule: 'unknown-label',
          message: `${name} has no label ${m.name} (labels: ${info.labels.join(', ')})`,
        });
      }
    }
  }
  return { name, info };
}

/** How a selector's series are read: counters through a rate, gauges not, buckets as a distribution. */
function lintSelector(
  query: ParsedQuery,
  node: SyntaxNode,
  context: QueryContext,
  findings: QueryFinding[],
): void {
  const known = lintSeriesSelector(query, node, context, findings);
  if (known === undefined) return;
  const { name, info } = known;
  const isCounter = info.kind !== 'gauge';
  const rate = rateCallOf(query, node);
  if (isCounter && !rate?.ranged) {
    findings.push({
      rule: 'counter-rate',
      message: `${name} is ${describeKind(info.kind)}: read it through rate() or increase() over [$__rate_interval]`,
    });
  }
  if (!isCounter && rate !== undefined) {
    findings.push({
      rule: 'gauge-rate',
      message: `${name} is a gauge: ${functionName(query, rate.call)}() of a gauge is meaningless; use the value or deriv()`,
    });
  }
  if (info.kind === 'histogram-bucket') {
    let distribution = false;
    for (let a = node.parent; a && !distribution; a = a.parent) {
      distribution =
        (a.name === 'FunctionCall' && functionName(query, a) === 'histogram_quantile') ||
        binaryOperator(a) === 'Div';
    }
    if (!distribution) {
      findings.push({
        rule: 'histogram-usage',
        message: `${name} is read outside histogram_quantile() and outside a bucket ratio: a bucket count alone means nothing`,
      });
    }
  }
}

/**
 * Findings of one PromQL query (rule and message; the caller adds the location). Grafana
 * variables may appear as Grafana writes them: they are substituted before Prometheus's Lezer
 * grammar parses the query, and findings quote the query as written.
 */
export function lintQuery(expr: string, context: QueryContext): QueryFinding[] {
  const values: Record<string, string> = { ...context.variableValues, ...BUILTIN_VALUES };
  for (const name of variablesIn(expr)) if (!(name in values)) values[name] = PLACEHOLDER;
  const query = parseQuery(expr, values);
  if (query.error !== undefined) {
    return [{ rule: 'promql-syntax', message: query.error.message, position: query.error.position }];
  }
  const findings: QueryFinding[] = [];
  const visit = (node: SyntaxNode): void => {
    if (node.name === 'FunctionCall') checkRateInterval(query, node, findings);
    if (node.name === 'BinaryExpr') checkFallback(query, node, findings);
    if (node.name === 'VectorSelector') {
      if (context.mode === 'series') lintSeriesSelector(query, node, context, findings);
      else lintSelector(query, node, context, findings);
    }
    for (const child of childNodes(node)) visit(child);
  };
  visit(query.root);
  return findings;
}
