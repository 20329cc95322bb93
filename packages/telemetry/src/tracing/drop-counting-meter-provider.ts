import {
  type Counter,
  createNoopMeter,
  type Meter,
  type MeterProvider,
  type MetricAttributes,
} from '@opentelemetry/api';
import { ATTR_ERROR_TYPE } from '@opentelemetry/semantic-conventions';

/**
 * The SDK processor's self-observability counter (semconv `otel.sdk.processor.span.processed`).
 * Copied rather than imported: it lives in the incubating semconv entry point, which is not
 * covered by semver.
 */
export const SPAN_PROCESSED_METRIC = 'otel.sdk.processor.span.processed';

/** `error.type` the SDK's BatchSpanProcessor records for a span it refused because its queue was full. */
export const QUEUE_FULL = 'queue_full';

/**
 * A MeterProvider for the BatchSpanProcessor's `selfObsMeterProvider` hook that forwards only
 * queue-overflow drops to `onDropped` and ignores every other instrument.
 *
 * Why this route: the BatchSpanProcessor only logs drops through `diag`, and its queue is private.
 * Its self-observability metrics, however, report each refused span at the exact point it is
 * refused, so the count is exact by construction without re-implementing or subclassing the
 * processor. The hook is marked experimental, so the package pins the SDK version and a test
 * asserts the exact drop count: an SDK change that breaks this fails that test.
 */
export function createDropCountingMeterProvider(onDropped: (count: number) => void): MeterProvider {
  const noop = createNoopMeter();
  const processed: Counter = {
    add(value: number, attributes?: MetricAttributes) {
      if (attributes?.[ATTR_ERROR_TYPE] !== QUEUE_FULL || value <= 0) return;
      try {
        onDropped(value);
      } catch {
        // Counting must never break `span.end()` in the caller's request path.
      }
    },
  };
  const meter: Meter = Object.create(noop) as Meter;
  meter.createCounter = ((name: string, options?: Parameters<Meter['createCounter']>[1]) =>
    name === SPAN_PROCESSED_METRIC ? processed : noop.createCounter(name, options)) as Meter['createCounter'];
  return { getMeter: () => meter };
}
