import { readFileSync } from 'node:fs';
import { ALL_METRICS, METRICS, type MetricDefinition, OMITTED_DEFAULT_METRICS } from '@tracseq/contract';
import { promtoolCheckMetrics } from '@tracseq/testkit';
import { describe, expect, it } from 'vitest';
import { createMetricsRegistry } from './create-metrics-registry.js';

function firstValue(def: MetricDefinition, index: number): string {
  const label = def.labels[index];
  return label?.values?.[0] ?? 'other';
}

describe('createMetricsRegistry', () => {
  it('produces an exposition of every contract metric that passes promtool check metrics', async () => {
    const { registry, openMetricsRegistry, metrics } = createMetricsRegistry({
      serviceName: 'sample-service',
    });
    for (const [id, def] of Object.entries(METRICS) as [string, MetricDefinition][]) {
      // Optional labels (tracseq_tenant) are declared only when asked for.
      const labels = Object.fromEntries(
        def.labels.flatMap((l, i) => (l.optional ? [] : [[l.name, firstValue(def, i)]])),
      );
      const metric = metrics[id as keyof typeof METRICS];
      if (id === 'httpServerRequestDuration') {
        metrics.httpServerRequestDuration.observe({
          labels,
          value: 0.07,
          exemplarLabels: { trace_id: '0af7651916cd43dd8448eb211c80319c', span_id: 'b7ad6b7169203331' },
        });
      } else if ('observe' in metric) metric.observe(labels, 0.07);
      else if ('set' in metric) metric.set(labels, 1);
      else metric.inc(labels);
    }
    const exposition = await registry.metrics();
    for (const def of ALL_METRICS) {
      expect(exposition).toContain(`# TYPE ${def.name} ${def.type}`);
    }
    expect(exposition).toContain(
      'http_server_request_duration_seconds_bucket{le="0.1",service="sample-service",http_request_method="CONNECT",http_route="other",http_response_status_code="other"} 1',
    );
    for (const omitted of OMITTED_DEFAULT_METRICS) expect(exposition).not.toContain(`${omitted} `);
    expect(exposition).toContain('nodejs_active_handles{');
    expect(exposition).not.toContain('trace_id');
    const open = await openMetricsRegistry.metrics();
    expect(open).toMatch(
      /http_server_request_duration_seconds_bucket\{le="0\.075",[^}]*\} 1 # \{trace_id="0af7651916cd43dd8448eb211c80319c",span_id="b7ad6b7169203331"\} 0\.07/,
    );
    expect(open.trimEnd().endsWith('# EOF')).toBe(true);
    expect(open).toContain('# TYPE tracseq_samples_received counter');
    expect(open).toContain('tracseq_samples_received_total{');
    // Rendering OpenMetrics must not rename the counters the text format shares.
    const again = await registry.metrics();
    expect(again).toContain('# TYPE tracseq_samples_received_total counter');
    expect(again).toContain('tracseq_samples_received_total{lab="other"');
    const result = await promtoolCheckMetrics(exposition);
    expect(result.stdout + result.stderr).toBe('');
    expect(result.ok).toBe(true);
  });

  it('rejects an empty service name', () => {
    expect(() => createMetricsRegistry({ serviceName: ' ' })).toThrow(/serviceName/);
  });

  it('ships a contract.json that matches the contract', () => {
    const shipped = JSON.parse(readFileSync(new URL('../../contract.json', import.meta.url), 'utf8'));
    expect(shipped.metrics.map((m: MetricDefinition) => m.name)).toEqual(ALL_METRICS.map((m) => m.name));
  });
});
