import { ROOT_CONTEXT } from '@opentelemetry/api';
import type { InstrumentationScope } from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import {
  AlwaysOnSampler,
  type IdGenerator,
  type ReadableSpan,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace';
import { ServerSpan, ServerSpanFactory } from './server-span.js';
import { SpanEncoder } from './span-encoder.js';

/** Spans encoded at start: enough for V8 to compile the encoder's functions beyond the interpreter. */
const WARM_UP_SPANS = 500;

/** What the warm-up spans share with the service's spans (so the encoder sees the same shapes). */
export interface WarmUpDependencies {
  readonly idGenerator: IdGenerator;
  readonly resource: Resource;
  readonly scope: InstrumentationScope;
}

/**
 * Encodes {@link WARM_UP_SPANS} server spans shaped like a request's (method, path, route,
 * status) once at start, into an encoder of their own, and throws the bytes away: nothing is
 * queued, counted or exported. Why: without it the first requests of a fresh service pay for
 * running the span encoder in V8's interpreter, on the critical path of `span.end()`; this moves
 * that cost (about a millisecond) to start-up, before the service listens.
 */
export function warmSpanEncoder(deps: WarmUpDependencies): void {
  const encoder = new SpanEncoder();
  const discard: SpanProcessor = {
    onStart: () => undefined,
    onEnd: (span: ReadableSpan) => {
      encoder.encode(span);
    },
    forceFlush: async () => undefined,
    shutdown: async () => undefined,
  };
  const factory = new ServerSpanFactory({ ...deps, sampler: new AlwaysOnSampler(), processor: discard });
  for (let i = 0; i < WARM_UP_SPANS; i++) {
    const span = factory.start('GET', ROOT_CONTEXT);
    if (span instanceof ServerSpan) {
      span.setKnownAttribute('http.request.method', 'GET');
      span.setKnownAttribute('url.path', `/warm-up/${i}`);
      span.updateName('GET /warm-up/:id');
      span.setKnownAttribute('http.route', '/warm-up/:id');
      span.setKnownAttribute('http.response.status_code', 200);
    }
    span.end();
  }
}
