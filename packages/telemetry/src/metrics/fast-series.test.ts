import { Gauge, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { GaugeSeries, HistogramSeries } from './fast-series.js';

const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];
const LABELS = ['http_request_method', 'http_route', 'http_response_status_code'];
const TRACE = '0af7651916cd43dd8448eb211c80319c';
const SPAN = 'b7ad6b7169203331';

function histograms() {
  const make = () => {
    // prom-client's typings omit the constructor's content-type argument.
    const registry = new (Registry as unknown as new (type: string) => Registry)(
      Registry.OPENMETRICS_CONTENT_TYPE,
    );
    const histogram = new Histogram({
      name: 'http_server_request_duration_seconds',
      help: 'duration',
      labelNames: LABELS,
      buckets: BUCKETS,
      enableExemplars: true,
      registers: [registry],
    });
    return { registry, histogram };
  };
  return { fast: make(), reference: make() };
}

/** OpenMetrics exposition without exemplar timestamps (the two paths read the clock apart). */
async function render(registry: Registry): Promise<string> {
  return (await registry.metrics()).replace(/(\} [0-9.e+-]+) [0-9.]+$/gm, '$1');
}

describe('HistogramSeries', () => {
  it('renders exactly what observe({labels, value, exemplarLabels}) renders, across reset and remove', async () => {
    const { fast, reference } = histograms();
    const labels = {
      http_request_method: 'GET',
      http_route: '/api/samples/:id',
      http_response_status_code: '200',
    };
    const other = { ...labels, http_response_status_code: '404' };
    // Counts the calls that fell back to prom-client's public observe.
    let slow = 0;
    const observe = fast.histogram.observe.bind(fast.histogram);
    fast.histogram.observe = ((...args: Parameters<typeof observe>) => {
      slow++;
      return observe(...args);
    }) as typeof observe;
    const series = new HistogramSeries(fast.histogram, labels);
    const otherSeries = new HistogramSeries(fast.histogram, other);
    // Values on bounds, between them, past the last one; with and without a sampled span.
    const values = [0.001, 0.005, 0.0051, 0.1, 0.3, 0.3, 2.5, 9.99, 10, 11, 120, 0.02, 0.02];
    const observeBoth = (value: number, i: number) => {
      const sampled = i % 3 !== 2;
      const trace = sampled ? `${TRACE.slice(0, 30)}${String(i).padStart(2, '0')}` : undefined;
      if (sampled) {
        series.observe(value, trace, SPAN);
        reference.histogram.observe({ labels, value, exemplarLabels: { trace_id: trace, span_id: SPAN } });
      } else {
        series.observe(value);
        reference.histogram.observe({ labels, value } as never);
      }
      otherSeries.observe(value / 2, TRACE, SPAN);
      reference.histogram.observe({
        labels: other,
        value: value / 2,
        exemplarLabels: { trace_id: TRACE, span_id: SPAN },
      });
    };
    values.forEach(observeBoth);
    expect(await render(fast.registry)).toBe(await render(reference.registry));
    // Only a series' first observation and each bucket's first exemplar take the public path: if
    // prom-client's internals changed shape, every observation would, and this would fail.
    expect(slow).toBeLessThan(values.length * 2 - 6);

    fast.histogram.reset();
    reference.histogram.reset();
    values.slice(0, 5).forEach(observeBoth);
    expect(await render(fast.registry)).toBe(await render(reference.registry));

    fast.histogram.remove(labels);
    reference.histogram.remove(labels);
    values.slice(5).forEach(observeBoth);
    expect(await render(fast.registry)).toBe(await render(reference.registry));
  });

  it('rejects a value that is not finite, as prom-client does', () => {
    const { fast } = histograms();
    const series = new HistogramSeries(fast.histogram, {
      http_request_method: 'GET',
      http_route: '/a',
      http_response_status_code: '200',
    });
    series.observe(0.1, TRACE, SPAN);
    expect(() => series.observe(Number.NaN, TRACE, SPAN)).toThrow(TypeError);
  });
});

describe('GaugeSeries', () => {
  it('moves the same series as inc/dec, across reset and set', async () => {
    const registry = new Registry();
    const gauge = new Gauge({ name: 'active', help: 'active', labelNames: ['m'], registers: [registry] });
    const get = async (m: string) => (await gauge.get()).values.find((v) => v.labels.m === m)?.value;
    const getSeries = new GaugeSeries(gauge, { m: 'GET' });
    const post = new GaugeSeries(gauge, { m: 'POST' });
    getSeries.inc();
    getSeries.inc();
    post.inc();
    getSeries.dec();
    expect(await get('GET')).toBe(1);
    expect(await get('POST')).toBe(1);
    gauge.reset();
    getSeries.inc();
    expect(await get('GET')).toBe(1);
    gauge.set({ m: 'GET' }, 5);
    getSeries.dec();
    expect(await get('GET')).toBe(4);
    gauge.inc({ m: 'GET' });
    getSeries.inc();
    expect(await get('GET')).toBe(6);
    // reset() dropped POST; nothing re-created it.
    expect((await gauge.get()).values).toHaveLength(1);
  });
});
