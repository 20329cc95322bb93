/** `--prometheus URL`, the flag every verb that reads a live Prometheus takes. */
export const PROMETHEUS_FLAG = {
  type: 'string',
  value: 'URL',
  required: true,
  description: 'base URL of the Prometheus API',
} as const;
