import {
  type Attributes,
  type AttributeValue,
  type Context,
  diag,
  type Exception,
  type HrTime,
  INVALID_SPAN_CONTEXT,
  type Link,
  type Span,
  type SpanAttributes,
  type SpanContext,
  SpanKind,
  type SpanStatus,
  SpanStatusCode,
  type TimeInput,
  TraceFlags,
  trace,
} from '@opentelemetry/api';
import {
  AddAttributeDecision,
  addHrTimes,
  cleanAttributes,
  cleanSimpleAttributes,
  hrTime,
  type InstrumentationScope,
  isTimeInput,
  isTimeInputHrTime,
  isTracingSuppressed,
  maybeAddAttribute,
  millisToHrTime,
} from '@opentelemetry/core';
import type { Resource } from '@opentelemetry/resources';
import {
  type IdGenerator,
  type ReadableSpan,
  type Sampler,
  SamplingDecision,
  type SpanLimits,
  type SpanProcessor,
  type TimedEvent,
} from '@opentelemetry/sdk-trace';

/** The SDK's default span limits (TracerProvider without `spanLimits`, as createTracing builds it). */
const LIMITS: Required<SpanLimits> = {
  attributeCountLimit: 128,
  attributeValueLengthLimit: Number.POSITIVE_INFINITY,
  eventCountLimit: 128,
  linkCountLimit: 128,
  attributePerEventCountLimit: 128,
  attributePerLinkCountLimit: 128,
};

const EXCEPTION_EVENT = 'exception';
/** The sampler's links argument (no links are passed at start). */
const NO_START_LINKS: Link[] = [];
/** Shared by every span until it gets a link, an event, a status or its end. */
const NO_LINKS: Link[] = Object.freeze([]) as unknown as Link[];
const NO_EVENTS: TimedEvent[] = Object.freeze([]) as unknown as TimedEvent[];
const UNSET_STATUS: SpanStatus = Object.freeze({ code: SpanStatusCode.UNSET });
const NOT_ENDED: HrTime = Object.freeze([0, 0]) as unknown as HrTime;
const NO_DURATION: HrTime = Object.freeze([-1, -1]) as unknown as HrTime;

/** What a {@link ServerSpanFactory} shares with the SDK TracerProvider it works next to. */
export interface ServerSpanDependencies {
  readonly sampler: Sampler;
  readonly idGenerator: IdGenerator;
  readonly resource: Resource;
  /** The SDK tracer's scope object itself, so its spans and these group into one ScopeSpans. */
  readonly scope: InstrumentationScope;
  readonly processor: SpanProcessor;
}

/**
 * The span of one HTTP server request: an SDK span (`ReadableSpan` for processors and exporters,
 * `Span` for the service's code that finds it active) without the SDK's generic start path.
 *
 * `Tracer.startSpan` and `SpanImpl` cost ~6 µs per request in the server profile, much of it for
 * generality the server span does not use: attributes validated and copied twice around the
 * sampler (with a `WeakSet` per value), link copying, per-span self-metrics objects and closures
 * (for a no-op meter), and time conversions through several arrays. This class does the same
 * things in the same order for this one case: the tracer's sampler decides (`shouldSample` with
 * the parent context, trace id, name and kind), ids come from the tracer's id generator, the
 * processor sees `onStart`/`onEnding`/`onEnd`, and every method the service can call behaves as
 * `SpanImpl`'s does (same limits, validation, warnings, status and time rules).
 */
export class ServerSpan implements Span, ReadableSpan {
  name: string;
  readonly kind: SpanKind;
  readonly parentSpanContext: SpanContext | undefined;
  readonly startTime: HrTime;
  // Until they change, a span shares these constants instead of allocating its own: every span
  // lives until its batch is exported, long enough to be copied out of the young generation.
  endTime: HrTime = NOT_ENDED;
  status: SpanStatus = UNSET_STATUS;
  readonly attributes: Attributes;
  links: Link[] = NO_LINKS;
  events: TimedEvent[] = NO_EVENTS;
  readonly resource: Resource;
  readonly instrumentationScope: InstrumentationScope;

  private readonly context: SpanContext;
  private readonly processor: SpanProcessor;
  private readonly performanceStart: number;
  /** Date.now() minus the monotonic clock at the start, for times given as `performance.now()`. */
  private readonly performanceOffset: number;
  private attributeCount: number;
  private droppedAttributes = 0;
  private droppedEvents = 0;
  private droppedLinks = 0;
  private durationTime: HrTime = NO_DURATION;
  private done = false;

  constructor(
    deps: ServerSpanDependencies,
    context: SpanContext,
    name: string,
    kind: SpanKind,
    parent: SpanContext | undefined,
    attributes: Attributes,
    droppedAttributes: number,
    performanceStart: number,
  ) {
    const now = Date.now();
    this.performanceStart = performanceStart;
    this.performanceOffset = now - (this.performanceStart + performance.timeOrigin);
    this.context = context;
    this.name = name;
    this.kind = kind;
    this.parentSpanContext = parent;
    this.startTime = millisToHrTime(now);
    this.resource = deps.resource;
    this.instrumentationScope = deps.scope;
    this.processor = deps.processor;
    this.attributes = attributes;
    this.attributeCount = Object.keys(attributes).length;
    this.droppedAttributes = droppedAttributes;
  }

  spanContext(): SpanContext {
    return this.context;
  }

  /**
   * Sets an attribute the instrumentation itself produces (a string or a finite number, so the
   * value check cannot fail): the count limit applies as in {@link setAttribute}.
   */
  setKnownAttribute(key: string, value: string | number): void {
    if (this.done) {
      this.setAttribute(key, value); // the SDK's warning path
      return;
    }
    if (!Object.hasOwn(this.attributes, key)) {
      if (this.attributeCount >= LIMITS.attributeCountLimit) {
        this.dropAttribute();
        return;
      }
      this.attributeCount++;
    }
    this.attributes[key] = value;
  }

  setAttribute(key: string, value?: AttributeValue): this {
    if (this.isEnded()) return this;
    const decision = maybeAddAttribute({
      key,
      value,
      attributes: this.attributes,
      limits: LIMITS,
      currentAttributesCount: this.attributeCount,
    });
    if (decision === AddAttributeDecision.DROP_LIMIT_REACHED) this.dropAttribute();
    else if (decision === AddAttributeDecision.ADD_NEW) this.attributeCount++;
    return this;
  }

  private dropAttribute(): void {
    this.droppedAttributes++;
    if (this.droppedAttributes === 1) diag.warn('Dropping extra attributes.');
  }

  setAttributes(attributes: SpanAttributes): this {
    for (const key in attributes) {
      if (Object.hasOwn(attributes, key)) this.setAttribute(key, attributes[key]);
    }
    return this;
  }

  addEvent(name: string, attributesOrStartTime?: SpanAttributes | TimeInput, timeStamp?: TimeInput): this {
    if (this.isEnded()) return this;
    if (LIMITS.eventCountLimit === 0) {
      diag.warn('No events allowed.');
      this.droppedEvents++;
      return this;
    }
    if (this.events === NO_EVENTS) this.events = [];
    if (this.events.length >= LIMITS.eventCountLimit) {
      if (this.droppedEvents === 0) diag.debug('Dropping extra events.');
      this.events.shift();
      this.droppedEvents++;
    }
    let attributes = attributesOrStartTime;
    let time = timeStamp;
    if (isTimeInput(attributes)) {
      if (!isTimeInput(time)) time = attributes;
      attributes = undefined;
    }
    this.events.push({
      name,
      time: this.timeOf(time),
      ...cleanSimpleAttributes(attributes as Attributes | undefined, {
        attributeCountLimit: LIMITS.attributePerEventCountLimit,
        attributeValueLengthLimit: LIMITS.attributeValueLengthLimit,
      }),
    });
    return this;
  }

  addLink(link: Link): this {
    if (this.isEnded()) return this;
    if (this.links === NO_LINKS) this.links = [];
    if (this.links.length >= LIMITS.linkCountLimit) {
      if (this.droppedLinks === 0) diag.debug('Dropping extra links.');
      this.links.shift();
      this.droppedLinks++;
    }
    this.links.push({
      context: link.context,
      ...cleanAttributes(link.attributes, {
        attributeCountLimit: LIMITS.attributePerLinkCountLimit,
        attributeValueLengthLimit: LIMITS.attributeValueLengthLimit,
      }),
    });
    return this;
  }

  addLinks(links: Link[]): this {
    for (const link of links) this.addLink(link);
    return this;
  }

  setStatus(status: SpanStatus): this {
    if (this.isEnded()) return this;
    if (status.code === SpanStatusCode.UNSET) return this;
    if (this.status.code === SpanStatusCode.OK) return this;
    const next: SpanStatus = { code: status.code };
    if (status.code === SpanStatusCode.ERROR) {
      if (typeof status.message === 'string') next.message = status.message;
      else if (status.message != null) {
        diag.warn(`Dropping invalid status.message of type '${typeof status.message}', expected 'string'`);
      }
    }
    this.status = next;
    return this;
  }

  updateName(name: string): this {
    if (this.isEnded()) return this;
    this.name = name;
    return this;
  }

  end(endTime?: TimeInput): void {
    if (this.endedAlready()) return;
    this.finish(this.timeOf(endTime));
  }

  /**
   * Ends the span at `performanceTime`, a `performance.now()` reading, as `end(performanceTime)`
   * does, without reading the clock again to tell a monotonic time from an epoch one.
   */
  endAt(performanceTime: number): void {
    if (this.endedAlready()) return;
    this.finish(addHrTimes(this.startTime, millisToHrTime(performanceTime - this.performanceStart)));
  }

  private endedAlready(): boolean {
    if (!this.done) return false;
    diag.error(
      `${this.name} ${this.context.traceId}-${this.context.spanId} - You can only call end() on a span once.`,
    );
    return true;
  }

  private finish(endTime: HrTime): void {
    this.endTime = endTime;
    let seconds = this.endTime[0] - this.startTime[0];
    let nanos = this.endTime[1] - this.startTime[1];
    if (nanos < 0) {
      seconds -= 1;
      nanos += 1e9;
    }
    this.durationTime = [seconds, nanos];
    if (seconds < 0) {
      diag.warn(
        'Inconsistent start and end time, startTime > endTime. Setting span duration to 0ms.',
        this.startTime,
        this.endTime,
      );
      this.endTime = this.startTime.slice() as HrTime;
      this.durationTime = [0, 0];
    }
    if (this.droppedEvents > 0)
      diag.warn(`Dropped ${this.droppedEvents} events because eventCountLimit reached`);
    if (this.droppedLinks > 0) diag.warn(`Dropped ${this.droppedLinks} links because linkCountLimit reached`);
    this.processor.onEnding?.(this);
    this.done = true;
    this.processor.onEnd(this);
  }

  /** A time as the SDK span computes it: start plus the elapsed monotonic time by default. */
  private timeOf(input: TimeInput | undefined): HrTime {
    if (typeof input === 'number' && input <= performance.now())
      return hrTime(input + this.performanceOffset);
    if (typeof input === 'number') return millisToHrTime(input);
    if (input instanceof Date) return millisToHrTime(input.getTime());
    if (isTimeInputHrTime(input)) return input;
    return addHrTimes(this.startTime, millisToHrTime(performance.now() - this.performanceStart));
  }

  isRecording(): boolean {
    return !this.done;
  }

  recordException(exception: Exception, time?: TimeInput): void {
    const attributes: Attributes = {};
    if (typeof exception === 'string') attributes['exception.message'] = exception;
    else if (exception) {
      if (exception.code) attributes['exception.type'] = exception.code.toString();
      else if (exception.name) attributes['exception.type'] = exception.name;
      if (exception.message) attributes['exception.message'] = exception.message;
      if (exception.stack) attributes['exception.stacktrace'] = exception.stack;
    }
    if (attributes['exception.type'] || attributes['exception.message']) {
      this.addEvent(EXCEPTION_EVENT, attributes, time);
    } else diag.warn(`Failed to record an exception ${exception}`);
  }

  get duration(): HrTime {
    return this.durationTime;
  }

  get ended(): boolean {
    return this.done;
  }

  get droppedAttributesCount(): number {
    return this.droppedAttributes;
  }

  get droppedEventsCount(): number {
    return this.droppedEvents;
  }

  get droppedLinksCount(): number {
    return this.droppedLinks;
  }

  private isEnded(): boolean {
    if (this.done) {
      const error = new Error(
        `Operation attempted on ended Span {traceId: ${this.context.traceId}, spanId: ${this.context.spanId}}`,
      );
      diag.warn(
        `Cannot execute the operation on ended Span {traceId: ${this.context.traceId}, spanId: ${this.context.spanId}}`,
        error,
      );
    }
    return this.done;
  }
}

/** Starts {@link ServerSpan}s with the SDK tracer's sampler, id generator, resource and processor. */
export class ServerSpanFactory {
  constructor(private readonly deps: ServerSpanDependencies) {}

  /**
   * Starts a SERVER span named `name` under `parent` (the context extracted from the request),
   * as `tracer.startSpan(name, {kind: SERVER}, parent)` would: a non-recording span when the
   * sampler drops it or tracing is suppressed. `startedAt` is a `performance.now()` reading taken
   * just before (the middleware's own, so the monotonic clock is read once); durations and
   * `endAt` count from it, the wall-clock start is read here, as the SDK reads it.
   */
  start(name: string, parent: Context, startedAt: number = performance.now()): Span {
    if (isTracingSuppressed(parent)) {
      diag.debug('Instrumentation suppressed, returning Noop Span');
      return trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
    }
    const deps = this.deps;
    const parentContext = trace.getSpanContext(parent);
    const validParent = parentContext !== undefined && trace.isSpanContextValid(parentContext);
    const spanId = deps.idGenerator.generateSpanId();
    const traceId = validParent ? parentContext.traceId : deps.idGenerator.generateTraceId();
    let attributes: Attributes = {};
    const result = deps.sampler.shouldSample(
      parent,
      traceId,
      name,
      SpanKind.SERVER,
      attributes,
      NO_START_LINKS,
    );
    const spanContext: SpanContext = {
      traceId,
      spanId,
      traceFlags:
        result.decision === SamplingDecision.RECORD_AND_SAMPLED ? TraceFlags.SAMPLED : TraceFlags.NONE,
      traceState: result.traceState ?? (validParent ? parentContext.traceState : undefined),
    };
    if (result.decision === SamplingDecision.NOT_RECORD) {
      diag.debug('Recording is off, propagating context in a non-recording span');
      return trace.wrapSpanContext(spanContext);
    }
    let dropped = 0;
    if (result.attributes) {
      const cleaned = cleanAttributes(result.attributes, LIMITS);
      attributes = cleaned.attributes ?? {};
      dropped = cleaned.droppedAttributesCount ?? 0;
    }
    const span = new ServerSpan(
      deps,
      spanContext,
      name,
      SpanKind.SERVER,
      validParent ? parentContext : undefined,
      attributes,
      dropped,
      startedAt,
    );
    deps.processor.onStart(span, parent);
    return span;
  }
}
