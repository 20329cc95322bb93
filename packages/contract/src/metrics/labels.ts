import type { LabelDefinition } from './types.js';

/** Label carried by every TracSeq series: the service name (`OTEL_SERVICE_NAME` or options). */
export const SERVICE_LABEL = 'service';

/** Value recorded for an allow-listed label whose value is not on the allow-list. */
export const OTHER_LABEL_VALUE = 'other';

/** `http_route` of requests that matched no route: a fixed value keeps path floods bounded. */
export const UNMATCHED_ROUTE = 'unmatched';

/** `http_request_method` of methods outside {@link HTTP_METHODS} (OTel semantic conventions). */
export const OTHER_HTTP_METHOD = '_OTHER';

/** HTTP methods recorded as-is (OTel semantic conventions' known methods). */
export const HTTP_METHODS = [
  'CONNECT',
  'DELETE',
  'GET',
  'HEAD',
  'OPTIONS',
  'PATCH',
  'POST',
  'PUT',
  'QUERY',
  'TRACE',
] as const;

/** Outcomes of sample processing; anything but `success` spends the data-quality budget. */
export const SAMPLE_OUTCOMES = ['success', 'failed', 'rejected'] as const;

/** Circuit-breaker states, one gauge series each (resilience4j style). */
export const BREAKER_STATES = ['closed', 'open', 'half_open', 'forced_open', 'disabled'] as const;

/** Outcome of one breaker call; every call increments exactly one. */
export const BREAKER_OUTCOMES = [
  'success',
  'failure',
  'timeout',
  'ignored',
  'rejected',
  'fallback',
  'slow',
] as const;

/** Outcomes of saga workflow steps. */
export const WORKFLOW_STEP_OUTCOMES = ['success', 'failure', 'compensated'] as const;

/** Log shipping outcomes: produced = shipped + dropped + failed once shut down. */
export const LOG_RECORD_OUTCOMES = ['shipped', 'dropped', 'failed'] as const;

/**
 * Why spans never reached the collector: the export queue was full, the collector refused them
 * or could not be reached (after retries), or the process shut down before they were sent.
 */
export const SPAN_DROP_REASONS = ['queue_full', 'export_failed', 'shutdown'] as const;

/** A reason of {@link SPAN_DROP_REASONS}. */
export type SpanDropReason = (typeof SPAN_DROP_REASONS)[number];

/**
 * Why a request was left out of the HTTP SLIs (see `excludeFromSlis`): fixed by the contract so
 * `reason` stays bounded.
 */
export const SLI_EXCLUSION_REASONS = ['maintenance'] as const;

/** A reason of {@link SLI_EXCLUSION_REASONS}. */
export type SliExclusionReason = (typeof SLI_EXCLUSION_REASONS)[number];

/** Log shipping destinations. */
export const LOG_DESTINATIONS = ['elasticsearch'] as const;

/** `http_request_method`: normalised request method. */
export const httpRequestMethodLabel: LabelDefinition = {
  name: 'http_request_method',
  description: `HTTP method; methods outside the known set are recorded as ${OTHER_HTTP_METHOD}`,
  values: [...HTTP_METHODS, OTHER_HTTP_METHOD],
};

/** `http_route`: the matched route template. */
export const httpRouteLabel: LabelDefinition = {
  name: 'http_route',
  description: `Route template including mounted router prefixes (/api/samples/:id); ${UNMATCHED_ROUTE} when no route matched`,
  boundedBy: 'route templates declared by the application',
};

/** `http_response_status_code`: the numeric status code. */
export const httpResponseStatusCodeLabel: LabelDefinition = {
  name: 'http_response_status_code',
  description:
    'HTTP response status code; a request past the series cap is recorded under its status class (1xx to 5xx)',
  boundedBy: 'status codes 100-599 and the classes 1xx-5xx',
};

/**
 * A tenant id as the tenant header may carry it and `TRACSEQ_TENANT_ALLOW_LIST` may list it:
 * 1-64 characters of `A-Za-z0-9._-`.
 */
export const TENANT_ID_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/** `tracseq_tenant`: the tenant, only on the HTTP metrics and only with a tenant allow-list. */
export const tenantLabel: LabelDefinition = {
  name: 'tracseq_tenant',
  description: `Tenant from the tenant header when it is on the tenant allow-list, ${OTHER_LABEL_VALUE} otherwise (no tenant included); absent unless TRACSEQ_TENANT_ALLOW_LIST is set`,
  boundedBy: `TRACSEQ_TENANT_ALLOW_LIST (tenantAllowList) plus ${OTHER_LABEL_VALUE}`,
  optional: true,
};

/** `lab`: the laboratory, allow-listed in the lab settings. */
export const labLabel: LabelDefinition = {
  name: 'lab',
  description: 'Laboratory',
  allowList: 'labs',
};

/** `sample_type`: e.g. blood, saliva, tissue. */
export const sampleTypeLabel: LabelDefinition = {
  name: 'sample_type',
  description: 'Sample type',
  allowList: 'sample_types',
};

/** `zone`: a storage zone named in the lab settings' `storage_zones`. */
export const zoneLabel: LabelDefinition = {
  name: 'zone',
  description: 'Storage zone',
  allowList: 'storage_zones',
};

/** `breaker`: `<lab>/<instrument>/<operation>` of a configured policy. */
export const breakerLabel: LabelDefinition = {
  name: 'breaker',
  description: 'Circuit breaker name <lab>/<instrument>/<operation> (* for an unset part)',
  boundedBy: 'breaker policies in the lab settings',
};

/** `workflow`: saga workflow name. */
export const workflowLabel: LabelDefinition = {
  name: 'workflow',
  description: 'Saga workflow',
  allowList: 'workflows',
};

/** `step`: saga workflow step name. */
export const stepLabel: LabelDefinition = {
  name: 'step',
  description: 'Saga workflow step',
  allowList: 'workflow_steps',
};
