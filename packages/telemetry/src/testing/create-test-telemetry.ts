import { Writable } from 'node:stream';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import type { TelemetryOptions } from '../config/telemetry-config.js';
import { runPendingRecords } from '../lifecycle/turn-end.js';
import { startTelemetryWith, type Telemetry } from '../start-telemetry.js';

/** Telemetry for service authors' tests: spans, log lines and metrics kept in memory. */
export interface TestTelemetry extends Telemetry {
  /** Finished spans (flushes first). */
  spans(): Promise<ReadableSpan[]>;
  /** Parsed log lines written so far (requests answered so far included). */
  logs(): Record<string, unknown>[];
  /** Value of one series, or `undefined` when it was never recorded (requests answered so far included). */
  metricValue(name: string, labels?: Readonly<Record<string, string>>): Promise<number | undefined>;
}

/**
 * In-memory telemetry for tests: no collector, no ports, no signal handlers, no environment
 * read. Instrument an Express app with it and assert the spans, logs and metrics it produced.
 */
export async function createTestTelemetry(options: TelemetryOptions = {}): Promise<TestTelemetry> {
  const exporter = new InMemorySpanExporter();
  const lines: string[] = [];
  let partial = '';
  const stdout = new Writable({
    write(chunk, _encoding, callback) {
      const text = partial + chunk.toString();
      const parts = text.split('\n');
      partial = parts.pop() ?? '';
      lines.push(...parts.filter((l) => l !== ''));
      callback();
    },
  });
  const telemetry = await startTelemetryWith(
    { serviceName: 'test-service', handleSignals: false, ...options },
    { spanExporter: exporter, stdout, env: {} },
  );
  return {
    ...telemetry,
    async spans() {
      await telemetry.flush();
      return exporter.getFinishedSpans();
    },
    // A request's telemetry is recorded at the end of the turn its response left in (atTurnEnd);
    // a test that reads right after its client got the answer may be in that same turn.
    logs: () => {
      runPendingRecords();
      return lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    },
    async metricValue(name, labels = {}) {
      runPendingRecords();
      const metric = (await telemetry.registry.registry.getMetricsAsJSON()).find(
        (m) => m.name === name || name.startsWith(`${m.name}_`),
      );
      const sample = metric?.values.find(
        (v) =>
          ((v as { metricName?: string }).metricName ?? metric.name) === name &&
          Object.entries(labels).every(
            ([k, val]) => String((v.labels as Record<string, unknown>)[k]) === val,
          ),
      );
      return sample?.value;
    },
  };
}
