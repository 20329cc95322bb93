import { context, ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { METRICS } from '@tracseq/contract';
import { type ElasticsearchDouble, startElasticsearchDouble } from '@tracseq/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMetricsRegistry } from '../metrics/create-metrics-registry.js';
import { createLogger, type TelemetryLogger } from './create-logger.js';
import { captureStream } from './test-capture.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const SPAN_ID = '00f067aa0ba902b7';

describe('createLogger: lines on stdout', () => {
  it('writes one ECS JSON line per event with the ECS base fields', () => {
    const out = captureStream();
    const { logger } = createLogger({ serviceName: 'sample-service', stdout: out.stream });

    logger.info({ sample: { id: 'S-1' } }, 'sample received');
    logger.warn('freezer door open');
    logger.debug('not written at the default level');

    expect(out.lines).toHaveLength(2);
    const [first, second] = out.lines;
    expect(first).toMatchObject({
      'log.level': 'info',
      message: 'sample received',
      'service.name': 'sample-service',
      sample: { id: 'S-1' },
    });
    expect(first?.['ecs.version']).toMatch(/^\d+\.\d+\.\d+$/);
    expect(new Date(first?.['@timestamp'] as string).toISOString()).toBe(first?.['@timestamp']);
    // pino's own names must not leak next to the ECS ones.
    expect(first).not.toHaveProperty('msg');
    expect(first).not.toHaveProperty('level');
    expect(first).not.toHaveProperty('time');
    expect(second).toMatchObject({ 'log.level': 'warn', message: 'freezer door open' });
  });

  it('honours the level option and child bindings', () => {
    const out = captureStream();
    const { logger } = createLogger({ serviceName: 'svc', level: 'debug', stdout: out.stream });
    logger.trace('too fine');
    logger.child({ module: 'storage' }).debug('slot reserved');
    expect(out.lines).toHaveLength(1);
    expect(out.lines[0]).toMatchObject({ 'log.level': 'debug', message: 'slot reserved', module: 'storage' });
  });

  it('rejects an unknown level, naming the field, the value and the allowed levels', () => {
    expect(() => createLogger({ serviceName: 'svc', level: 'verbose' })).toThrow(
      'createLogger: level must be one of trace, debug, info, warn, error, fatal, silent (got "verbose")',
    );
  });

  it('rejects invalid Elasticsearch options with the field name', () => {
    const url = 'http://127.0.0.1:9200';
    expect(() => createLogger({ serviceName: 'svc', elasticsearch: { url: 'not a url' } })).toThrow(
      /elasticsearch\.url must be an absolute http\(s\) URL \(got "not a url"\)/,
    );
    expect(() => createLogger({ serviceName: 'svc', elasticsearch: { url, bufferBytes: -1 } })).toThrow(
      'createLogger: elasticsearch.bufferBytes must be a positive integer (got -1)',
    );
    expect(() => createLogger({ serviceName: 'svc', elasticsearch: { url, index: 'Logs-Upper' } })).toThrow(
      /elasticsearch\.index must be a lowercase/,
    );
    expect(() =>
      createLogger({ serviceName: 'svc', elasticsearch: { url, bufferBytes: 1000, flushBytes: 2000 } }),
    ).toThrow(/elasticsearch\.flushBytes must not exceed elasticsearch\.bufferBytes/);
    expect(() => createLogger({ serviceName: ' ' })).toThrow(/serviceName must be a non-empty string/);
  });

  it('writes the tenant as tracseq.tenant_id on every line, and survives a throwing callback', () => {
    const out = captureStream();
    let tenant: string | undefined = 'lab-north';
    const { logger } = createLogger({ serviceName: 'svc', stdout: out.stream, tenant: () => tenant });
    logger.info('one');
    tenant = undefined;
    logger.info('two');
    const throwing = createLogger({
      serviceName: 'svc',
      stdout: out.stream,
      tenant: () => {
        throw new Error('no request context');
      },
    });
    throwing.logger.info('three');

    expect(out.lines.map((line) => line['tracseq.tenant_id'])).toEqual(['lab-north', undefined, undefined]);
    expect(out.lines[2]).toMatchObject({ message: 'three' });
  });

  it('converts errors to ECS error fields', () => {
    const out = captureStream();
    const { logger } = createLogger({ serviceName: 'svc', stdout: out.stream });
    logger.error({ err: new TypeError('bad barcode') }, 'scan failed');
    expect(out.lines[0]).toMatchObject({
      'log.level': 'error',
      error: { type: 'TypeError', message: 'bad barcode' },
    });
  });
});

describe('createLogger: trace correlation', () => {
  const contextManager = new AsyncLocalStorageContextManager();

  beforeAll(() => {
    context.setGlobalContextManager(contextManager.enable());
  });

  afterAll(() => {
    contextManager.disable();
    context.disable();
  });

  const span = trace.wrapSpanContext({ traceId: TRACE_ID, spanId: SPAN_ID, traceFlags: TraceFlags.SAMPLED });

  it('adds trace.id and span.id inside an active span, also across awaits, and not outside', async () => {
    const out = captureStream();
    const { logger } = createLogger({ serviceName: 'svc', stdout: out.stream });

    await context.with(trace.setSpan(ROOT_CONTEXT, span), async () => {
      logger.info('inside');
      await new Promise((resolve) => setTimeout(resolve, 1));
      logger.child({ step: 'reserve' }).info('after await');
    });
    logger.info('outside');

    expect(out.lines).toHaveLength(3);
    for (const line of out.lines.slice(0, 2)) {
      expect(line).toMatchObject({ 'trace.id': TRACE_ID, 'span.id': SPAN_ID });
    }
    expect(out.lines[2]).not.toHaveProperty('trace.id');
    expect(out.lines[2]).not.toHaveProperty('span.id');
  });

  it('ignores an invalid span context', () => {
    const out = captureStream();
    const { logger } = createLogger({ serviceName: 'svc', stdout: out.stream });
    const invalid = trace.wrapSpanContext({ traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: 0 });
    context.with(trace.setSpan(ROOT_CONTEXT, invalid), () => logger.info('no ids'));
    expect(out.lines[0]).not.toHaveProperty('trace.id');
  });
});

describe('createLogger: redaction', () => {
  const secrets = {
    authorization: 'Bearer s3cr3t',
    cookie: 'session=abc',
    'set-cookie': 'session=def',
    'x-api-key': 'k-123',
    accept: 'application/json',
  };
  const redacted = {
    authorization: '[REDACTED]',
    cookie: '[REDACTED]',
    'set-cookie': '[REDACTED]',
    'x-api-key': '[REDACTED]',
    accept: 'application/json',
  };

  it('redacts the four sensitive headers wherever headers are logged, in any case, and configured paths', () => {
    const out = captureStream();
    const { logger } = createLogger({
      serviceName: 'svc',
      stdout: out.stream,
      redactPaths: ['patient.name', 'sample.*.donor'],
    });
    logger.info(
      {
        headers: secrets,
        req: { method: 'GET', headers: secrets },
        res: { statusCode: 200, headers: secrets },
        upstream: {
          headers: secrets,
          config: { headers: { Authorization: 'Basic dXNlcjpwdw==', Accept: 'a' } },
        },
        http: { request: { headers: secrets }, response: { headers: secrets } },
        'http.request.headers': secrets,
        'http.response.headers.set-cookie': 'session=ghi',
        patient: { name: 'Jane Doe', ward: 7 },
        sample: { tube1: { donor: 'John Roe', volume: 2 } },
      },
      'request served',
    );
    const line = out.lines[0];
    expect(line).toMatchObject({
      headers: redacted,
      req: { method: 'GET', headers: redacted },
      res: { statusCode: 200, headers: redacted },
      upstream: { headers: redacted, config: { headers: { Authorization: '[REDACTED]', Accept: 'a' } } },
      http: { request: { headers: redacted }, response: { headers: redacted } },
      'http.request.headers': redacted,
      'http.response.headers.set-cookie': '[REDACTED]',
      patient: { name: '[REDACTED]', ward: 7 },
      sample: { tube1: { donor: '[REDACTED]', volume: 2 } },
    });
    const raw = JSON.stringify(line);
    for (const secret of ['s3cr3t', 'session=', 'k-123', 'dXNlcjpw', 'Jane', 'John'])
      expect(raw).not.toContain(secret);
  });

  it('redacts headers produced by serializers (pino-http style), which run after formatters', () => {
    const out = captureStream();
    const { logger } = createLogger({ serviceName: 'svc', stdout: out.stream });
    const request = { method: 'POST', rawHeaders: secrets };
    logger
      .child(
        {},
        { serializers: { req: (req: typeof request) => ({ method: req.method, headers: req.rawHeaders }) } },
      )
      .info({ req: request }, 'request completed');
    expect(out.lines[0]).toMatchObject({ req: { method: 'POST', headers: redacted } });
    // The caller's objects are never modified.
    expect(request.rawHeaders.authorization).toBe('Bearer s3cr3t');
  });

  it('reports an invalid configured path as a redactPaths error', () => {
    expect(() => createLogger({ serviceName: 'svc', redactPaths: ['a..b'] })).toThrow(
      /redactPaths is invalid/,
    );
  });
});

describe('createLogger: Elasticsearch up', () => {
  let es: ElasticsearchDouble;
  let telemetry: TelemetryLogger | undefined;

  beforeAll(async () => {
    es = await startElasticsearchDouble();
  });

  afterEach(async () => {
    await telemetry?.close(1000);
    telemetry = undefined;
  });

  afterAll(async () => {
    await es.close();
  });

  it('ships every line to the data stream, counts it shipped and increments the contract counter', async () => {
    const before = es.documents.length;
    const metrics = createMetricsRegistry({ serviceName: 'sample-service', defaultMetrics: false });
    const out = captureStream();
    telemetry = createLogger({
      serviceName: 'sample-service',
      stdout: out.stream,
      tenant: () => 'lab-north',
      elasticsearch: { url: es.url, flushIntervalMs: 50 },
      logRecords: metrics.metrics.logRecords,
    });
    for (let i = 0; i < 100; i++) telemetry.logger.info({ seq: i, headers: { cookie: 'c=1' } }, `line ${i}`);

    // Arrives by itself after the flush interval, without flush().
    await es.waitForDocuments(before + 100, 10_000);
    await telemetry.close();

    const shipped = es.accepted.slice(before);
    expect(shipped.map((doc) => doc.index)).toEqual(new Array(100).fill('logs-tracseq-default'));
    expect(shipped.map((doc) => doc.document.seq)).toEqual([...Array(100).keys()]);
    expect(shipped[0]?.document).toMatchObject({
      message: 'line 0',
      'log.level': 'info',
      'service.name': 'sample-service',
      'tracseq.tenant_id': 'lab-north',
      headers: { cookie: '[REDACTED]' },
    });
    expect(shipped[0]?.document['@timestamp']).toEqual(expect.any(String));
    expect(out.count).toBe(100);
    expect(telemetry.stats()).toMatchObject({
      produced: 100,
      shipped: 100,
      dropped: 0,
      failed: 0,
      bufferedLines: 0,
    });

    const text = await metrics.registry.metrics();
    expect(text).toContain(
      `${METRICS.logRecords.name}{destination="elasticsearch",outcome="shipped",service="sample-service"} 100`,
    );
    expect(text).not.toContain('outcome="dropped"');
  });

  it('sends a batch as soon as flushBytes are buffered, and flush() waits for the answer', async () => {
    const before = es.documents.length;
    const out = captureStream({ keep: false });
    // A flush interval far beyond the test timeout: only the byte threshold or flush() can send.
    telemetry = createLogger({
      serviceName: 'svc',
      stdout: out.stream,
      elasticsearch: { url: es.url, flushIntervalMs: 600_000, flushBytes: 4096, index: 'logs-lab-test' },
    });
    for (let i = 0; i < 40; i++) telemetry.logger.info({ pad: 'x'.repeat(200) }, `bulk ${i}`);
    await es.waitForDocuments(before + 1, 5_000);

    telemetry.logger.info('the last one');
    await telemetry.flush(5_000);
    expect(es.documents.length - before).toBe(41);
    expect(es.accepted.at(-1)).toMatchObject({
      index: 'logs-lab-test',
      document: { message: 'the last one' },
    });
    expect(telemetry.stats()).toMatchObject({ produced: 41, shipped: 41, bufferedLines: 0 });
  });
});
