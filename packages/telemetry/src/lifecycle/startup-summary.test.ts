import { describe, expect, it } from 'vitest';
import { captureStream } from '../logging/test-capture.js';
import { startTelemetryWith } from '../start-telemetry.js';

const SECRETS = [
  'collector-user',
  'collector-pass',
  'es-user',
  'es-pass',
  'api_key',
  'xyz',
  'metrics-token-value',
];

describe('the start-up line', () => {
  it('states the effective configuration once, at info, without a secret', async () => {
    const out = captureStream();
    const telemetry = await startTelemetryWith(
      {
        serviceName: 'sample-service',
        serviceVersion: '1.4.2',
        otlpEndpoint: 'https://collector-user:collector-pass@otel.example:4318',
        otlpProtocol: 'http/json',
        sampler: 'parentbased_traceidratio',
        samplerArg: 0.25,
        elasticsearchUrl: 'https://es-user:es-pass@es.example:9200/?api_key=xyz',
        metricsToken: 'metrics-token-value',
        seriesLimit: 500,
        tenantAllowList: ['lab-a', 'lab-b'],
        redactPaths: ['patient.name'],
        shutdownTimeoutMs: 300,
        handleSignals: false,
      },
      { stdout: out.stream, env: {}, registerGlobal: false },
    );
    await telemetry.shutdown();
    const started = out.lines.filter((l) => String(l.message).startsWith('telemetry started'));
    expect(started).toHaveLength(1);
    expect(out.lines[0]).toBe(started[0]);
    expect(started[0]).toMatchObject({
      'log.level': 'info',
      'service.name': 'sample-service',
      service: { version: '1.4.2' },
      tracseq: {
        config: {
          traces: {
            exporter: 'otlp',
            endpoint: 'https://otel.example:4318/v1/traces',
            protocol: 'http/json',
            sampler: 'parentbased_traceidratio',
            sampler_arg: 0.25,
          },
          logs: {
            level: 'info',
            redact_paths: ['patient.name'],
            elasticsearch: { enabled: true, url: 'https://es.example:9200/', index: 'logs-tracseq-default' },
          },
          metrics: { series_limit: 500, token_required: true, tenant_label: true },
          tenants: { header: 'x-tenant-id', allow_list: ['lab-a', 'lab-b'] },
          shutdown: { timeout_ms: 300, handle_signals: false },
          lab_settings: null,
        },
      },
    });
    expect(started[0]?.message).toBe(
      'telemetry started: traces over OTLP http/json to https://otel.example:4318/v1/traces (sampler parentbased_traceidratio 0.25); logs at info to stdout and Elasticsearch https://es.example:9200/ (logs-tracseq-default); metrics on /metrics (bearer token required, at most 500 label sets per metric); shutdown deadline 300 ms',
    );
    const text = JSON.stringify(out.lines);
    for (const secret of SECRETS) expect(text).not.toContain(secret);
  });

  it('says when traces are off and Elasticsearch is not used', async () => {
    const out = captureStream();
    const telemetry = await startTelemetryWith(
      { serviceName: 'storage-service', tracesExporter: 'none', handleSignals: false },
      { stdout: out.stream, env: {}, registerGlobal: false },
    );
    await telemetry.shutdown();
    expect(out.lines[0]).toMatchObject({
      tracseq: { config: { traces: { exporter: 'none' }, logs: { elasticsearch: { enabled: false } } } },
      message: expect.stringContaining('traces off (OTEL_TRACES_EXPORTER=none); logs at info to stdout;'),
    });
    expect(out.lines[0]?.tracseq).not.toHaveProperty('config.traces.endpoint');
  });
});
