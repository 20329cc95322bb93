import { describe, expect, it } from 'vitest';
import { seriesInfo } from './metric-catalog.js';

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
