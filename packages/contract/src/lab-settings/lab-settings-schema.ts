/**
 * JSON Schema (2020-12) of the lab settings: the `laboratory_settings` key of the `lab-config`
 * ConfigMap. Published as `@tracseq/contract/lab-settings.schema.json`. `x-hint` holds the fix
 * an error message suggests for a field.
 */

import { CONCURRENCY_ALGORITHMS, FAILURE_KINDS } from '../breakers/breaker-policy.js';

const DURATION_PATTERN =
  '^(?=\\d)(\\d+(\\.\\d+)?d)?(\\d+(\\.\\d+)?h)?(\\d+(\\.\\d+)?m)?(\\d+(\\.\\d+)?s)?(\\d+(\\.\\d+)?ms)?$';
const NAME_PART_PATTERN = '^[^/]+$';
const NAME_PART_PROBLEM = 'is empty or contains "/"';

const duration = (description: string) => ({
  description,
  oneOf: [
    { type: 'string', pattern: DURATION_PATTERN },
    { type: 'number', minimum: 0 },
  ],
  'x-problem': 'is not a duration',
  'x-hint': 'use e.g. 500ms, 10s, 5m, 1h30m',
});

const wholeNumber = (description: string, example: number) => ({
  description,
  type: 'integer',
  minimum: 1,
  'x-hint': `a whole number >= 1, e.g. ${example}`,
});

const maintenanceWindowOfRule = {
  type: 'object',
  additionalProperties: false,
  description: 'One interval (window) or a recurring schedule (schedule + duration)',
  properties: {
    window: {
      type: 'string',
      description: 'RFC 3339 interval START/END, both with a zone (Z or an offset)',
      'x-hint': 'e.g. 2026-11-25T08:00:00Z/2026-11-25T12:00:00Z (start before end, zone required)',
    },
    schedule: {
      type: 'string',
      description:
        'RFC 5545 DTSTART (UTC with Z, or ;TZID=<IANA zone>) and RRULE lines; each occurrence lasts duration',
      'x-hint': 'e.g. "DTSTART;TZID=Europe/Berlin:20261201T060000\\nRRULE:FREQ=WEEKLY;BYDAY=TU"',
    },
    duration: duration('Length of each occurrence of schedule, e.g. 4h'),
    reason: { type: 'string', description: 'Why the instrument is down; shown in errors and silences' },
  },
};

const policyProperties = {
  timeout: duration('Abort a call after this long; 0 disables the timeout'),
  errorThreshold: {
    description: 'Failure ratio over the rolling window above which the breaker opens',
    type: 'number',
    exclusiveMinimum: 0,
    maximum: 1,
    'x-hint': 'a ratio in (0, 1], e.g. 0.5 for 50 %',
  },
  errorThresholds: {
    type: 'object',
    description:
      'Per failure kind, the ratio of its failures over the window above which the breaker opens (beside errorThreshold)',
    additionalProperties: false,
    properties: Object.fromEntries(
      FAILURE_KINDS.map((kind) => [
        kind,
        {
          type: 'number',
          exclusiveMinimum: 0,
          maximum: 1,
          'x-hint': `a ratio in (0, 1], e.g. ${kind}: 0.2`,
        },
      ]),
    ),
    'x-hint': `kinds: ${FAILURE_KINDS.join(', ')}, e.g. errorThresholds: { timeout: 0.2, server_error: 0.5 }`,
  },
  volumeThreshold: wholeNumber('Calls needed in the rolling window before the ratio is judged', 10),
  rollingWindow: duration('Length of the rolling window the failure ratio is computed over'),
  window: {
    type: 'object',
    description:
      'What the failure and slow-call rates are computed over: the last size of time (type time, as rollingWindow) or the last size calls (type count)',
    additionalProperties: false,
    required: ['type', 'size'],
    properties: {
      type: {
        enum: ['time', 'count'],
        'x-hint': 'time (size is a duration) or count (size is a number of calls)',
      },
      size: {
        oneOf: [
          { type: 'string', pattern: DURATION_PATTERN },
          { type: 'integer', minimum: 1 },
        ],
        'x-problem': 'is not a duration or a number of calls',
        'x-hint': 'a duration for type time (size: 30s), a whole number of calls for type count (size: 100)',
      },
    },
    'x-hint': 'e.g. window: { type: count, size: 100 } or window: { type: time, size: 30s }',
  },
  resetTimeout: duration('Time open before half-open trials are allowed'),
  halfOpenTrials: wholeNumber('Trial calls admitted while half-open; all must succeed to close', 1),
  capacity: wholeNumber('Calls in flight at once; more are rejected, not counted as failures', 100),
  critical: { type: 'boolean', description: 'An open breaker fails readiness (never during maintenance)' },
  enabled: { type: 'boolean', description: 'false passes every call straight through (state disabled)' },
  maintenance: {
    type: 'array',
    description: "The rule's own maintenance windows: the breaker is forced open during them",
    items: maintenanceWindowOfRule,
  },
  openAlertAfter: duration('A critical breaker open longer than this raises TracseqCircuitBreakerStuckOpen'),
  slowCallDuration: duration(
    'A call that succeeds but takes longer than this counts as slow (outcome slow); 0 counts none',
  ),
  slowCallRateThreshold: {
    description:
      'Slow-call ratio over the rolling window at which the breaker opens (needs slowCallDuration)',
    type: 'number',
    exclusiveMinimum: 0,
    maximum: 1,
    'x-hint': 'a ratio in (0, 1], e.g. slowCallRateThreshold: 0.5 to open when half the calls are slow',
  },
  concurrency: {
    type: 'object',
    description:
      'Adaptive concurrency limit: calls in flight beyond it are rejected fast (outcome rejected, never a failure); the limit follows measured latency between min and max (capacity stays the hard ceiling)',
    additionalProperties: false,
    required: ['adaptive'],
    properties: {
      adaptive: {
        enum: [...CONCURRENCY_ALGORITHMS],
        'x-hint': `one of ${CONCURRENCY_ALGORITHMS.join(', ')} (Netflix concurrency-limits), e.g. adaptive: gradient2`,
      },
      min: wholeNumber('Lowest the limit goes (default 1)', 1),
      max: wholeNumber("Highest the limit goes (default the policy's capacity)", 20),
      initial: wholeNumber('Limit before any latency was measured (default 10, kept within min..max)', 4),
    },
    'x-hint': 'e.g. concurrency: { adaptive: vegas, min: 1, max: 20, initial: 4 }',
  },
} as const;

/** Fields a breaker policy (defaults or a rule) may set. */
export const BREAKER_POLICY_FIELDS = Object.keys(policyProperties);

/** The published JSON Schema of the lab settings. */
export const LAB_SETTINGS_SCHEMA = {
  $schema: 'https://json-schema.org/draft/2020-12/schema',
  $id: 'https://tracseq.dev/schemas/lab-settings.schema.json',
  title: 'TracSeq lab settings',
  description:
    'The laboratory_settings key of the lab-config ConfigMap: the one configuration of a lab, read by telemetry, breakers, on-call alerts, dashboards and deploy generation.',
  type: 'object',
  additionalProperties: false,
  required: ['lab'],
  properties: {
    lab: {
      type: 'string',
      description: 'Name of the lab; names generated files and alert labels',
      pattern: '^[A-Za-z0-9._-]+$',
      'x-problem': 'cannot name generated files and alert labels',
      'x-hint': 'use letters, digits, ".", "_" or "-", e.g. lab: lab-a',
    },
    storage_zones: {
      type: 'array',
      description: 'Storage zones of the lab',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['name', 'temperature', 'capacity'],
        properties: {
          name: {
            type: 'string',
            pattern: '^[a-z0-9_]+$',
            'x-problem': 'is not a zone name',
            'x-hint': 'lower-case letters, digits and _, e.g. freezer_minus_80',
          },
          temperature: {
            type: 'number',
            description: 'Target temperature, °C',
            'x-hint': 'a number of °C, e.g. -80',
          },
          capacity: wholeNumber('Slots the zone holds', 1000),
          temperature_margin: {
            type: 'number',
            exclusiveMinimum: 0,
            description: 'Overrides the temperature alert margin (°C) for this zone',
            'x-hint': 'a positive number of °C, e.g. temperature_margin: 5',
          },
          temperature_for: {
            type: 'string',
            pattern: '^(?=\\d)(\\d+d)?(\\d+h)?(\\d+m)?(\\d+s)?$',
            'x-problem': 'is not a duration of whole d, h, m, s',
            description: 'Overrides how long the temperature must be off before the alert fires',
            'x-hint': 'a duration such as temperature_for: 10m',
          },
        },
      },
    },
    allow_lists: {
      type: 'object',
      description: 'Allowed values per bounded metric label (sample_types, stages, error_reasons, ...)',
      additionalProperties: {
        type: 'array',
        items: { type: 'string' },
        'x-hint': 'a list of strings, e.g. [blood, saliva]',
      },
    },
    maintenance_windows: {
      type: 'array',
      description: 'Planned maintenance: every breaker of the instrument is forced open, alerts silenced',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['instrument'],
        description: 'One interval (window) or a recurring schedule (schedule + duration)',
        properties: {
          instrument: {
            type: 'string',
            pattern: NAME_PART_PATTERN,
            'x-problem': NAME_PART_PROBLEM,
            'x-hint': 'name the instrument without "/", e.g. sequencer-1',
          },
          lab: {
            type: 'string',
            pattern: NAME_PART_PATTERN,
            'x-problem': NAME_PART_PROBLEM,
            'x-hint': 'a lab name without "/", e.g. lab-a',
          },
          ...maintenanceWindowOfRule.properties,
        },
      },
    },
    breakers: {
      type: 'object',
      description: 'Circuit-breaker policies: defaults and rules keyed by lab / instrument / operation',
      additionalProperties: false,
      properties: {
        defaults: { type: 'object', additionalProperties: false, properties: policyProperties },
        rules: {
          type: 'array',
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['match'],
            properties: {
              match: {
                type: 'object',
                additionalProperties: false,
                minProperties: 1,
                properties: {
                  lab: { type: 'string', pattern: NAME_PART_PATTERN, 'x-problem': NAME_PART_PROBLEM },
                  instrument: { type: 'string', pattern: NAME_PART_PATTERN, 'x-problem': NAME_PART_PROBLEM },
                  operation: { type: 'string', pattern: NAME_PART_PATTERN, 'x-problem': NAME_PART_PROBLEM },
                },
                'x-hint': 'add match: {lab, instrument, operation} (any of them, no "/")',
              },
              ...policyProperties,
            },
          },
        },
      },
    },
    grafana_url: {
      type: 'string',
      pattern: '^https?://',
      'x-problem': 'is not an http(s) URL',
      description: "Base URL of the lab's Grafana, for alert dashboard_url links",
      'x-hint': 'e.g. grafana_url: https://grafana.lab-a.example',
    },
    runbook_base_url: {
      type: 'string',
      pattern: '^https?://',
      'x-problem': 'is not an http(s) URL',
      description:
        'Base URL of the runbooks; alerts link to <base>/slo/<name> and <base>/operational/<alert>',
      'x-hint': 'e.g. runbook_base_url: https://runbooks.tracseq.dev',
    },
    dashboard_uid_prefix: {
      type: 'string',
      pattern: '^[a-z0-9-]*$',
      'x-problem': 'is not a dashboard uid prefix',
      description: 'Prefix of every generated dashboard uid (tracseq- gives tracseq-slo-overview)',
      'x-hint': 'lower-case letters, digits and dashes, e.g. lab-a-',
    },
  },
} as const;
