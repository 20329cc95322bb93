import { describe, expect, it } from 'vitest';
import { checkPromql } from './check-promql.js';

describe('checkPromql', () => {
  it('accepts valid PromQL', () => {
    expect(
      checkPromql('sum(rate(http_requests_total{code=~"5.."}[5m])) / sum(rate(http_requests_total[5m]))'),
    ).toBe(undefined);
  });

  it.each(['sum(rate(x[5m])', 'rate(x[5m]) /', 'x{a="b"', ''])('rejects %j', (query) => {
    expect(checkPromql(query)).toMatch(/syntax error|empty/);
  });
});
