/**
 * A small PromQL parser for *analysing* dashboard queries: which metric is read through which
 * function, with which range, under which aggregation. Syntax validity is Prometheus's own Lezer
 * grammar's job (`checkPromql` of `@tracseq/slo`); this parser builds the tree the lint rules walk,
 * and keeps Grafana variables (`$__rate_interval`, `$service`) as they are written, because the
 * rules need to see them.
 */

/** One label matcher of a selector. */
export interface LabelMatcher {
  readonly name: string;
  readonly op: '=' | '!=' | '=~' | '!~';
  readonly value: string;
}

/** `by (...)` / `without (...)` of an aggregation, or `on (...)` / `ignoring (...)` of a binary op. */
export interface Grouping {
  readonly kind: 'by' | 'without' | 'on' | 'ignoring';
  readonly labels: readonly string[];
}

interface Span {
  /** Offset of the node's first character in the query. */
  readonly from: number;
  /** Offset just past the node's last character. */
  readonly to: number;
}

/** A vector selector, with `range` when it is a range-vector selector (`x[5m]`). */
export interface SelectorNode extends Span {
  readonly kind: 'selector';
  /** Metric name, from the identifier or an exact `__name__` matcher. */
  readonly name: string | undefined;
  readonly matchers: readonly LabelMatcher[];
  /** Range as written (`5m`, `$__rate_interval`), when this is a range selector. */
  readonly range: string | undefined;
}

/** A function call. */
export interface CallNode extends Span {
  readonly kind: 'call';
  readonly func: string;
  readonly args: readonly ExprNode[];
}

/** An aggregation (`sum by (le) (...)`, `topk(5, ...)`). */
export interface AggregateNode extends Span {
  readonly kind: 'aggregate';
  readonly op: string;
  readonly param: ExprNode | undefined;
  readonly expr: ExprNode;
  readonly grouping: Grouping | undefined;
}

/** A binary operation with its vector matching. */
export interface BinaryNode extends Span {
  readonly kind: 'binary';
  readonly op: string;
  readonly lhs: ExprNode;
  readonly rhs: ExprNode;
  readonly bool: boolean;
  readonly matching: Grouping | undefined;
  readonly group: { readonly side: 'left' | 'right'; readonly labels: readonly string[] } | undefined;
}

/** A unary minus or plus. */
export interface UnaryNode extends Span {
  readonly kind: 'unary';
  readonly op: '-' | '+';
  readonly expr: ExprNode;
}

/** A parenthesised expression. */
export interface ParenNode extends Span {
  readonly kind: 'paren';
  readonly expr: ExprNode;
}

/** A subquery `expr[range:step]`. */
export interface SubqueryNode extends Span {
  readonly kind: 'subquery';
  readonly expr: ExprNode;
  readonly range: string;
  readonly step: string;
}

/** A number literal, or a Grafana variable standing where a number goes (`$quantile`). */
export interface NumberNode extends Span {
  readonly kind: 'number';
  readonly text: string;
}

/** A string literal. */
export interface StringNode extends Span {
  readonly kind: 'string';
  readonly value: string;
}

/** Any PromQL expression. */
export type ExprNode =
  | SelectorNode
  | CallNode
  | AggregateNode
  | BinaryNode
  | UnaryNode
  | ParenNode
  | SubqueryNode
  | NumberNode
  | StringNode;

/** A query this parser cannot read; `at` is the character offset. */
export class PromqlParseError extends Error {
  readonly at: number;
  constructor(message: string, at: number) {
    super(`${message} at character ${at + 1}`);
    this.name = 'PromqlParseError';
    this.at = at;
  }
}

/** PromQL aggregation operators. */
export const AGGREGATIONS: ReadonlySet<string> = new Set([
  'sum',
  'min',
  'max',
  'avg',
  'group',
  'stddev',
  'stdvar',
  'count',
  'count_values',
  'bottomk',
  'topk',
  'quantile',
  'limitk',
  'limit_ratio',
]);

/** Aggregations whose first argument is a parameter, not the aggregated vector. */
const PARAMETRIC = new Set(['count_values', 'bottomk', 'topk', 'quantile', 'limitk', 'limit_ratio']);

type TokenKind = 'ident' | 'number' | 'string' | 'duration' | 'var' | 'op' | 'punct' | 'eof';

interface Token {
  readonly kind: TokenKind;
  readonly text: string;
  readonly from: number;
  readonly to: number;
}

// Longest operators first so `==` is not read as `=`.
const OPERATORS = ['==', '!=', '>=', '<=', '=~', '!~', '+', '-', '*', '/', '%', '^', '>', '<', '='];
const PUNCT = '(){}[],:@';
const DURATION = /^(\d+(\.\d+)?(ms|s|m|h|d|w|y))+/;
const NUMBER = /^(0x[0-9a-fA-F]+|(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?)/;
// Grafana variables: $name, ${name}, ${name:format}, [[name]].
const VARIABLE = /^(\$\{[^}]+\}|\$[A-Za-z_][A-Za-z0-9_]*|\[\[[^\]]+\]\])/;

function tokenize(query: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < query.length) {
    const rest = query.slice(i);
    const ch = query[i] as string;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    if (ch === '#') {
      const end = query.indexOf('\n', i);
      i = end === -1 ? query.length : end;
      continue;
    }
    const variable = VARIABLE.exec(rest);
    // `[[x]]` is Grafana's old variable syntax; `[` followed by anything else is a range.
    if (variable && (ch === '$' || rest.startsWith('[['))) {
      tokens.push({ kind: 'var', text: variable[0], from: i, to: i + variable[0].length });
      i += variable[0].length;
      continue;
    }
    if (ch === '"' || ch === "'" || ch === '`') {
      let j = i + 1;
      let value = '';
      while (j < query.length && query[j] !== ch) {
        if (query[j] === '\\' && ch !== '`' && j + 1 < query.length) {
          const next = query[j + 1] as string;
          value += next === 'n' ? '\n' : next === 't' ? '\t' : next;
          j += 2;
          continue;
        }
        value += query[j];
        j++;
      }
      if (j >= query.length) throw new PromqlParseError('unterminated string', i);
      tokens.push({ kind: 'string', text: value, from: i, to: j + 1 });
      i = j + 1;
      continue;
    }
    const duration = DURATION.exec(rest);
    if (duration && !/^[A-Za-z0-9_.]/.test(rest.slice(duration[0].length))) {
      tokens.push({ kind: 'duration', text: duration[0], from: i, to: i + duration[0].length });
      i += duration[0].length;
      continue;
    }
    const number = NUMBER.exec(rest);
    if (number) {
      tokens.push({ kind: 'number', text: number[0], from: i, to: i + number[0].length });
      i += number[0].length;
      continue;
    }
    // In `[1h:1m]` the colon separates a subquery's range and step; elsewhere a name may start with one.
    const previous = tokens[tokens.length - 1];
    if (ch === ':' && previous && ['duration', 'number', 'var'].includes(previous.kind)) {
      tokens.push({ kind: 'punct', text: ch, from: i, to: i + 1 });
      i++;
      continue;
    }
    const ident = /^[A-Za-z_:][A-Za-z0-9_:]*/.exec(rest);
    if (ident) {
      tokens.push({ kind: 'ident', text: ident[0], from: i, to: i + ident[0].length });
      i += ident[0].length;
      continue;
    }
    const op = OPERATORS.find((o) => rest.startsWith(o));
    if (op) {
      tokens.push({ kind: 'op', text: op, from: i, to: i + op.length });
      i += op.length;
      continue;
    }
    if (PUNCT.includes(ch)) {
      tokens.push({ kind: 'punct', text: ch, from: i, to: i + 1 });
      i++;
      continue;
    }
    throw new PromqlParseError(`unexpected character "${ch}"`, i);
  }
  tokens.push({ kind: 'eof', text: '', from: query.length, to: query.length });
  return tokens;
}

// Binary operator precedence, lowest first (Prometheus's table).
const PRECEDENCE: Readonly<Record<string, number>> = {
  or: 1,
  and: 2,
  unless: 2,
  '==': 3,
  '!=': 3,
  '<=': 3,
  '<': 3,
  '>=': 3,
  '>': 3,
  '+': 4,
  '-': 4,
  '*': 5,
  '/': 5,
  '%': 5,
  atan2: 5,
  '^': 6,
};
const COMPARISONS = new Set(['==', '!=', '<=', '<', '>=', '>']);

class Parser {
  private pos = 0;
  constructor(private readonly tokens: readonly Token[]) {}

  private peek(offset = 0): Token {
    return this.tokens[Math.min(this.pos + offset, this.tokens.length - 1)] as Token;
  }

  private next(): Token {
    const token = this.peek();
    if (this.pos < this.tokens.length - 1) this.pos++;
    return token;
  }

  private expect(text: string): Token {
    const token = this.next();
    if (token.text !== text || token.kind === 'string') {
      throw new PromqlParseError(
        `expected "${text}" but found "${token.text || 'end of query'}"`,
        token.from,
      );
    }
    return token;
  }

  private is(text: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token.kind !== 'string' && token.text === text;
  }

  parseQuery(): ExprNode {
    const expr = this.parseExpr(0);
    const rest = this.peek();
    if (rest.kind !== 'eof') throw new PromqlParseError(`unexpected "${rest.text}"`, rest.from);
    return expr;
  }

  private binaryOperator(): string | undefined {
    const token = this.peek();
    if (token.kind === 'op' && token.text in PRECEDENCE) return token.text;
    if (token.kind === 'ident' && ['and', 'or', 'unless', 'atan2'].includes(token.text.toLowerCase())) {
      return token.text.toLowerCase();
    }
    return undefined;
  }

  private parseExpr(minPrecedence: number): ExprNode {
    let lhs = this.parseUnary();
    for (;;) {
      const op = this.binaryOperator();
      if (op === undefined) return lhs;
      const precedence = PRECEDENCE[op] as number;
      if (precedence < minPrecedence) return lhs;
      this.next();
      let bool = false;
      if (COMPARISONS.has(op) && this.is('bool')) {
        this.next();
        bool = true;
      }
      let matching: Grouping | undefined;
      let group: BinaryNode['group'];
      if (this.is('on') || this.is('ignoring')) {
        const kind = this.next().text as 'on' | 'ignoring';
        matching = { kind, labels: this.parseLabelList() };
        if (this.is('group_left') || this.is('group_right')) {
          const side = this.next().text === 'group_left' ? 'left' : 'right';
          group = { side, labels: this.is('(') ? this.parseLabelList() : [] };
        }
      }
      // `^` is right-associative; everything else is left-associative.
      const rhs = this.parseExpr(op === '^' ? precedence : precedence + 1);
      lhs = { kind: 'binary', op, lhs, rhs, bool, matching, group, from: lhs.from, to: rhs.to };
    }
  }

  private parseUnary(): ExprNode {
    const token = this.peek();
    if (token.kind === 'op' && (token.text === '-' || token.text === '+')) {
      this.next();
      // Unary minus binds tighter than `*` but looser than `^` (Prometheus's grammar).
      const expr = this.parseExpr(PRECEDENCE['^'] as number);
      return { kind: 'unary', op: token.text, expr, from: token.from, to: expr.to };
    }
    return this.parsePostfix(this.parsePrimary());
  }

  private parseDurationText(): string {
    const token = this.next();
    if (token.kind === 'duration' || token.kind === 'var') return token.text;
    if (token.kind === 'number') return token.text;
    throw new PromqlParseError(`expected a duration but found "${token.text || 'end of query'}"`, token.from);
  }

  private parsePostfix(expr: ExprNode): ExprNode {
    let node = expr;
    for (;;) {
      if (this.is('[')) {
        const open = this.next();
        const range = this.parseDurationText();
        if (this.is(':')) {
          this.next();
          const step = this.is(']') ? '' : this.parseDurationText();
          const close = this.expect(']');
          node = { kind: 'subquery', expr: node, range, step, from: node.from, to: close.to };
          continue;
        }
        const close = this.expect(']');
        if (node.kind !== 'selector' || node.range !== undefined) {
          throw new PromqlParseError('a range applies to a vector selector only', open.from);
        }
        node = { ...node, range, to: close.to };
        continue;
      }
      if (this.is('offset')) {
        this.next();
        if (this.is('-')) this.next();
        const end = this.peek();
        this.parseDurationText();
        node = { ...node, to: end.to } as ExprNode;
        continue;
      }
      if (this.is('@')) {
        this.next();
        const end = this.next();
        if (end.kind === 'ident') {
          this.expect('(');
          const close = this.expect(')');
          node = { ...node, to: close.to } as ExprNode;
        } else {
          node = { ...node, to: end.to } as ExprNode;
        }
        continue;
      }
      return node;
    }
  }

  private parseLabelList(): string[] {
    this.expect('(');
    const labels: string[] = [];
    while (!this.is(')')) {
      const token = this.next();
      if (token.kind !== 'ident' && token.kind !== 'string') {
        throw new PromqlParseError(`expected a label name but found "${token.text}"`, token.from);
      }
      labels.push(token.text);
      if (this.is(',')) this.next();
      else if (!this.is(')')) throw new PromqlParseError('expected "," or ")"', this.peek().from);
    }
    this.expect(')');
    return labels;
  }

  private parseMatchers(): { matchers: LabelMatcher[]; to: number } {
    this.expect('{');
    const matchers: LabelMatcher[] = [];
    while (!this.is('}')) {
      const name = this.next();
      if (name.kind !== 'ident' && name.kind !== 'string') {
        throw new PromqlParseError(`expected a label name but found "${name.text}"`, name.from);
      }
      const op = this.next();
      if (op.kind !== 'op' || !['=', '!=', '=~', '!~'].includes(op.text)) {
        throw new PromqlParseError(`expected a matcher operator but found "${op.text}"`, op.from);
      }
      const value = this.next();
      if (value.kind !== 'string') {
        throw new PromqlParseError(`expected a quoted label value but found "${value.text}"`, value.from);
      }
      matchers.push({ name: name.text, op: op.text as LabelMatcher['op'], value: value.text });
      if (this.is(',')) this.next();
      else if (!this.is('}')) throw new PromqlParseError('expected "," or "}"', this.peek().from);
    }
    const close = this.expect('}');
    return { matchers, to: close.to };
  }

  private parseArgs(): { args: ExprNode[]; to: number } {
    this.expect('(');
    const args: ExprNode[] = [];
    while (!this.is(')')) {
      args.push(this.parseExpr(0));
      if (this.is(',')) this.next();
      else if (!this.is(')')) throw new PromqlParseError('expected "," or ")"', this.peek().from);
    }
    const close = this.expect(')');
    return { args, to: close.to };
  }

  private parsePrimary(): ExprNode {
    const token = this.peek();
    if (token.kind === 'number' || token.kind === 'var') {
      this.next();
      return { kind: 'number', text: token.text, from: token.from, to: token.to };
    }
    if (token.kind === 'duration') {
      // Newer Prometheus accepts durations as numbers of seconds (`time() - 1h`).
      this.next();
      return { kind: 'number', text: token.text, from: token.from, to: token.to };
    }
    if (token.kind === 'string') {
      this.next();
      return { kind: 'string', value: token.text, from: token.from, to: token.to };
    }
    if (this.is('(')) {
      this.next();
      const expr = this.parseExpr(0);
      const close = this.expect(')');
      return { kind: 'paren', expr, from: token.from, to: close.to };
    }
    if (this.is('{')) {
      const { matchers, to } = this.parseMatchers();
      const name = matchers.find((m) => m.name === '__name__' && m.op === '=')?.value;
      return { kind: 'selector', name, matchers, range: undefined, from: token.from, to };
    }
    if (token.kind === 'ident') {
      const lower = token.text.toLowerCase();
      if (lower === 'inf' || lower === 'nan') {
        this.next();
        return { kind: 'number', text: token.text, from: token.from, to: token.to };
      }
      if (AGGREGATIONS.has(lower) && (this.is('(', 1) || this.is('by', 1) || this.is('without', 1))) {
        return this.parseAggregate();
      }
      if (this.is('(', 1)) {
        this.next();
        const { args, to } = this.parseArgs();
        return { kind: 'call', func: token.text, args, from: token.from, to };
      }
      this.next();
      if (this.is('{')) {
        const { matchers, to } = this.parseMatchers();
        return { kind: 'selector', name: token.text, matchers, range: undefined, from: token.from, to };
      }
      return {
        kind: 'selector',
        name: token.text,
        matchers: [],
        range: undefined,
        from: token.from,
        to: token.to,
      };
    }
    throw new PromqlParseError(`unexpected "${token.text || 'end of query'}"`, token.from);
  }

  private parseAggregate(): AggregateNode {
    const opToken = this.next();
    const op = opToken.text.toLowerCase();
    let grouping: Grouping | undefined;
    const readGrouping = () => {
      if (this.is('by') || this.is('without')) {
        const kind = this.next().text as 'by' | 'without';
        grouping = { kind, labels: this.parseLabelList() };
      }
    };
    readGrouping();
    const { args, to } = this.parseArgs();
    if (grouping === undefined) readGrouping();
    const expected = PARAMETRIC.has(op) ? 2 : 1;
    if (args.length !== expected) {
      throw new PromqlParseError(`${op} takes ${expected} argument(s), got ${args.length}`, opToken.from);
    }
    const param = PARAMETRIC.has(op) ? args[0] : undefined;
    const expr = args[args.length - 1] as ExprNode;
    // The last token read ends the node: the arguments' `)` or a trailing `by (...)`'s.
    const end = Math.max(to, (this.tokens[this.pos - 1] as Token).to);
    return { kind: 'aggregate', op, param, expr, grouping, from: opToken.from, to: end };
  }
}

/** Parses a PromQL query (Grafana variables allowed) into an expression tree; throws {@link PromqlParseError}. */
export function parsePromql(query: string): ExprNode {
  return new Parser(tokenize(query)).parseQuery();
}

/** The direct children of a node, in source order. */
export function childrenOf(node: ExprNode): ExprNode[] {
  switch (node.kind) {
    case 'call':
      return [...node.args];
    case 'aggregate':
      return node.param ? [node.param, node.expr] : [node.expr];
    case 'binary':
      return [node.lhs, node.rhs];
    case 'unary':
    case 'paren':
    case 'subquery':
      return [node.expr];
    default:
      return [];
  }
}

/** Calls `visit` for every node, depth first, with the node's ancestors (outermost first). */
export function walkPromql(
  node: ExprNode,
  visit: (node: ExprNode, ancestors: readonly ExprNode[]) => void,
  ancestors: readonly ExprNode[] = [],
): void {
  visit(node, ancestors);
  const path = [...ancestors, node];
  for (const child of childrenOf(node)) walkPromql(child, visit, path);
}
