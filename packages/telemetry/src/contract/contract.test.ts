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
} from './index.js';

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
