/**
 * Defaults of the values several generators share. Each is set once: a command-line flag wins
 * over the lab settings, which win over these.
 */

/** Base URL of Grafana that alert `dashboard_url`s point at (the compose stack's). */
export const DEFAULT_GRAFANA_URL = 'http://localhost:3000';

/** Base URL of the runbooks, without a trailing slash (`<base>/slo/<name>`, `<base>/operational/<alert>`). */
export const DEFAULT_RUNBOOK_BASE_URL = 'https://runbooks.tracseq.dev';
