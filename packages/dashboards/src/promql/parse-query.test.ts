import { describe, expect, it } from 'vitest';
import { parseQuery } from './parse-query.js';
import { binaryOperator, childNodes, operands, type SyntaxNode, unwrap } from './syntax-tree.js';

function first(node: SyntaxNode, name: string): SyntaxNode {
  if (node.name === name) return node;
  for (const child of childNodes(node)) {
    const found = first(child, name);
    if (found.name === name) return found;
  }
  return node;
}

function names(node: SyntaxNode): string[] {
  return [node.name, ...operands(node).flatMap(names)];
}

describe('parseQuery', () => {
  it("parses with Prometheus's grammar after substituting variables, and quotes the query as written", () => {
    const written = 'sum by (le) (rate(x_bucket{a=~"$service", b="c"}[$__rate_interval]))';
    const query = parseQuery(written, { service: '.*', __rate_interval: '60s' });
    expect(query.error).toBeUndefined();
    expect(query.interpolation.text).toBe('sum by (le) (rate(x_bucket{a=~".*", b="c"}[60s]))');
    expect(names(operands(query.root)[0] as SyntaxNode)).toEqual([
      'AggregateExpr',
      'FunctionCall',
      'MatrixSelector',
      'VectorSelector',
    ]);
    const range = first(query.root, 'DurationExpr');
    expect([query.text(range), query.original(range)]).toEqual(['60s', '$__rate_interval']);
    expect(query.substitutionsIn(range).map((s) => s.name)).toEqual(['__rate_interval']);
    expect(query.selector(first(query.root, 'VectorSelector'))).toEqual({
      name: 'x_bucket',
      nameVariable: undefined,
      onlyVariable: false,
      matchers: [
        { name: 'a', op: '=~', value: '$service' },
        { name: 'b', op: '=', value: 'c' },
      ],
    });
  });

  it('reads names from __name__ and variables, operators, and skips comments', () => {
    const byName = parseQuery('{__name__="up", job!~"a|b"}');
    expect(byName.selector(first(byName.root, 'VectorSelector'))).toMatchObject({
      name: 'up',
      matchers: [{ name: '__name__' }, { name: 'job', op: '!~', value: 'a|b' }],
    });
    const fromVariable = parseQuery('$metric{a="b"} > $threshold', { metric: 'x', threshold: 'y' });
    const [lhs, rhs] = operands(first(fromVariable.root, 'BinaryExpr')) as [SyntaxNode, SyntaxNode];
    expect(fromVariable.selector(lhs)).toMatchObject({ name: undefined, nameVariable: 'metric' });
    expect(fromVariable.selector(rhs)).toMatchObject({ nameVariable: 'threshold', onlyVariable: true });
    const or = parseQuery('a # comment\nor -(vector(0))');
    const binary = first(or.root, 'BinaryExpr');
    expect(binaryOperator(binary)).toBe('Or');
    expect(or.text(unwrap(operands(binary)[1] as SyntaxNode))).toBe('vector(0)');
  });

  it('reports the first syntax error with its line and column in the query as written', () => {
    const truncated = parseQuery('sum(rate(x[$__rate_interval]', { __rate_interval: '60s' });
    expect(truncated.error).toEqual({
      offset: 28,
      position: { line: 1, column: 29 },
      message: 'syntax error at line 1, column 29: the query ends too early',
    });
    const unquoted = parseQuery('sum(\n  x{service=$service}\n)', { service: 'x' });
    expect(unquoted.error?.message).toBe('syntax error at line 2, column 13: unexpected "$service"');
    // An unknown function reads as a metric name followed by a stray parenthesis.
    expect(parseQuery('rate(x[5m]) + foo(x)').error?.message).toBe(
      'syntax error at line 1, column 18: unexpected "("',
    );
    expect(parseQuery('  ').error?.message).toBe('the query is empty');
  });

  it('refuses what Prometheus refuses although the grammar allows it', () => {
    expect(parseQuery('rate(x)[5m]').error?.message).toBe(
      'syntax error at line 1, column 9: a range [5m] applies to a vector selector only; for an expression use a subquery [5m:]',
    );
    expect(parseQuery('topk(x)').error?.message).toBe(
      'syntax error at line 1, column 1: topk() takes 2 argument(s), got 1',
    );
    expect(parseQuery('sum(a, b)').error?.message).toMatch(/sum\(\) takes 1 argument\(s\), got 2$/);
    expect(parseQuery('topk(3, x) + rate(x[5m:1m])').error).toBeUndefined();
  });
});
