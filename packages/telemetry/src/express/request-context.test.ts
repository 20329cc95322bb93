import { createContextKey, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { requestContext } from './request-context.js';
import { REQUEST_STATE_KEY, type RequestState } from './request-state.js';

const span = (spanId: string) =>
  trace.wrapSpanContext({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId, traceFlags: 1 });

describe('requestContext', () => {
  it('reads like trace.setSpan(parent, span).setValue(state key, state), parent values included', () => {
    const parentKey = createContextKey('test parent value');
    const parent = propagation
      .setBaggage(ROOT_CONTEXT, propagation.createBaggage({ tenant: { value: 'lab-a' } }))
      .setValue(parentKey, 42);
    const server = span('b7ad6b7169203331');
    const state: RequestState = { done: false, excluded: undefined, error: undefined };
    const ctx = requestContext(parent, server, state);
    const reference = trace.setSpan(parent, server).setValue(REQUEST_STATE_KEY, state);
    for (const c of [ctx, reference]) {
      expect(trace.getSpan(c)).toBe(server);
      expect(c.getValue(REQUEST_STATE_KEY)).toBe(state);
      expect(c.getValue(parentKey)).toBe(42);
      expect(propagation.getBaggage(c)?.getEntry('tenant')?.value).toBe('lab-a');
      expect(c.getValue(createContextKey('never set'))).toBeUndefined();
    }
    expect(trace.getSpan(parent)).toBeUndefined();
  });

  it('derives contexts as the API does: set values and child spans are seen, deleted ones are not, the original is unchanged', () => {
    const server = span('b7ad6b7169203331');
    const state: RequestState = { done: false, excluded: undefined, error: undefined };
    const ctx = requestContext(ROOT_CONTEXT, server, state);
    const key = createContextKey('test value');
    const child = span('00f067aa0ba902b7');
    const derived = trace.setSpan(ctx.setValue(key, 'v'), child);
    expect(trace.getSpan(derived)).toBe(child);
    expect(derived.getValue(key)).toBe('v');
    expect(derived.getValue(REQUEST_STATE_KEY)).toBe(state);
    expect(derived.deleteValue(key).getValue(key)).toBeUndefined();
    expect(trace.getSpan(trace.deleteSpan(derived))).toBeUndefined();
    expect(trace.getSpan(ctx)).toBe(server);
    expect(ctx.getValue(key)).toBeUndefined();
  });
});
