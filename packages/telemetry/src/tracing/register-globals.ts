import {
  context,
  createContextKey,
  propagation,
  ROOT_CONTEXT,
  type TextMapPropagator,
  type TracerProvider,
  trace,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { CompositePropagator, W3CBaggagePropagator, W3CTraceContextPropagator } from '@opentelemetry/core';

/** W3C `traceparent`/`tracestate` plus `baggage`: what Jaeger, Tempo and the Collector all read. */
export function createW3CPropagator(): TextMapPropagator {
  return new CompositePropagator({
    propagators: [new W3CTraceContextPropagator(), new W3CBaggagePropagator()],
  });
}

const PROBE = createContextKey('tracseq.context-manager-probe');

/** True when some context manager already carries context through `context.with`. */
function contextManagerInstalled(): boolean {
  return context.with(ROOT_CONTEXT.setValue(PROBE, true), () => context.active().getValue(PROBE) === true);
}

/**
 * Installs an AsyncLocalStorage context manager unless one already works. Request context (the
 * tenant baggage in logs, `excludeFromSlis`) needs it even when tracing is off.
 */
export function ensureContextManager(): void {
  if (contextManagerInstalled()) return;
  context.disable();
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
}

/** Which globals to undo when the owner shuts down. */
let owner: object | undefined;

/**
 * Installs `provider` and the W3C propagator as the OTel globals (the last call wins, so a second
 * telemetry in one test process takes over), and an AsyncLocalStorage context manager unless one
 * already works. Returns the function that removes them again if this call still owns them; the
 * context manager stays, because code still running may rely on it and it holds no telemetry.
 */
export function registerTracingGlobals(provider: TracerProvider): () => void {
  const token = {};
  owner = token;
  // The API refuses a second registration; disabling first makes "last one wins" explicit.
  trace.disable();
  propagation.disable();
  trace.setGlobalTracerProvider(provider);
  propagation.setGlobalPropagator(createW3CPropagator());
  ensureContextManager();
  return () => {
    if (owner !== token) return;
    owner = undefined;
    trace.disable();
    propagation.disable();
  };
}
