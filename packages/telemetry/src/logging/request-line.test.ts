import { context, ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from './create-logger.js';
import {
  compileRequestLine,
  REQUEST_LOG_FIELDS,
  type RequestLogRecord,
  requestLogFields,
  requestLogLevel,
  requestLogMessage,
} from './request-log-fields.js';
import { captureStream } from './test-capture.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';

const RECORD: RequestLogRecord = {
  method: 'GET',
  route: '/api/samples/:id',
  status: 200,
  path: '/api/samples/S-1',
  durationNs: 1_234_567,
  traceId: TRACE_ID,
  spanId: SPAN_ID,
  tenantId: 'lab-a',
  sliExcluded: undefined,
};

function withoutTimestamp(line: Record<string, unknown> | undefined): Record<string, unknown> {
  const { '@timestamp': _timestamp, ...rest } = line ?? {};
  return rest;
}

describe('request line fast path', () => {
  const manager = new AsyncLocalStorageContextManager();
  beforeAll(() => {
    context.setGlobalContextManager(manager.enable());
  });
  afterAll(() => {
    manager.disable();
    context.disable();
  });

  /**
   * The same record logged through pino (its own output: `logger[level]` with the request fields,
   * inside a span's context, as the instrumentation's fallback does) and through the fast path.
   */
  function both(record: RequestLogRecord, options: { redactPaths?: string[]; level?: string } = {}) {
    const out = captureStream();
    let tenant: string | undefined;
    const telemetryLogger = createLogger({
      serviceName: 'sample-service',
      stdout: out.stream,
      tenant: () => tenant,
      ...options,
    });
    const span = trace.wrapSpanContext({
      traceId: record.traceId ?? TRACE_ID,
      spanId: record.spanId ?? SPAN_ID,
      traceFlags: TraceFlags.SAMPLED,
    });
    tenant = record.tenantId;
    context.with(trace.setSpan(ROOT_CONTEXT, span), () =>
      telemetryLogger.logger[requestLogLevel(record)](requestLogFields(record), requestLogMessage(record)),
    );
    tenant = undefined;
    const fast = telemetryLogger.requestLine(record);
    return { out, fast, telemetryLogger };
  }

  it('writes the line pino writes: same fields, same values, same order', () => {
    for (const record of [
      RECORD,
      { ...RECORD, tenantId: undefined, sliExcluded: 'maintenance' },
      { ...RECORD, method: '_OTHER', route: 'unmatched', status: 499, path: '/' },
      { ...RECORD, status: 503, sliExcluded: 'maintenance' },
    ]) {
      const { out, fast } = both(record);
      expect(fast).toBe(true);
      expect(out.lines).toHaveLength(2);
      const [viaPino, viaFastPath] = out.lines;
      expect(withoutTimestamp(viaFastPath)).toEqual(withoutTimestamp(viaPino));
      // Key order at every depth, not just the values.
      expect(JSON.stringify(withoutTimestamp(viaFastPath))).toBe(JSON.stringify(withoutTimestamp(viaPino)));
      expect(viaFastPath?.['log.level']).toBe(record.status >= 500 ? 'error' : 'info');
      const timestamp = viaFastPath?.['@timestamp'] as string;
      expect(new Date(timestamp).toISOString()).toBe(timestamp);
      expect(Math.abs(Date.parse(timestamp) - Date.now())).toBeLessThan(5000);
    }
  });

  it("keeps a label set's texts apart from what varies per request (path, duration, exclusion, tenant, ids)", () => {
    const out = captureStream();
    let tenant: string | undefined;
    const { logger, requestLine } = createLogger({
      serviceName: 'sample-service',
      stdout: out.stream,
      tenant: () => tenant,
    });
    const records: RequestLogRecord[] = [
      RECORD,
      { ...RECORD, path: '/api/samples/S-2', durationNs: 7 },
      { ...RECORD, sliExcluded: 'maintenance', tenantId: undefined },
      { ...RECORD, traceId: undefined, spanId: undefined, path: '/api/samples/"q"' },
      { ...RECORD, status: 404 },
      { ...RECORD, method: 'POST' },
      { ...RECORD, route: '/api/other/:id' },
      RECORD,
    ];
    for (const record of records) {
      const span = trace.wrapSpanContext({
        traceId: record.traceId ?? TRACE_ID,
        spanId: record.spanId ?? SPAN_ID,
        traceFlags: TraceFlags.SAMPLED,
      });
      tenant = record.tenantId;
      const ctx = record.traceId === undefined ? ROOT_CONTEXT : trace.setSpan(ROOT_CONTEXT, span);
      context.with(ctx, () =>
        logger[requestLogLevel(record)](requestLogFields(record), requestLogMessage(record)),
      );
      tenant = undefined;
      expect(requestLine(record)).toBe(true);
    }
    expect(out.lines).toHaveLength(records.length * 2);
    for (let i = 0; i < records.length; i++) {
      const viaPino = withoutTimestamp(out.lines[2 * i]);
      const viaFastPath = withoutTimestamp(out.lines[2 * i + 1]);
      expect(JSON.stringify(viaFastPath), `record ${i}`).toBe(JSON.stringify(viaPino));
    }
  });

  it('writes every field of REQUEST_LOG_FIELDS where its key says', () => {
    const { out } = both({ ...RECORD, sliExcluded: 'maintenance' });
    const viaFastPath = out.lines[1] as Record<string, unknown>;
    expect(REQUEST_LOG_FIELDS.length).toBeGreaterThan(0);
    for (const field of REQUEST_LOG_FIELDS) {
      const value = field.key.reduce<unknown>(
        (at, key) => (at as Record<string, unknown>)?.[key],
        viaFastPath,
      );
      expect(value, field.key.join('.')).toBe(field.value({ ...RECORD, sliExcluded: 'maintenance' }));
    }
  });

  it('declines a request that ended in an exception: pino serializes the error', () => {
    const out = captureStream();
    const { requestLine } = createLogger({ serviceName: 'svc', stdout: out.stream });
    expect(requestLine({ ...RECORD, status: 500, error: new Error('boom') })).toBe(false);
    expect(out.lines).toHaveLength(0);
  });

  it('allows only top-level fields to be optional', () => {
    expect(() =>
      compileRequestLine([{ key: ['event', 'reason'], optional: true, value: () => undefined }]),
    ).toThrow(/event\.reason: only top-level fields can be optional/);
  });

  it('escapes what JSON must escape in paths, routes and tenants', () => {
    const record = {
      ...RECORD,
      path: '/api/samples/a"b\\c\u0001d/é/\ud800',
      route: '/files/*name',
      tenantId: 'lab "x"',
    };
    const { out } = both(record);
    const [viaPino, viaFastPath] = out.lines;
    expect(withoutTimestamp(viaFastPath)).toEqual(withoutTimestamp(viaPino));
    expect(viaFastPath).toMatchObject({ url: { path: record.path } });
  });

  it('leaves out trace ids it was not given, and writes nothing below the level', () => {
    const out = captureStream();
    const { requestLine, logger } = createLogger({ serviceName: 'svc', stdout: out.stream });
    expect(requestLine({ ...RECORD, traceId: undefined, spanId: undefined })).toBe(true);
    expect(out.lines[0]).not.toHaveProperty('trace.id');
    expect(out.lines[0]).not.toHaveProperty('span.id');
    logger.level = 'warn';
    expect(requestLine(RECORD)).toBe(true);
    expect(out.lines).toHaveLength(1);
  });

  it('carries bindings added to the logger later', () => {
    const out = captureStream();
    const { requestLine, logger } = createLogger({ serviceName: 'svc', stdout: out.stream });
    logger.setBindings({ region: 'eu-1' });
    requestLine(RECORD);
    expect(out.lines[0]).toMatchObject({ region: 'eu-1', 'service.name': 'svc' });
  });

  it('declines when redact paths are configured, so they keep applying to request lines', () => {
    const { out, fast } = both(RECORD, { redactPaths: ['url.path'] });
    expect(fast).toBe(false);
    expect(out.lines).toHaveLength(1);
    expect(out.lines[0]).toMatchObject({ url: { path: '[REDACTED]' } });
  });
});
