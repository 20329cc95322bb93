import { ROOT_CONTEXT } from '@opentelemetry/api';
import { ServerSpan, type ServerSpanFactory } from './server-span.js';

/**
 * Request-shaped spans one rehearsal runs. Measured on the first 2 s of a fresh server (bench,
 * A/B): 1,536 gave most of the gain, 5,120 all of it, 15,360 no more.
 */
export const REHEARSAL_SPANS = 5120;

/**
 * Spans per rehearsal round at most (each round ends with a flush, so one export message per
 * round): the rounds {@link REHEARSAL_SPANS} was measured with, when export batches were 512.
 */
export const REHEARSAL_ROUND_SPANS = 512;

/** What {@link rehearsePipeline} drives. */
export interface RehearsalPipeline {
  /**
   * Starts spans on the pipeline's own sampler, ids, scope and processor, with the rehearsal
   * resource: the object that marks a span as a rehearsal's for the processors and the exporter.
   */
  readonly spans: ServerSpanFactory;
  /** Spans per round: at most one export batch and never more than the queue holds. */
  readonly batchSize: number;
  /** Resolves once every span ended so far has been exported (or rehearsed) and answered. */
  settle(): Promise<void>;
}

/**
 * Runs {@link REHEARSAL_SPANS} spans shaped like an HTTP request's (method, path, route, status)
 * through the whole trace pipeline, a batch at a time: the sampler, the loss-counting and encoding
 * processors, the batch processor's queue and export, the OTLP exporter's delegate and serializer,
 * the retrying transport, the copy to the export worker and its answer. Nothing leaves the process
 * (the worker answers a rehearsal without sending it) and nothing is counted (processors and
 * exporter recognise the rehearsal resource). Resolves `true` when every round was answered
 * within `deadlineMs`, `false` when the rehearsal stopped there.
 *
 * Why: a fresh service otherwise runs all of this in V8's interpreter during its first seconds of
 * traffic while the compilers work on the same core; rehearsed, it served 5–25 % more requests in
 * its first 2 s, more on a slower host (BENCHMARKS.md). Throwaway instances of the same classes
 * gave nothing measurable: the gain needs the pipeline's own objects and the worker's message path.
 */
export async function rehearsePipeline(pipeline: RehearsalPipeline, deadlineMs: number): Promise<boolean> {
  const until = Date.now() + deadlineMs;
  let timer: NodeJS.Timeout | undefined;
  // A stuck worker must not hold the service's start-up: a round's wait ends at the deadline.
  const expired = new Promise<false>((resolve) => {
    timer = setTimeout(resolve, deadlineMs, false);
  });
  try {
    for (let started = 0; started < REHEARSAL_SPANS; ) {
      if (Date.now() >= until) return false;
      started += runRound(pipeline, started);
      if (!(await Promise.race([pipeline.settle().then(() => true), expired]))) return false;
    }
    return true;
  } finally {
    clearTimeout(timer);
  }
}

/** Ends one batch of rehearsal spans; returns how many. */
function runRound(pipeline: RehearsalPipeline, started: number): number {
  const round = Math.min(pipeline.batchSize, REHEARSAL_SPANS - started);
  for (let i = 0; i < round; i++) {
    const span = pipeline.spans.start('GET', ROOT_CONTEXT);
    if (span instanceof ServerSpan) {
      span.setKnownAttribute('http.request.method', 'GET');
      span.setKnownAttribute('url.path', `/rehearsal/${started + i}`);
      span.updateName('GET /rehearsal/:id');
      span.setKnownAttribute('http.route', '/rehearsal/:id');
      span.setKnownAttribute('http.response.status_code', 200);
    }
    span.end();
  }
  return round;
}
