import type { TelemetryConfig } from '../config/telemetry-config.js';
import { redactUrl } from '../logging/redact-url.js';

/** The start-up log line: ECS fields and message. */
export interface StartupSummary {
  readonly fields: Record<string, unknown>;
  readonly message: string;
}

/** How spans leave the process, as the start-up line names it. */
export type TraceExportMode = 'otlp' | 'none' | 'disabled' | 'injected';

/**
 * The effective configuration as one log line, so an operator reading a pod's first lines knows
 * where its spans and logs go and which limits apply. Nothing secret is in it: URLs lose user
 * names, passwords and query strings, the metrics token shows only whether one is required, and
 * collector headers (`OTEL_EXPORTER_OTLP_HEADERS`, often an auth token) are not read here at all.
 */
export function startupSummary(config: TelemetryConfig, traceExport: TraceExportMode): StartupSummary {
  const endpoint = redactUrl(config.otlpTracesUrl);
  const es = config.elasticsearchUrl === undefined ? undefined : redactUrl(config.elasticsearchUrl);
  const traces: Record<string, unknown> = { exporter: traceExport, sampler: config.sampler };
  if (config.samplerArg !== undefined) traces.sampler_arg = config.samplerArg;
  if (traceExport === 'otlp') Object.assign(traces, { endpoint, protocol: config.otlpProtocol });
  const fields: Record<string, unknown> = {
    tracseq: {
      config: {
        traces,
        logs: {
          level: config.logLevel,
          redact_paths: [...config.redactPaths],
          elasticsearch:
            es === undefined
              ? { enabled: false }
              : {
                  enabled: true,
                  url: es,
                  index: config.elasticsearchIndex,
                  buffer_bytes: config.logBufferBytes,
                },
        },
        metrics: {
          series_limit: config.seriesLimit,
          token_required: config.metricsToken !== undefined,
          tenant_label: config.tenantAllowList.length > 0,
        },
        tenants: { header: config.tenantHeader, allow_list: [...config.tenantAllowList] },
        shutdown: { timeout_ms: config.shutdownTimeoutMs, handle_signals: config.handleSignals },
        lab_settings: config.labSettingsPath ?? null,
      },
    },
  };
  // service.name is on every line already (a logger binding).
  if (config.serviceVersion !== undefined) fields.service = { version: config.serviceVersion };
  const traceText =
    traceExport === 'otlp'
      ? `traces over OTLP ${config.otlpProtocol} to ${endpoint} (sampler ${config.sampler}${config.samplerArg === undefined ? '' : ` ${config.samplerArg}`})`
      : traceExport === 'injected'
        ? `traces to an injected exporter (sampler ${config.sampler})`
        : `traces off (${traceExport === 'none' ? 'OTEL_TRACES_EXPORTER=none' : 'OTEL_SDK_DISABLED'})`;
  const logText = `logs at ${config.logLevel} to stdout${es === undefined ? '' : ` and Elasticsearch ${es} (${config.elasticsearchIndex})`}`;
  const metricText = `metrics on /metrics (${config.metricsToken === undefined ? 'open' : 'bearer token required'}, at most ${config.seriesLimit} label sets per metric)`;
  return {
    fields,
    message: `telemetry started: ${traceText}; ${logText}; ${metricText}; shutdown deadline ${config.shutdownTimeoutMs} ms`,
  };
}
