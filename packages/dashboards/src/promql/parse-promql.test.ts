import { describe, expect, it } from 'vitest';
import { interpolateVariables, variablesIn } from './interpolate.js';
import { seriesInfo } from './metric-catalog.js';
import { type ExprNode, PromqlParseError, parsePromql, walkPromql } from './parse-promql.js';

function kinds(expr: string): string[] {
  const out: string[] = [];
  walkPromql(parsePromql(expr), (node: ExprNode) => {
    out.push(
      node.kind === 'call' ? `call:${node.func}` : node.kind === 'selector' ? `sel:${node.name}` : node.kind,
    );
  });
  return out;
}

describe('parsePromql', () => {
  it('reads aggregations, calls, range selectors and Grafana variables', () => {
    const tree = parsePromql('sum by (le) (rate(x_bucket{a=~"$service", b="c"}[$__rate_interval]))');
    expect(tree).toMatchObject({
      kind: 'aggregate',
      op: 'sum',
      grouping: { kind: 'by', labels: ['le'] },
      expr: {
        kind: 'call',
        func: 'rate',
        args: [
          {
            kind: 'selector',
            name: 'x_bucket',
            range: '$__rate_interval',
            matchers: [
              { name: 'a', op: '=~', value: '$service' },
              { name: 'b', op: '=', value: 'c' },
            ],
          },
        ],
      },
    });
  });

  it('follows operator precedence and vector matching', () => {
    const tree = parsePromql('a + b * c or d / on (x) group_left () e > bool 1');
    expect(tree).toMatchObject({ kind: 'binary', op: 'or' });
    expect(kinds('a + b * c')).toEqual(['binary', 'sel:a', 'binary', 'sel:b', 'sel:c']);
    const right = (tree as Extract<ExprNode, { kind: 'binary' }>).rhs;
    expect(right).toMatchObject({
      kind: 'binary',
      op: '>',
      bool: true,
      lhs: { op: '/', matching: { kind: 'on', labels: ['x'] }, group: { side: 'left', labels: [] } },
    });
    expect(parsePromql('2 ^ 3 ^ 2')).toMatchObject({ op: '^', rhs: { op: '^' } });
  });

  it('reads subqueries, offsets, unary minus, trailing grouping and colons in names', () => {
    expect(kinds('max_over_time(rate(x_total[5m])[1h:1m] offset 5m)')).toEqual([
      'call:max_over_time',
      'subquery',
      'call:rate',
      'sel:x_total',
    ]);
    expect(parsePromql('x * -80')).toMatchObject({ rhs: { kind: 'unary', op: '-' } });
    expect(parsePromql('sum(x) by (a)')).toMatchObject({ kind: 'aggregate', grouping: { labels: ['a'] } });
    expect(parsePromql('slo:sli_error:ratio_rate5m{slo_id="a"}')).toMatchObject({
      name: 'slo:sli_error:ratio_rate5m',
    });
    expect(parsePromql('topk(3, x)')).toMatchObject({ op: 'topk', param: { kind: 'number' } });
  });

  it('keeps source spans', () => {
    const expr = '(a or 0 * b) / (b > 0)';
    const tree = parsePromql(expr) as Extract<ExprNode, { kind: 'binary' }>;
    const paren = tree.lhs as Extract<ExprNode, { kind: 'paren' }>;
    const or = paren.expr as Extract<ExprNode, { kind: 'binary' }>;
    expect(expr.slice(or.from, or.to)).toBe('a or 0 * b');
    expect(expr.slice(or.rhs.from, or.rhs.to)).toBe('0 * b');
  });

  it('reports what it cannot read', () => {
    expect(() => parsePromql('sum(rate(x[5m])')).toThrow(PromqlParseError);
    expect(() => parsePromql('x{a=b}')).toThrow(/quoted label value/);
    expect(() => parsePromql('rate(x)[5m]')).toThrow(/range applies to a vector selector/);
  });
});

describe('Grafana variables', () => {
  it('finds and substitutes every syntax, longest name first', () => {
    // biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a JS template
    const expr = 'rate(x{a=~"$service", b="${lab:regex}", c="[[zone]]"}[$__rate_interval])';
    expect(variablesIn(expr)).toEqual(['service', 'lab', 'zone', '__rate_interval']);
    expect(interpolateVariables(expr, { service: '.*', lab: 'l', __rate_interval: '4s' })).toBe(
      'rate(x{a=~".*", b="l", c="[[zone]]"}[4s])',
    );
  });
});

describe('seriesInfo', () => {
  it('types series from the contract and prom-client, not from name suffixes', () => {
    expect(seriesInfo('tracseq_samples_received_total')).toMatchObject({
      kind: 'counter',
      source: 'contract',
    });
    expect(seriesInfo('http_server_request_duration_seconds_count')).toMatchObject({
      kind: 'histogram-count',
    });
    expect(seriesInfo('http_server_request_duration_seconds')).toMatchObject({ kind: 'histogram-family' });
    expect(seriesInfo('nodejs_heap_size_total_bytes')).toMatchObject({
      kind: 'gauge',
      source: 'prom-client',
    });
    expect(seriesInfo('process_cpu_seconds_total')).toMatchObject({ kind: 'counter', source: 'prom-client' });
    expect(seriesInfo('nodejs_gc_duration_seconds_sum')).toMatchObject({ kind: 'histogram-sum' });
    expect(seriesInfo('slo:sli_error:ratio_rate2h24m')).toMatchObject({
      kind: 'gauge',
      source: 'slo-recording',
    });
    expect(seriesInfo('ALERTS')).toMatchObject({ source: 'prometheus' });
    expect(seriesInfo('nodejs_active_handles_total')).toBeUndefined();
    expect(seriesInfo('tracseq_samples_recieved_total')).toBeUndefined();
  });
});
