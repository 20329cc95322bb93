import { COMPOSITE_MODES, PRESETS, RECORDING_LABELS, RESERVED_LABELS, SPEC_VERSION } from './types.js';

const NAME = '^[a-z0-9]+(-[a-z0-9]+)*$';
const SLO_REF = '^[a-z0-9]+([-_][a-z0-9]+)*/[a-z0-9]+(-[a-z0-9]+)*$';
const DURATION = '^([0-9]+d)?([0-9]+h)?([0-9]+m)?([0-9]+s)?$';
const LABEL_NAME = '^[a-zA-Z_][a-zA-Z0-9_]*$';

const labels = {
  type: 'object',
  description: `Labels copied onto generated rules; ${[...RESERVED_LABELS, ...RECORDING_LABELS].join(', ')} are reserved.`,
  propertyNames: {
    pattern: LABEL_NAME,
    not: { enum: [...RESERVED_LABELS, ...RECORDING_LABELS] },
  },
  additionalProperties: { type: 'string' },
};

const annotations = {
  type: 'object',
  description: 'Annotations copied onto generated alerts; names follow the label name syntax.',
  propertyNames: { pattern: LABEL_NAME },
  additionalProperties: { type: 'string' },
};

const selector = {
  type: 'object',
  description: 'Label matchers (exact values) added to the SLI queries.',
  propertyNames: { pattern: LABEL_NAME },
  additionalProperties: { type: 'string' },
};

const windowPair = {
  type: 'object',
  additionalProperties: false,
  required: ['errorBudgetPercent', 'shortWindow', 'longWindow'],
  properties: {
    errorBudgetPercent: { type: 'number', exclusiveMinimum: 0, maximum: 100 },
    shortWindow: { type: 'string', pattern: DURATION },
    longWindow: { type: 'string', pattern: DURATION },
  },
};

const severity = {
  type: 'object',
  additionalProperties: false,
  properties: { enabled: { type: 'boolean' }, labels, annotations },
};

/**
 * JSON Schema (draft 2020-12) of the `tracseq.slo/v1` format. Editors validate a spec that
 * points `$schema` at the published copy; the validator uses this same object.
 */
export const SLO_SPEC_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://tracseq.dev/schemas/tracseq-slo-v1.schema.json',
  title: 'TracSeq SLO spec',
  description:
    'SLOs of one service; generates Prometheus recording rules, burn-rate alerts and promtool tests.',
  type: 'object',
  additionalProperties: false,
  required: ['version', 'service', 'slos'],
  properties: {
    $schema: { type: 'string' },
    version: { const: SPEC_VERSION },
    service: {
      type: 'string',
      pattern: '^[a-z0-9]+([-_][a-z0-9]+)*$',
      description: 'Value of the service label.',
    },
    labels,
    slos: {
      type: 'array',
      minItems: 1,
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'objective', 'sli'],
        properties: {
          name: { type: 'string', pattern: NAME, maxLength: 63, description: 'Unique per service.' },
          description: { type: 'string' },
          objective: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 100, description: 'Percent.' },
          period: { type: 'string', pattern: DURATION, description: 'SLO period, 1h to 90d; default 30d.' },
          labels,
          dependsOn: {
            type: 'array',
            description:
              "SLOs (<service>/<name>) this one depends on: their page mutes this SLO's burn alerts in Alertmanager.",
            items: { type: 'string', pattern: SLO_REF },
            uniqueItems: true,
          },
          sli: {
            type: 'object',
            minProperties: 1,
            oneOf: [
              {
                additionalProperties: false,
                required: ['preset'],
                properties: {
                  preset: { enum: [...PRESETS] },
                  selector,
                  thresholdSeconds: { type: 'number', exclusiveMinimum: 0 },
                },
              },
              {
                additionalProperties: false,
                required: ['events'],
                properties: {
                  events: {
                    type: 'object',
                    additionalProperties: false,
                    required: ['errorQuery', 'totalQuery'],
                    properties: { errorQuery: { type: 'string' }, totalQuery: { type: 'string' } },
                  },
                },
              },
              {
                additionalProperties: false,
                required: ['raw'],
                properties: {
                  raw: {
                    type: 'object',
                    additionalProperties: false,
                    required: ['errorRatioQuery'],
                    properties: { errorRatioQuery: { type: 'string' } },
                  },
                },
              },
              {
                additionalProperties: false,
                required: ['latency'],
                properties: {
                  latency: {
                    type: 'object',
                    additionalProperties: false,
                    required: ['metric', 'thresholdSeconds'],
                    properties: {
                      metric: { type: 'string' },
                      thresholdSeconds: { type: 'number', exclusiveMinimum: 0 },
                      selector,
                    },
                  },
                },
              },
              {
                additionalProperties: false,
                required: ['composite'],
                properties: {
                  composite: {
                    type: 'object',
                    additionalProperties: false,
                    required: ['mode', 'components'],
                    description:
                      "A journey over other SLOs: per window, serial 1 − Π(1 − eᵢ) or weighted Σ wᵢeᵢ / Σ wᵢ of the components' recorded error ratios.",
                    properties: {
                      mode: { enum: [...COMPOSITE_MODES] },
                      components: {
                        type: 'array',
                        minItems: 2,
                        items: {
                          type: 'object',
                          additionalProperties: false,
                          required: ['slo'],
                          properties: {
                            slo: { type: 'string', pattern: SLO_REF, description: '<service>/<name>' },
                            weight: { type: 'number', description: 'Weight in weighted mode, > 0.' },
                          },
                        },
                      },
                    },
                  },
                },
              },
            ],
          },
          alertWindows: {
            type: 'object',
            additionalProperties: false,
            required: ['page', 'ticket'],
            properties: {
              sloPeriod: { type: 'string', pattern: DURATION },
              page: {
                type: 'object',
                additionalProperties: false,
                required: ['quick', 'slow'],
                properties: { quick: windowPair, slow: windowPair },
              },
              ticket: {
                type: 'object',
                additionalProperties: false,
                required: ['quick', 'slow'],
                properties: { quick: windowPair, slow: windowPair },
              },
            },
          },
          alerting: {
            type: 'object',
            additionalProperties: false,
            properties: {
              runbookUrl: { type: 'string', pattern: '^https?://' },
              dashboardUrl: { type: 'string', pattern: '^https?://' },
              minEvents: {
                type: 'number',
                minimum: 1,
                description:
                  'A window pair alerts only when its long window holds at least this many events; SLIs with event counts only.',
              },
              labels,
              annotations,
              page: severity,
              ticket: severity,
            },
          },
          policy: {
            type: 'object',
            additionalProperties: false,
            required: ['minBudgetLeft'],
            description:
              'Error-budget policy: `tracseq-slo gate` fails and SloErrorBudgetLow fires while less than minBudgetLeft percent of the budget is left.',
            properties: {
              minBudgetLeft: { type: 'number', minimum: 0, exclusiveMaximum: 100, description: 'Percent.' },
            },
          },
        },
      },
    },
  },
} as const;
