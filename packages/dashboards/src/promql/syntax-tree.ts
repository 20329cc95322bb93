import type { parser } from '@prometheus-io/lezer-promql';

/** A node of the tree Prometheus's own Lezer grammar (`@prometheus-io/lezer-promql`) builds. */
export type SyntaxNode = ReturnType<typeof parser.parse>['topNode'];

// Node types that are PromQL expressions; the others are their parts (operators, durations,
// identifiers, label matchers, modifiers) or comments.
const EXPRESSIONS: ReadonlySet<string> = new Set([
  'AggregateExpr',
  'AnchoredExpr',
  'BinaryExpr',
  'FunctionCall',
  'MatrixSelector',
  'NumberDurationLiteral',
  'OffsetExpr',
  'ParenExpr',
  'SmoothedExpr',
  'StepInvariantExpr',
  'StringLiteral',
  'SubqueryExpr',
  'UnaryExpr',
  'VectorSelector',
]);

/** Expressions that only modify when their operand is read (`offset`, `@`, `anchored`, `smoothed`). */
export const MODIFIER_EXPRESSIONS: ReadonlySet<string> = new Set([
  'OffsetExpr',
  'StepInvariantExpr',
  'AnchoredExpr',
  'SmoothedExpr',
]);

/** Whether a node is an expression (not an operator, duration, name or comment). */
export function isExpression(node: SyntaxNode): boolean {
  return EXPRESSIONS.has(node.name);
}

/** The direct children of a node, comments left out. */
export function childNodes(node: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let child = node.firstChild; child; child = child.nextSibling) {
    if (child.name !== 'LineComment') out.push(child);
  }
  return out;
}

/** The first direct child of type `name`. */
export function childNamed(node: SyntaxNode, name: string): SyntaxNode | undefined {
  return childNodes(node).find((c) => c.name === name);
}

/**
 * The expressions a node reads, in source order: a call's or aggregation's arguments (the
 * parameter of `topk`/`quantile`/... included), a binary expression's two sides, the operand
 * of a range, subquery, parenthesis, unary sign or modifier.
 */
export function operands(node: SyntaxNode): SyntaxNode[] {
  const body =
    node.name === 'FunctionCall' || node.name === 'AggregateExpr'
      ? childNamed(node, 'FunctionCallBody')
      : node;
  return body === undefined ? [] : childNodes(body).filter(isExpression);
}

/** The node type of a binary expression's operator (`Or`, `Div`, `Add`, ...). */
export function binaryOperator(node: SyntaxNode): string | undefined {
  if (node.name !== 'BinaryExpr') return undefined;
  return childNodes(node).find((c) => !isExpression(c))?.name;
}

/** The expression under parentheses and unary signs. */
export function unwrap(node: SyntaxNode): SyntaxNode {
  let current = node;
  while (current.name === 'ParenExpr' || current.name === 'UnaryExpr') {
    const inner = operands(current)[0];
    if (inner === undefined) return current;
    current = inner;
  }
  return current;
}

/** The expression `node` is an operand of, skipping the parts (call bodies) in between. */
export function parentExpression(node: SyntaxNode): SyntaxNode | undefined {
  for (let p = node.parent; p; p = p.parent) if (isExpression(p)) return p;
  return undefined;
}
