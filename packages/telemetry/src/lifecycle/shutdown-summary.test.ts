import { describe, expect, it } from 'vitest';
import { captureStream } from '../logging/test-capture.js';
import { startTelemetryWith } from '../start-telemetry.js';
import { shutdownSummary } from './shutdown-summary.js';

describe('the shutdown line', () => {
  it('says what was exported and dropped, at info when nothing was lost', async () => {
    const out = captureStream();
    const telemetry = await startTelemetryWith(
      {
        serviceName: 'storage-service',
        tracesExporter: 'none',
        handleSignals: false,
        shutdownTimeoutMs: 200,
      },
      { stdout: out.stream, env: {}, registerGlobal: false },
    );
    await telemetry.shutdown();
    expect(out.lines.at(-1)).toMatchObject({
      'log.level': 'info',
      message: 'telemetry stopped: 0 span(s) exported; none dropped',
      tracseq: { spans: { exported: 0, dropped: { queue_full: 0, export_failed: 0, shutdown: 0 } } },
    });
  });
});

describe('shutdownSummary', () => {
  it('warns when spans or log lines were lost, naming each reason', () => {
    const summary = shutdownSummary(
      { accepted: 12, exported: 5, dropped: { queue_full: 1, export_failed: 4, shutdown: 2 } },
      {
        produced: 9,
        shipped: 6,
        dropped: 1,
        failed: 2,
        bufferedLines: 0,
        bufferedBytes: 0,
        peakBufferedBytes: 10,
        lastError: 'x',
      },
      false,
    );
    expect(summary.level).toBe('warn');
    expect(summary.message).toBe(
      'telemetry stopped: 5 span(s) exported; 7 dropped (queue_full 1, export_failed 4, shutdown 2); 6 log line(s) shipped to Elasticsearch, 1 dropped, 2 failed',
    );
    expect(summary.fields).toEqual({
      tracseq: {
        spans: { exported: 5, dropped: { queue_full: 1, export_failed: 4, shutdown: 2 } },
        logs: { shipped: 6, dropped: 1, failed: 2 },
        flushed: false,
      },
    });
  });
});
