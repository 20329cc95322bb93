import { describe, expect, it } from 'vitest';
import {
  ALL_METRICS,
  buildContractJson,
  checkMetricDefinition,
  HTTP_DURATION_BUCKETS,
  METRICS,
  type MetricDefinition,
  renderContractJson,
  seriesLabelNames,
} from '../index.js';

describe('metric contract', () => {
  it('every metric follows Prometheus naming rules and the contract conventions', () => {
    const problems = ALL_METRICS.flatMap((def) => checkMetricDefinition(def));
    expect(problems).toEqual([]);
  });

  it('names are unique', () => {
    const names = ALL_METRICS.map((m) => m.name);
    expect(new Set(names).size).toBe(names.length);
  });

  it('keeps 0.1 s as an HTTP bucket boundary for the latency SLO', () => {
    expect(HTTP_DURATION_BUCKETS).toContain(0.1);
    expect(METRICS.httpServerRequestDuration.buckets).toBe(HTTP_DURATION_BUCKETS);
  });

  it('makes only tracseq_tenant optional, last on the HTTP metrics (positional reads stay valid)', () => {
    const optional = ALL_METRICS.flatMap((m) =>
      m.labels.filter((l) => l.optional).map((l) => `${m.name}:${l.name}`),
    );
    expect(optional).toEqual([
      'http_server_request_duration_seconds:tracseq_tenant',
      'tracseq_http_server_excluded_requests_total:tracseq_tenant',
    ]);
    expect(METRICS.httpServerRequestDuration.labels.at(-1)?.name).toBe('tracseq_tenant');
    expect(METRICS.httpServerExcludedRequests.labels.at(-1)?.name).toBe('tracseq_tenant');
  });

  it('puts service first on every series', () => {
    expect(seriesLabelNames(METRICS.samplesProcessed)).toEqual(['service', 'lab', 'sample_type', 'outcome']);
  });

  it.each<[string, MetricDefinition, RegExp]>([
    [
      'a counter without _total',
      { name: 'x_calls', type: 'counter', help: 'h', labels: [] },
      /end in _total/,
    ],
    ['a gauge with _total', { name: 'x_total', type: 'gauge', help: 'h', labels: [] }, /only counters/],
    ['a colon', { name: 'x:y_total', type: 'counter', help: 'h', labels: [] }, /no colons/],
    ['a wrong unit', { name: 'x_ms', type: 'gauge', unit: 'seconds', help: 'h', labels: [] }, /_seconds/],
    [
      'unsorted buckets',
      { name: 'x_seconds', type: 'histogram', help: 'h', labels: [], buckets: [1, 0.5] },
      /ascending/,
    ],
    [
      'a reserved label',
      { name: 'x', type: 'gauge', help: 'h', labels: [{ name: 'le', description: 'd', values: ['a'] }] },
      /reserved/,
    ],
    [
      'an unbounded label',
      { name: 'x', type: 'gauge', help: 'h', labels: [{ name: 'sample_id', description: 'd' }] },
      /exactly one of/,
    ],
  ])('rejects %s', (_what, def, message) => {
    expect(checkMetricDefinition(def).join('\n')).toMatch(message);
  });

  it('exports as deterministic JSON that round-trips', () => {
    const text = renderContractJson();
    expect(text.endsWith('}\n')).toBe(true);
    expect(renderContractJson()).toBe(text);
    expect(JSON.parse(text)).toEqual(JSON.parse(JSON.stringify(buildContractJson())));
    expect(JSON.parse(text).metrics).toHaveLength(ALL_METRICS.length);
  });
});
