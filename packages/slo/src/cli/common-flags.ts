import type { FlagSpec } from './command.js';

/** `--out DIR` of the verbs that read or write generated files. */
export const OUT_FLAG: Readonly<Record<string, FlagSpec>> = {
  out: {
    type: 'string',
    value: 'DIR',
    description:
      'output directory (default: the parent of the first PATH, e.g. prometheus/ for prometheus/slos)',
  },
};

/** Flags of `generate` and `check`: what is generated and from which inputs. */
export const GENERATION_FLAGS: Readonly<Record<string, FlagSpec>> = {
  ...OUT_FLAG,
  alertmanager: {
    type: 'string',
    value: 'FILE',
    description: 'also the Alertmanager config (page, ticket, watchdog)',
  },
  'lab-settings': {
    type: 'string',
    value: 'FILE',
    description:
      'lab settings YAML: also the on-call alerts (storage, freezers, breakers, targets, telemetry, Watchdog)',
  },
  'argo-rollouts': {
    type: 'boolean',
    description:
      'also an Argo Rollouts AnalysisTemplate per service (k8s/<service>.analysistemplate.yml): canary analysis from the SLIs; kept once generated',
  },
  'grafana-url': {
    type: 'string',
    value: 'URL',
    description:
      'Grafana base URL of the alerts dashboard_url (default: lab settings, else http://localhost:3000)',
  },
  'runbook-url': {
    type: 'string',
    value: 'URL',
    description:
      'base URL of the on-call alerts runbook_url (default: lab settings, else https://runbooks.tracseq.dev/)',
  },
  'split-groups': {
    type: 'boolean',
    description:
      'per SLO, evaluate the long windows (ticket long windows, the period) in a second, slower rule group',
  },
  'slow-interval': {
    type: 'string',
    value: 'DURATION',
    description: 'interval of the slow groups, under 5m (default 2m; implies --split-groups)',
  },
  'no-split-groups': {
    type: 'boolean',
    description: 'one rule group per SLO, even where the outputs recorded --slow-interval',
  },
};

/** Flags every verb takes. */
export const COMMON_FLAGS: Readonly<Record<string, FlagSpec>> = {
  json: {
    type: 'boolean',
    description:
      'machine-readable result on stdout: {ok, errors: [{file, line, column, path, message, hint}], ...}',
  },
  debug: { type: 'boolean', description: 'print the stack trace of unexpected errors' },
  help: { type: 'boolean', description: 'print this help' },
};
