import { parser } from '@prometheus-io/lezer-promql';
import { type Interpolation, interpolateWithMap, originalOffset, type Substitution } from './interpolate.js';
import { childNamed, childNodes, operands, type SyntaxNode } from './syntax-tree.js';

/** A line and column, both from 1, in a query as written. */
export interface QueryPosition {
  readonly line: number;
  readonly column: number;
}

/** Why a query does not parse, and where. */
export interface PromqlSyntaxError {
  /** Offset in the query as written (variables not substituted). */
  readonly offset: number;
  readonly position: QueryPosition;
  /** One line: `syntax error at line 1, column 12: unexpected "b"`. */
  readonly message: string;
}

/** One label matcher of a selector, its value as written (Grafana variables kept). */
export interface LabelMatcher {
  readonly name: string;
  readonly op: '=' | '!=' | '=~' | '!~';
  readonly value: string;
}

/** A vector selector: metric name (identifier or exact `__name__` matcher) and matchers. */
export interface Selector {
  readonly name: string | undefined;
  /** The variable the metric name comes from (`$metric{...}`), which no linter can resolve. */
  readonly nameVariable: string | undefined;
  /**
   * True when the whole selector is one variable (`$threshold`, `$quantile`): Grafana puts a
   * value there, a number as often as a metric name.
   */
  readonly onlyVariable: boolean;
  readonly matchers: readonly LabelMatcher[];
}

const MATCH_OPS: Readonly<Record<string, LabelMatcher['op']>> = {
  EqlSingle: '=',
  Neq: '!=',
  EqlRegex: '=~',
  NeqRegex: '!~',
};

/** Aggregations whose first argument is a parameter, not the aggregated vector. */
const PARAMETRIC_AGGREGATIONS: ReadonlySet<string> = new Set([
  'count_values',
  'bottomk',
  'topk',
  'quantile',
  'limitk',
  'limit_ratio',
]);

/** The value of a PromQL string literal (double or single quotes with escapes, or backticks). */
export function unquote(literal: string): string {
  const body = literal.slice(1, -1);
  if (literal.startsWith('`')) return body;
  const escapes: Readonly<Record<string, string>> = { n: '\n', t: '\t', '\\': '\\', '"': '"', "'": "'" };
  return body.replace(/\\(.)/g, (all, c: string) => escapes[c] ?? all);
}

/**
 * A PromQL query parsed with Prometheus's Lezer grammar after Grafana's variables were
 * substituted, with the way back from the parsed text to the query as written: rules look at
 * the tree and report what the author wrote (`[$__rate_interval]`, `service="$service"`).
 */
export class ParsedQuery {
  /** The query as written and as parsed. */
  readonly interpolation: Interpolation;
  /** The tree's `PromQL` node. */
  readonly root: SyntaxNode;
  /** The first syntax error, or undefined when Prometheus would parse the query. */
  readonly error: PromqlSyntaxError | undefined;
  private readonly tree: ReturnType<typeof parser.parse>;

  constructor(query: string, values: Readonly<Record<string, string>>) {
    this.interpolation = interpolateWithMap(query, values);
    this.tree = parser.parse(this.interpolation.text);
    this.root = this.tree.topNode;
    this.error = this.findError();
  }

  /** Text of a node as parsed (variables substituted). */
  text(node: SyntaxNode): string {
    return this.interpolation.text.slice(node.from, node.to);
  }

  /** Text of a node as written (variables as the author wrote them). */
  original(node: SyntaxNode): string {
    return this.interpolation.original.slice(
      originalOffset(this.interpolation, node.from),
      originalOffset(this.interpolation, node.to, 'end'),
    );
  }

  /** The variables whose values make up part of a node. */
  substitutionsIn(node: SyntaxNode): Substitution[] {
    return this.interpolation.substitutions.filter((s) =>
      s.from === s.to ? s.from >= node.from && s.from <= node.to : s.from < node.to && s.to > node.from,
    );
  }

  /** Line and column (from 1) in the query as written of an offset in the parsed text. */
  position(offset: number): QueryPosition {
    const before = this.interpolation.original.slice(0, originalOffset(this.interpolation, offset));
    const lines = before.split('\n');
    return { line: lines.length, column: (lines[lines.length - 1] as string).length + 1 };
  }

  /** The selector a `VectorSelector` node stands for. */
  selector(node: SyntaxNode): Selector {
    let name: string | undefined;
    let nameVariable: string | undefined;
    const matchers: LabelMatcher[] = [];
    const identifier = childNamed(node, 'Identifier');
    if (identifier !== undefined) {
      name = this.text(identifier);
      nameVariable = this.substitutionsIn(identifier)[0]?.name;
    }
    const list = childNamed(node, 'LabelMatchers');
    for (const m of list === undefined ? [] : childNodes(list)) {
      if (m.name === 'QuotedLabelName') {
        // `{"metric.name"}`: the UTF-8 form of a metric name.
        const literal = childNamed(m, 'StringLiteral');
        if (literal !== undefined) name = unquote(this.original(literal));
        continue;
      }
      if (m.name !== 'UnquotedLabelMatcher' && m.name !== 'QuotedLabelMatcher') continue;
      const labelNode = childNamed(m, 'LabelName') ?? childNamed(m, 'QuotedLabelName');
      const opNode = childNamed(m, 'MatchOp')?.firstChild;
      const valueNode = childNamed(m, 'StringLiteral');
      if (labelNode === undefined || opNode == null || valueNode === undefined) continue;
      const label = labelNode.name === 'LabelName' ? this.text(labelNode) : unquote(this.text(labelNode));
      const matcher: LabelMatcher = {
        name: label,
        op: MATCH_OPS[opNode.name] ?? '=',
        value: unquote(this.original(valueNode)),
      };
      matchers.push(matcher);
      if (label === '__name__' && matcher.op === '=') {
        name = matcher.value;
        nameVariable = this.substitutionsIn(valueNode)[0]?.name;
      }
    }
    const onlyVariable = this.substitutionsIn(node).some((s) => s.from === node.from && s.to === node.to);
    return { name: nameVariable === undefined ? name : undefined, nameVariable, onlyVariable, matchers };
  }

  private syntaxError(offset: number, problem: string): PromqlSyntaxError {
    const position = this.position(offset);
    return {
      offset: originalOffset(this.interpolation, offset),
      position,
      message: `syntax error at line ${position.line}, column ${position.column}: ${problem}`,
    };
  }

  /** The first node, in source order, that passes `test`. */
  private firstNode(test: (node: SyntaxNode) => boolean): SyntaxNode | undefined {
    let found: SyntaxNode | undefined;
    this.tree.iterate({
      enter: (ref) => {
        if (found !== undefined) return false;
        if (test(ref.node)) found = ref.node;
        return found === undefined ? undefined : false;
      },
    });
    return found;
  }

  /**
   * Lezer's first error node; otherwise the first thing Prometheus's parser refuses although the
   * grammar allows it (a range on anything but a selector, an aggregation's argument count).
   */
  private findError(): PromqlSyntaxError | undefined {
    const { original, text } = this.interpolation;
    if (text.trim() === '') return { ...this.syntaxError(0, ''), message: 'the query is empty' };
    const broken = this.firstNode((node) => node.type.isError);
    if (broken !== undefined) {
      const from = originalOffset(this.interpolation, broken.from);
      const written = original.slice(from, originalOffset(this.interpolation, broken.to, 'end')).trim();
      const near = written !== '' ? written : original.slice(from).trim();
      const problem =
        near === '' ? 'the query ends too early' : `unexpected ${JSON.stringify(near.slice(0, 30))}`;
      return this.syntaxError(broken.from, problem);
    }
    const rangeOfExpression = this.firstNode(
      (node) => node.name === 'MatrixSelector' && operands(node)[0]?.name !== 'VectorSelector',
    );
    if (rangeOfExpression !== undefined) {
      const range = childNamed(rangeOfExpression, 'DurationExpr');
      const written = range === undefined ? '' : this.original(range);
      return this.syntaxError(
        range?.from ?? rangeOfExpression.from,
        `a range [${written}] applies to a vector selector only; for an expression use a subquery [${written}:]`,
      );
    }
    const aggregationArguments = (node: SyntaxNode) => {
      const op = this.text(childNamed(node, 'AggregateOp') ?? node).toLowerCase();
      return { op, expected: PARAMETRIC_AGGREGATIONS.has(op) ? 2 : 1, got: operands(node).length };
    };
    const miscounted = this.firstNode((node) => {
      if (node.name !== 'AggregateExpr') return false;
      const { expected, got } = aggregationArguments(node);
      return expected !== got;
    });
    if (miscounted !== undefined) {
      const { op, expected, got } = aggregationArguments(miscounted);
      return this.syntaxError(miscounted.from, `${op}() takes ${expected} argument(s), got ${got}`);
    }
    return undefined;
  }
}

/**
 * Parses a PromQL query as Prometheus would receive it from Grafana: `values` replace the
 * variables first (`$__rate_interval`, `$service`, ...); variables without a value stay as written.
 */
export function parseQuery(query: string, values: Readonly<Record<string, string>> = {}): ParsedQuery {
  return new ParsedQuery(query, values);
}
