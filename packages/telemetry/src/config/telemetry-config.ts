import { OTHER_LABEL_VALUE, TENANT_ID_PATTERN } from '@tracseq/contract';
import { DEFAULT_SERIES_LIMIT } from '../metrics/series-limiter.js';
import { SAMPLER_NAMES, type SamplerName } from '../tracing/tracing-options.js';

/** Options of `startTelemetry`; each falls back to its environment variable, then a default. */
export interface TelemetryOptions {
  /** `OTEL_SERVICE_NAME`; required. */
  readonly serviceName?: string;
  readonly serviceVersion?: string;
  /** `OTEL_EXPORTER_OTLP_ENDPOINT` (default `http://localhost:4318`). */
  readonly otlpEndpoint?: string;
  /** `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`: full URL of the traces endpoint. */
  readonly otlpTracesEndpoint?: string;
  /** `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL` / `OTEL_EXPORTER_OTLP_PROTOCOL` (default `http/protobuf`). */
  readonly otlpProtocol?: 'http/protobuf' | 'http/json';
  /** `OTEL_TRACES_EXPORTER`: `otlp` (default) or `none`. */
  readonly tracesExporter?: 'otlp' | 'none';
  /** `OTEL_TRACES_SAMPLER` (default `parentbased_always_on`). */
  readonly sampler?: SamplerName;
  /** `OTEL_TRACES_SAMPLER_ARG`: ratio for the ratio samplers. */
  readonly samplerArg?: number;
  /** `OTEL_SDK_DISABLED`: no tracing at all. */
  readonly disabled?: boolean;
  /** `OTEL_RESOURCE_ATTRIBUTES` (`k=v,k2=v2`), merged under these. */
  readonly resourceAttributes?: Readonly<Record<string, string>>;
  /** `LOG_LEVEL` (default `info`). */
  readonly logLevel?: string;
  /** `TRACSEQ_ELASTICSEARCH_URL`: ship logs there too (off when unset). */
  readonly elasticsearchUrl?: string;
  /** `TRACSEQ_ELASTICSEARCH_INDEX` (default `logs-tracseq-default`, a data stream). */
  readonly elasticsearchIndex?: string;
  /** `TRACSEQ_LOG_BUFFER_BYTES`: byte cap of the Elasticsearch queue (default 8 MiB). */
  readonly logBufferBytes?: number;
  /** `TRACSEQ_SERIES_LIMIT`: label sets per metric (default 2000). */
  readonly seriesLimit?: number;
  /** `TRACSEQ_METRICS_TOKEN`: bearer token `/metrics` requires (open when unset). */
  readonly metricsToken?: string;
  /** `TRACSEQ_SHUTDOWN_TIMEOUT_MS`: deadline for draining and flushing (default 5000). */
  readonly shutdownTimeoutMs?: number;
  /** `TRACSEQ_TENANT_HEADER`: request header naming the tenant (default `x-tenant-id`). */
  readonly tenantHeader?: string;
  /**
   * `TRACSEQ_TENANT_ALLOW_LIST` (comma-separated): tenants recorded as the `tracseq_tenant` label
   * of the HTTP metrics, any other (or no) tenant as `other`. Empty (the default): no tenant label.
   */
  readonly tenantAllowList?: readonly string[];
  /** `TRACSEQ_LAB_SETTINGS`: path of the lab settings YAML. */
  readonly labSettingsPath?: string;
  /** Extra log redaction paths. */
  readonly redactPaths?: readonly string[];
  /** Handle SIGTERM/SIGINT (default true). */
  readonly handleSignals?: boolean;
}

/** OTel sampler names this toolkit supports (the tracing module's list). */
export const SAMPLERS = SAMPLER_NAMES;

/** Fully resolved configuration. */
export interface TelemetryConfig {
  readonly serviceName: string;
  readonly serviceVersion: string | undefined;
  readonly otlpTracesUrl: string;
  readonly otlpProtocol: 'http/protobuf' | 'http/json';
  readonly tracesExporter: 'otlp' | 'none';
  readonly sampler: SamplerName;
  readonly samplerArg: number | undefined;
  readonly disabled: boolean;
  readonly resourceAttributes: Readonly<Record<string, string>>;
  readonly logLevel: string;
  readonly elasticsearchUrl: string | undefined;
  readonly elasticsearchIndex: string;
  readonly logBufferBytes: number;
  readonly seriesLimit: number;
  readonly metricsToken: string | undefined;
  readonly shutdownTimeoutMs: number;
  readonly tenantHeader: string;
  /** Tenants that become `tracseq_tenant` label values; empty means no tenant label. */
  readonly tenantAllowList: readonly string[];
  readonly labSettingsPath: string | undefined;
  readonly redactPaths: readonly string[];
  readonly handleSignals: boolean;
}

/** A configuration value that cannot work, with the setting, the value and what is allowed. */
export class TelemetryConfigError extends Error {
  constructor(setting: string, value: unknown, allowed: string) {
    super(`${setting}: ${JSON.stringify(value)} is not valid; ${allowed}`);
    this.name = 'TelemetryConfigError';
  }
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function positiveInt(setting: string, value: number | string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = typeof value === 'number' ? value : Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new TelemetryConfigError(setting, value, 'use a whole number above 0');
  return n;
}

function url(setting: string, value: string): string {
  try {
    const parsed = new URL(value);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('scheme');
    return value;
  } catch {
    throw new TelemetryConfigError(setting, value, 'use an http:// or https:// URL');
  }
}

function tenantAllowList(option: readonly string[] | undefined, env: string | undefined): string[] {
  const setting = option === undefined ? 'TRACSEQ_TENANT_ALLOW_LIST' : 'tenantAllowList';
  const entries =
    option ??
    (env ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => entry !== '');
  for (const entry of entries) {
    if (typeof entry !== 'string' || !TENANT_ID_PATTERN.test(entry)) {
      throw new TelemetryConfigError(
        setting,
        entry,
        'list tenant ids of 1-64 characters of A-Za-z0-9._- (the tenant header rule), separated by commas',
      );
    }
    if (entry === OTHER_LABEL_VALUE) {
      throw new TelemetryConfigError(
        setting,
        entry,
        `${OTHER_LABEL_VALUE} is what tenants outside the list are recorded as; rename or drop it`,
      );
    }
  }
  return [...new Set(entries)];
}

/** Parses `OTEL_RESOURCE_ATTRIBUTES`: `key=value` pairs separated by commas, values percent-encoded. */
export function parseResourceAttributes(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const pair of (text ?? '').split(',')) {
    if (pair.trim() === '') continue;
    const eq = pair.indexOf('=');
    if (eq <= 0)
      throw new TelemetryConfigError(
        'OTEL_RESOURCE_ATTRIBUTES',
        pair,
        'use key=value pairs separated by commas',
      );
    out[decodeURIComponent(pair.slice(0, eq).trim())] = decodeURIComponent(pair.slice(eq + 1).trim());
  }
  return out;
}

/**
 * Merges options over the environment over defaults and validates the result. Throws
 * {@link TelemetryConfigError} naming the setting, the value and what is allowed.
 */
export function resolveTelemetryConfig(
  options: TelemetryOptions = {},
  env: NodeJS.ProcessEnv = process.env,
): TelemetryConfig {
  const serviceName = nonEmpty(options.serviceName) ?? nonEmpty(env.OTEL_SERVICE_NAME);
  if (!serviceName) {
    throw new TelemetryConfigError(
      'serviceName / OTEL_SERVICE_NAME',
      serviceName ?? '',
      'set the service name, e.g. sample-service',
    );
  }
  const protocol =
    options.otlpProtocol ??
    nonEmpty(env.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL) ??
    nonEmpty(env.OTEL_EXPORTER_OTLP_PROTOCOL) ??
    'http/protobuf';
  if (protocol !== 'http/protobuf' && protocol !== 'http/json') {
    throw new TelemetryConfigError(
      'OTEL_EXPORTER_OTLP_PROTOCOL',
      protocol,
      'use http/protobuf or http/json (grpc is not bundled; send OTLP/HTTP to the Collector)',
    );
  }
  const tracesEndpoint = options.otlpTracesEndpoint ?? nonEmpty(env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT);
  const base = options.otlpEndpoint ?? nonEmpty(env.OTEL_EXPORTER_OTLP_ENDPOINT) ?? 'http://localhost:4318';
  const otlpTracesUrl = tracesEndpoint
    ? url('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT', tracesEndpoint)
    : `${url('OTEL_EXPORTER_OTLP_ENDPOINT', base).replace(/\/$/, '')}/v1/traces`;
  const exporter = options.tracesExporter ?? nonEmpty(env.OTEL_TRACES_EXPORTER) ?? 'otlp';
  if (exporter !== 'otlp' && exporter !== 'none')
    throw new TelemetryConfigError('OTEL_TRACES_EXPORTER', exporter, 'use otlp or none');
  const sampler = options.sampler ?? nonEmpty(env.OTEL_TRACES_SAMPLER) ?? 'parentbased_always_on';
  if (!(SAMPLERS as readonly string[]).includes(sampler)) {
    throw new TelemetryConfigError('OTEL_TRACES_SAMPLER', sampler, `use one of ${SAMPLERS.join(', ')}`);
  }
  const rawArg = options.samplerArg ?? nonEmpty(env.OTEL_TRACES_SAMPLER_ARG);
  const samplerArg = rawArg === undefined ? undefined : Number(rawArg);
  if (samplerArg !== undefined && (!Number.isFinite(samplerArg) || samplerArg < 0 || samplerArg > 1)) {
    throw new TelemetryConfigError('OTEL_TRACES_SAMPLER_ARG', rawArg, 'use a ratio from 0 to 1');
  }
  const disabledRaw = options.disabled ?? nonEmpty(env.OTEL_SDK_DISABLED)?.toLowerCase();
  if (
    disabledRaw !== undefined &&
    typeof disabledRaw !== 'boolean' &&
    disabledRaw !== 'true' &&
    disabledRaw !== 'false'
  ) {
    throw new TelemetryConfigError('OTEL_SDK_DISABLED', disabledRaw, 'use true or false');
  }
  const logLevel = options.logLevel ?? nonEmpty(env.LOG_LEVEL)?.toLowerCase() ?? 'info';
  if (!LOG_LEVELS.includes(logLevel))
    throw new TelemetryConfigError('LOG_LEVEL', logLevel, `use one of ${LOG_LEVELS.join(', ')}`);
  const esUrl = options.elasticsearchUrl ?? nonEmpty(env.TRACSEQ_ELASTICSEARCH_URL);
  const tenantHeader = (
    options.tenantHeader ??
    nonEmpty(env.TRACSEQ_TENANT_HEADER) ??
    'x-tenant-id'
  ).toLowerCase();
  if (!/^[a-z0-9-]+$/.test(tenantHeader)) {
    throw new TelemetryConfigError(
      'TRACSEQ_TENANT_HEADER',
      tenantHeader,
      'use a header name of letters, digits and dashes',
    );
  }
  return {
    serviceName,
    serviceVersion: options.serviceVersion ?? nonEmpty(env.OTEL_SERVICE_VERSION),
    otlpTracesUrl,
    otlpProtocol: protocol,
    tracesExporter: exporter,
    sampler: sampler as SamplerName,
    samplerArg,
    disabled: disabledRaw === true || disabledRaw === 'true',
    resourceAttributes: {
      ...parseResourceAttributes(env.OTEL_RESOURCE_ATTRIBUTES),
      ...(options.resourceAttributes ?? {}),
    },
    logLevel,
    elasticsearchUrl: esUrl === undefined ? undefined : url('TRACSEQ_ELASTICSEARCH_URL', esUrl),
    elasticsearchIndex:
      options.elasticsearchIndex ?? nonEmpty(env.TRACSEQ_ELASTICSEARCH_INDEX) ?? 'logs-tracseq-default',
    logBufferBytes: positiveInt(
      'TRACSEQ_LOG_BUFFER_BYTES',
      options.logBufferBytes ?? env.TRACSEQ_LOG_BUFFER_BYTES,
      8 * 1024 * 1024,
    ),
    seriesLimit: positiveInt(
      'TRACSEQ_SERIES_LIMIT',
      options.seriesLimit ?? env.TRACSEQ_SERIES_LIMIT,
      DEFAULT_SERIES_LIMIT,
    ),
    metricsToken: options.metricsToken ?? nonEmpty(env.TRACSEQ_METRICS_TOKEN),
    shutdownTimeoutMs: positiveInt(
      'TRACSEQ_SHUTDOWN_TIMEOUT_MS',
      options.shutdownTimeoutMs ?? env.TRACSEQ_SHUTDOWN_TIMEOUT_MS,
      5_000,
    ),
    tenantHeader,
    tenantAllowList: tenantAllowList(options.tenantAllowList, env.TRACSEQ_TENANT_ALLOW_LIST),
    labSettingsPath: options.labSettingsPath ?? nonEmpty(env.TRACSEQ_LAB_SETTINGS),
    redactPaths: options.redactPaths ?? [],
    handleSignals: options.handleSignals ?? true,
  };
}
