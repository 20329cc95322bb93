import { promtoolCheckMetrics } from '@tracseq/testkit';
import type { Registry, RegistryContentType } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { ChunkPool } from './byte-chunks.js';
import { createMetricsRegistry, type MetricsRegistry } from './create-metrics-registry.js';
import { renderInSlices, type SliceOptions } from './render-in-slices.js';

const LABEL_SETS = 3000;

/** A registry holding `LABEL_SETS` HTTP histogram label sets with exemplars, and a few other series. */
function busyRegistry(defaultMetrics: boolean): MetricsRegistry {
  const registries = createMetricsRegistry({ serviceName: 'sample-service', defaultMetrics });
  const { metrics } = registries;
  for (let i = 0; i < LABEL_SETS; i++) {
    const id = (i + 1).toString(16);
    metrics.httpServerRequestDuration.observe({
      labels: {
        http_request_method: i % 2 === 0 ? 'GET' : 'POST',
        http_route: `/api/r${Math.floor(i / 5)}/:id`,
        http_response_status_code: ['200', '201', '400', '404', '500'][i % 5] as string,
      },
      value: 0.001 * (1 + (i % 300)),
      exemplarLabels: { trace_id: id.padStart(32, '0'), span_id: id.padStart(16, '0') },
    });
  }
  // A histogram series whose labels need escaping, without exemplar, past the last bucket.
  metrics.httpServerRequestDuration.observe({
    labels: { http_request_method: 'GET', http_route: '/odd/"q"/\\b\nn', http_response_status_code: '200' },
    value: 42,
  });
  metrics.httpServerActiveRequests.set({ http_request_method: 'GET' }, 3);
  metrics.samplesReceived.inc({ lab: 'lab-a', sample_type: 'blood' }, 7);
  // A label value that needs escaping in both formats.
  metrics.samplesReceived.inc({ lab: 'quote " and \\ back', sample_type: 'new\nline' });
  metrics.seriesDropped.inc({ metric: 'http_server_request_duration_seconds' }, 2);
  return registries;
}

async function sliced(
  registry: Registry<RegistryContentType>,
  options?: SliceOptions,
): Promise<{ text: string; pieces: number }> {
  let text = '';
  let pieces = 0;
  for await (const piece of renderInSlices(registry, options)) {
    // Each piece on its own: a piece must never end inside a character.
    text += new TextDecoder('utf-8', { fatal: true }).decode(piece);
    pieces++;
  }
  return { text, pieces };
}

describe('renderInSlices', () => {
  it('renders the Prometheus text exactly as the registry does in one piece, in many pieces', async () => {
    const { registry } = busyRegistry(false);
    const whole = await registry.metrics();
    const { text, pieces } = await sliced(registry, { sliceMs: 0, labelSetsPerStep: 50 });
    expect(pieces).toBeGreaterThan(LABEL_SETS / 50);
    expect(text).toBe(whole);
    expect(text).toContain('lab="quote \\" and \\\\ back",sample_type="new\\nline"');
    expect(text).toContain('http_route="/odd/\\"q\\"/\\\\b\\nn",http_response_status_code="200"} 1');
  });

  it('renders OpenMetrics with exemplars exactly as the registry does, and leaves the text format alone', async () => {
    const { registry, openMetricsRegistry } = busyRegistry(false);
    const whole = await openMetricsRegistry.metrics();
    const { text, pieces } = await sliced(openMetricsRegistry, { sliceMs: 0, labelSetsPerStep: 50 });
    expect(pieces).toBeGreaterThan(LABEL_SETS / 50);
    expect(text).toBe(whole);
    expect(text).toMatch(/ # \{trace_id="0{29}bb8",span_id="0{13}bb8"\} /);
    expect(text.endsWith('\n# EOF\n')).toBe(true);
    expect(text).toContain('# TYPE tracseq_samples_received counter');
    // Counters shared with the text registry keep their names there.
    expect(await registry.metrics()).toContain('# TYPE tracseq_samples_received_total counter');
  });

  it('with chunks smaller than a series and non-ASCII label values, still renders exactly', async () => {
    const { registry, openMetricsRegistry, metrics } = busyRegistry(false);
    metrics.httpServerRequestDuration.observe({
      labels: {
        http_request_method: 'GET',
        http_route: '/échantillons/€/😀',
        http_response_status_code: '200',
      },
      value: 0.3,
      exemplarLabels: { trace_id: 'c'.repeat(32), span_id: 'd'.repeat(16) },
    });
    for (const target of [registry, openMetricsRegistry]) {
      const { text } = await sliced(target, { chunks: new ChunkPool(257) });
      expect(text).toBe(await target.metrics());
      expect(text).toContain('http_route="/échantillons/€/😀"');
    }
  });

  it('at 10,000 label sets, scrape after scrape, equals the registry output in both formats', async () => {
    const registries = busyRegistry(false);
    const { metrics, registry, openMetricsRegistry } = registries;
    const observe = (i: number, value: number) =>
      metrics.httpServerRequestDuration.observe({
        labels: {
          http_request_method: 'PUT',
          http_route: `/big/r${i}/:id`,
          http_response_status_code: '200',
        },
        value,
        exemplarLabels: { trace_id: 'a'.repeat(32), span_id: 'b'.repeat(16) },
      });
    for (let i = LABEL_SETS; i < 10_000; i++) observe(i, 0.01);
    for (const target of [registry, openMetricsRegistry]) {
      expect((await sliced(target)).text).toBe(await target.metrics());
    }
    // Between scrapes: values change, label sets are added, the default labels change. The
    // second scrape reuses what the first one cached per series, and must still be exact.
    observe(LABEL_SETS, 3);
    observe(10_000, 0.2);
    // The same bucket of a series scraped before gets a new exemplar (its cached text is stale).
    metrics.httpServerRequestDuration.observe({
      labels: { http_request_method: 'PUT', http_route: '/big/r5000/:id', http_response_status_code: '200' },
      value: 0.01,
      exemplarLabels: { trace_id: 'e'.repeat(32), span_id: 'f'.repeat(16) },
    });
    for (const target of [registry, openMetricsRegistry]) {
      const second = (await sliced(target)).text;
      expect(second).toBe(await target.metrics());
      expect(second).toContain('http_route="/big/r10000/:id"');
      if (target === openMetricsRegistry) expect(second).toContain(`trace_id="${'e'.repeat(32)}"`);
    }
    registry.setDefaultLabels({ service: 'renamed-service' });
    const renamed = (await sliced(registry)).text;
    expect(renamed).toBe(await registry.metrics());
    expect(renamed).toContain('service="renamed-service"');
    // prom-client renders 10,000 label sets slowly on a loaded machine: a generous timeout.
  }, 240_000);

  it('gives the event loop turns while it renders', async () => {
    const { registry } = busyRegistry(false);
    let turns = 0;
    const ticker = setInterval(() => turns++, 0);
    let turnsSeenBeforeEnd = 0;
    for await (const _piece of renderInSlices(registry, { sliceMs: 0, labelSetsPerStep: 100 })) {
      turnsSeenBeforeEnd = turns;
    }
    clearInterval(ticker);
    // A timer that was due the whole time ran in between the pieces, not only after the last.
    expect(turnsSeenBeforeEnd).toBeGreaterThan(1);
  });

  it('ends a histogram step within a few label sets once the slice is due, however large the step', async () => {
    const { registry } = busyRegistry(false);
    let turns = 0;
    let ticking = true;
    const tick = (): void => {
      turns++;
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    // One step would hold all 3,000 label sets; with the slice always due, the clock read every
    // 8 label sets ends it, so the render gives the loop hundreds of turns instead of a handful.
    const { text } = await sliced(registry, { sliceMs: 0, labelSetsPerStep: LABEL_SETS });
    ticking = false;
    expect(text).toBe(await registry.metrics());
    expect(turns).toBeGreaterThan(LABEL_SETS / 16);
  });

  it('with the default process metrics, both formats pass promtool check metrics', async () => {
    const { registry, openMetricsRegistry } = busyRegistry(true);
    const { text } = await sliced(registry);
    expect(text).toContain('process_cpu_seconds_total');
    const check = await promtoolCheckMetrics(text);
    expect(check.stdout + check.stderr).toBe('');
    expect(check.ok).toBe(true);
    const open = await sliced(openMetricsRegistry);
    expect(open.text).toContain('# TYPE nodejs_heap_size_total_bytes gauge');
    expect(open.text.endsWith('\n# EOF\n')).toBe(true);
  });
});
