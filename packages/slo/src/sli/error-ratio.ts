import { parser } from '@prometheus-io/lezer-promql';
import { withWindow } from '@tracseq/contract';

// Aggregations that, without `by`/`without`, return at most one series with no labels.
const SINGLE_SERIES_AGGREGATIONS = new Set([
  'sum',
  'count',
  'min',
  'max',
  'avg',
  'group',
  'stddev',
  'stdvar',
]);

interface Node {
  readonly name: string;
  readonly text: string;
  readonly children: readonly Node[];
}

function toTree(query: string): Node | undefined {
  const cursor = parser.parse(query).cursor();
  let broken = false;
  const visit = (): Node => {
    if (cursor.type.isError) broken = true;
    const node = {
      name: cursor.type.name,
      text: query.slice(cursor.from, cursor.to),
      children: [] as Node[],
    };
    if (cursor.firstChild()) {
      do node.children.push(visit());
      while (cursor.nextSibling());
      cursor.parent();
    }
    return node;
  };
  const root = visit();
  return broken ? undefined : root.children[0];
}

// Functions that keep the labels of their (only vector) argument, so one unlabelled series in
// gives one unlabelled series out. label_replace/label_join add labels and are not here.
const LABEL_PRESERVING_FUNCTIONS = new Set([
  'abs',
  'ceil',
  'floor',
  'round',
  'exp',
  'ln',
  'log2',
  'log10',
  'sqrt',
  'sgn',
  'clamp',
  'clamp_min',
  'clamp_max',
  'rate',
  'irate',
  'increase',
  'delta',
  'idelta',
  'deriv',
  'resets',
  'changes',
  'sum_over_time',
  'avg_over_time',
  'min_over_time',
  'max_over_time',
  'count_over_time',
  'last_over_time',
  'quantile_over_time',
  'stddev_over_time',
  'stdvar_over_time',
  'present_over_time',
]);

function singleSeries(node: Node | undefined): boolean {
  if (node === undefined) return false;
  const operand = (n: Node) => n.children.find((c) => c.name.endsWith('Expr') || c.name === 'FunctionCall');
  switch (node.name) {
    case 'ParenExpr':
      return singleSeries(operand(node));
    case 'SubqueryExpr':
      return singleSeries(operand(node));
    case 'AggregateExpr': {
      const op = node.children.find((c) => c.name === 'AggregateOp')?.text.toLowerCase() ?? '';
      return SINGLE_SERIES_AGGREGATIONS.has(op) && !node.children.some((c) => c.name === 'AggregateModifier');
    }
    case 'FunctionCall': {
      const name = node.children.find((c) => c.name === 'FunctionIdentifier')?.text.toLowerCase() ?? '';
      const args = node.children.find((c) => c.name === 'FunctionCallBody')?.children ?? [];
      if (name === 'vector') return true;
      if (!LABEL_PRESERVING_FUNCTIONS.has(name)) return false;
      const vectors = args.filter((c) => c.name.endsWith('Expr') || c.name === 'FunctionCall');
      return vectors.length === 1 && singleSeries(vectors[0]);
    }
    case 'BinaryExpr': {
      // Between unlabelled operands only an empty `on()` is harmless; group_left/right is not.
      const matching = node.children.find((c) => c.name === 'MatchingModifierClause');
      if (matching !== undefined && !/^on\s*\(\s*\)$/i.test(matching.text)) return false;
      const operands = node.children.filter(
        (c) => c.name.endsWith('Expr') || c.name === 'FunctionCall' || c.name === 'NumberDurationLiteral',
      );
      const vectors = operands.filter((c) => c.name !== 'NumberDurationLiteral');
      return operands.length === 2 && vectors.length > 0 && vectors.every(singleSeries);
    }
    default:
      return false;
  }
}

/**
 * Whether a query can only ever return one series without labels (e.g. `sum(rate(x[5m]))`,
 * or a difference of two such sums), judged from Prometheus's own grammar. `{{.window}}` is
 * replaced before parsing.
 */
export function isSingleSeriesQuery(query: string): boolean {
  return singleSeries(toTree(withWindow(query, '5m')));
}

/**
 * `errors / total` that is 0, not NaN or missing, when there is no traffic or no error series
 * yet, and missing only when the total series is missing (what `SloMetricAbsent` watches).
 *
 * When both queries return one unlabelled series, the total is evaluated once: a missing error
 * series becomes 0 through `or on() vector(0)`, and zero traffic divides 0 by a tiny clamp
 * instead of by 0. Otherwise the label-preserving form evaluates the total twice. The two agree
 * wherever the total is positive.
 */
export function errorRatioExpr(errors: string, total: string, single: boolean): string {
  return single
    ? `((${errors}) or on() vector(0))\n/\nclamp_min(${total}, 1e-300)`
    : `(${errors}) / ((${total}) > 0)\nor\n0 * (${total})`;
}
