import { isSpanContextValid, trace } from '@opentelemetry/api';

/** ECS field of the trace id (dotted, as `@elastic/ecs-pino-format` writes its own fields). */
export const TRACE_ID_FIELD = 'trace.id';
/** ECS field of the span id. */
export const SPAN_ID_FIELD = 'span.id';
/** Field of the tenant, in the `tracseq` namespace (ECS has no tenant field). */
export const TENANT_ID_FIELD = 'tracseq.tenant_id';

/**
 * Builds the pino `mixin` that adds, to every line, the active OpenTelemetry span's `trace.id`
 * and `span.id` and the tenant from `tenant()`. ecs-pino-format only correlates with the Elastic
 * APM agent, so OpenTelemetry correlation is done here. A throwing tenant callback is ignored:
 * logging must not fail because of it.
 */
export function createLogContextMixin(tenant?: () => string | undefined): () => Record<string, string> {
  return () => {
    // A fresh object each time: pino merges the log call's fields into it.
    const fields: Record<string, string> = {};
    const spanContext = trace.getActiveSpan()?.spanContext();
    if (spanContext !== undefined && isSpanContextValid(spanContext)) {
      fields[TRACE_ID_FIELD] = spanContext.traceId;
      fields[SPAN_ID_FIELD] = spanContext.spanId;
    }
    if (tenant !== undefined) {
      let tenantId: string | undefined;
      try {
        tenantId = tenant();
      } catch {
        tenantId = undefined;
      }
      if (typeof tenantId === 'string' && tenantId !== '') fields[TENANT_ID_FIELD] = tenantId;
    }
    return fields;
  };
}
