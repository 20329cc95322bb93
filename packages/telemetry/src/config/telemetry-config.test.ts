import { describe, expect, it } from 'vitest';
import { parseResourceAttributes, resolveTelemetryConfig } from './telemetry-config.js';

describe('resolveTelemetryConfig', () => {
  it('reads OTEL_* and TRACSEQ_* with documented defaults', () => {
    const config = resolveTelemetryConfig(
      {},
      {
        OTEL_SERVICE_NAME: 'storage-service',
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/',
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.25',
        OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=prod,team=lab%20platform',
        TRACSEQ_SERIES_LIMIT: '500',
      },
    );
    expect(config).toMatchObject({
      serviceName: 'storage-service',
      otlpTracesUrl: 'http://collector:4318/v1/traces',
      otlpProtocol: 'http/protobuf',
      sampler: 'parentbased_traceidratio',
      samplerArg: 0.25,
      resourceAttributes: { 'deployment.environment': 'prod', team: 'lab platform' },
      seriesLimit: 500,
      shutdownTimeoutMs: 5000,
      tenantHeader: 'x-tenant-id',
      logLevel: 'info',
      disabled: false,
    });
  });

  it('lets options win over the environment and the traces endpoint win over the base', () => {
    const config = resolveTelemetryConfig(
      { serviceName: 'a', logLevel: 'debug' },
      {
        OTEL_SERVICE_NAME: 'b',
        LOG_LEVEL: 'warn',
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://t.example/traces',
      },
    );
    expect(config).toMatchObject({
      serviceName: 'a',
      logLevel: 'debug',
      otlpTracesUrl: 'https://t.example/traces',
    });
  });

  it.each([
    [{}, {}, /serviceName \/ OTEL_SERVICE_NAME: "" is not valid; set the service name/],
    [
      { serviceName: 's' },
      { OTEL_TRACES_SAMPLER: 'sometimes' },
      /OTEL_TRACES_SAMPLER: "sometimes" is not valid; use one of always_on/,
    ],
    [
      { serviceName: 's' },
      { OTEL_TRACES_SAMPLER_ARG: '2' },
      /OTEL_TRACES_SAMPLER_ARG: "2" is not valid; use a ratio from 0 to 1/,
    ],
    [
      { serviceName: 's' },
      { OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' },
      /OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" is not valid; use http\/protobuf or http\/json/,
    ],
    [
      { serviceName: 's' },
      { OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' },
      /OTEL_EXPORTER_OTLP_ENDPOINT: "collector:4318" is not valid; use an http/,
    ],
    [{ serviceName: 's' }, { LOG_LEVEL: 'loud' }, /LOG_LEVEL: "loud" is not valid; use one of fatal/],
    [
      { serviceName: 's' },
      { TRACSEQ_LOG_BUFFER_BYTES: '-1' },
      /TRACSEQ_LOG_BUFFER_BYTES: "-1" is not valid; use a whole number above 0/,
    ],
    [
      { serviceName: 's' },
      { OTEL_SDK_DISABLED: 'maybe' },
      /OTEL_SDK_DISABLED: "maybe" is not valid; use true or false/,
    ],
    [
      { serviceName: 's' },
      { OTEL_RESOURCE_ATTRIBUTES: 'novalue' },
      /OTEL_RESOURCE_ATTRIBUTES: "novalue" is not valid/,
    ],
  ])('rejects bad config with the setting, value and what is allowed (%#)', (options, env, message) => {
    expect(() => resolveTelemetryConfig(options, env)).toThrow(message);
  });

  it('parses empty resource attributes', () => {
    expect(parseResourceAttributes(undefined)).toEqual({});
  });
});

describe('tenant allow-list', () => {
  it('is empty by default and read from TRACSEQ_TENANT_ALLOW_LIST, trimmed and deduplicated', () => {
    expect(resolveTelemetryConfig({ serviceName: 's' }, {}).tenantAllowList).toEqual([]);
    expect(
      resolveTelemetryConfig({ serviceName: 's' }, { TRACSEQ_TENANT_ALLOW_LIST: ' lab-a, lab_b.2 ,,lab-a ' })
        .tenantAllowList,
    ).toEqual(['lab-a', 'lab_b.2']);
    expect(
      resolveTelemetryConfig(
        { serviceName: 's', tenantAllowList: ['x'] },
        { TRACSEQ_TENANT_ALLOW_LIST: 'lab-a' },
      ).tenantAllowList,
    ).toEqual(['x']);
  });

  it('refuses entries the tenant header could never carry, naming the setting, value and rule', () => {
    expect(() =>
      resolveTelemetryConfig({ serviceName: 's' }, { TRACSEQ_TENANT_ALLOW_LIST: 'lab-a,lab b' }),
    ).toThrow(
      'TRACSEQ_TENANT_ALLOW_LIST: "lab b" is not valid; list tenant ids of 1-64 characters of A-Za-z0-9._-',
    );
    expect(() => resolveTelemetryConfig({ serviceName: 's', tenantAllowList: ['x'.repeat(65)] }, {})).toThrow(
      /^tenantAllowList: "x{65}" is not valid/,
    );
    expect(() => resolveTelemetryConfig({ serviceName: 's', tenantAllowList: [''] }, {})).toThrow(
      /tenantAllowList: "" is not valid/,
    );
    expect(() =>
      resolveTelemetryConfig({ serviceName: 's' }, { TRACSEQ_TENANT_ALLOW_LIST: 'other' }),
    ).toThrow(
      /TRACSEQ_TENANT_ALLOW_LIST: "other" is not valid; other is what tenants outside the list are recorded as/,
    );
  });
});
