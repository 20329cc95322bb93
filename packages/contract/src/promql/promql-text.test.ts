import { describe, expect, it } from 'vitest';
import { quoteLabelValue, renderMatchers, WINDOW_PLACEHOLDER, withWindow } from './promql-text.js';

/** Undoes PromQL (Go) string escapes: what Prometheus matches. */
function unquote(literal: string): string {
  return JSON.parse(literal.replace(/\\x([0-9a-f]{2})/gi, '\\u00$1'));
}

describe('quoteLabelValue', () => {
  it.each([
    ['plain', '/api/samples'],
    ['quotes and backslashes', 'a"b\\c'],
    ['newline, carriage return, tab', 'a\nb\rc\td'],
    ['line and paragraph separators, NEL, BOM', 'a\u2028b\u2029c\u0085d\ufeffe'],
    ['control characters and DEL', '\u0000\u0007\u001b\u007f\u0090'],
    ['the window placeholder', `/x${WINDOW_PLACEHOLDER}`],
    ['braces', '{{{a}}}'],
  ])(
    'quotes %s so Prometheus reads the value back unchanged, using printable characters only',
    (_what, value) => {
      const quoted = quoteLabelValue(value);
      expect(quoted).toMatch(/^"[\u0020-\u007e\u00a0-\u2027\u202a-\ufefe\uff00-\uffff]*"$/);
      expect(unquote(quoted)).toBe(value);
    },
  );

  it('never emits {{, so a query template cannot expand a placeholder inside a value', () => {
    const matchers = renderMatchers([{ name: 'http_route', op: '=', value: `/x${WINDOW_PLACEHOLDER}` }]);
    const query = `sum(rate(m${matchers}[${WINDOW_PLACEHOLDER}]))`;
    expect(withWindow(query, '5m')).toBe('sum(rate(m{http_route="/x\\x7b{.window}}"}[5m]))');
  });
});
