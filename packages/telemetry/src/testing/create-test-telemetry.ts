import { Writable } from 'node:stream';
import { InMemorySpanExporter, type ReadableSpan } from '@opentelemetry/sdk-trace';
import type { TelemetryOptions } from '../config/telemetry-config.js';
import { startTelemetryWith, type Telemetry } from '../start-telemetry.js';

/** Telemetry for service authors' tests: spans, log lines and metrics kept in memory. */
export interface TestTelemetry extends Telemetry {
  /** Finished spans (flushes first). */
  spans(): Promise<ReadableSpan[]>;
  /** Parsed log lines written so far. */
  logs(): Record<string, unknown>[];
  /** Value of one series, or `undefined` when it was never recorded. */
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
    logs: () => lines.map((line) => JSON.parse(line) as Record<string, unknown>),
    async metricValue(name, labels = {}) {
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
