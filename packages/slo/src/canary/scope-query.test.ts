import { describe, expect, it } from 'vitest';
import { scopeQuery } from './scope-query.js';

const M = 'h="{{args.canary-hash}}"';

describe('scopeQuery', () => {
  it('adds the matchers to every vector selector and keeps the window placeholder', () => {
    expect(
      scopeQuery(
        'sum(rate(a_count{service="x"}[{{.window}}])) - sum(rate(a_bucket{service="x",le="0.1"}[{{.window}}]))',
        M,
      ),
    ).toBe(
      `sum(rate(a_count{service="x",${M}}[{{.window}}])) - sum(rate(a_bucket{service="x",le="0.1",${M}}[{{.window}}]))`,
    );
  });

  it('handles bare names, empty and trailing-comma braces, name matchers and subqueries', () => {
    expect(scopeQuery('a + b{} + c{x="1",} + {__name__="d"}', M)).toBe(
      `a{${M}} + b{${M}} + c{x="1",${M}} + {__name__="d",${M}}`,
    );
    expect(scopeQuery('max_over_time(rate(e[{{.window}}])[1h:5m]) offset 5m', M)).toBe(
      `max_over_time(rate(e{${M}}[{{.window}}])[1h:5m]) offset 5m`,
    );
  });

  it('refuses a query it cannot parse', () => {
    expect(() => scopeQuery('sum(rate(a[{{.window}}]', M)).toThrow(/cannot parse PromQL/);
  });
});
