/** Options of {@link buildAlertmanagerConfig}. */
export interface AlertmanagerConfigOptions {
  /** Webhook URL of the `page` receiver (swap in PagerDuty in production). */
  readonly pageWebhookUrl: string;
  /** Webhook URL of the `ticket` receiver (swap in Slack or a ticket system). */
  readonly ticketWebhookUrl: string;
  readonly groupWait: string;
  readonly groupInterval: string;
  readonly repeatInterval: string;
}

/** Defaults: loopback webhooks the demo listens on, production-like group timings. */
export const DEFAULT_ALERTMANAGER_CONFIG_OPTIONS: AlertmanagerConfigOptions = {
  pageWebhookUrl: 'http://127.0.0.1:9095/page',
  ticketWebhookUrl: 'http://127.0.0.1:9095/ticket',
  groupWait: '30s',
  groupInterval: '5m',
  repeatInterval: '4h',
};

/**
 * Alertmanager routing for SLO alerts: `critical` to the `page` receiver, `warning` to `ticket`,
 * grouped by alert, service and SLO; a firing page inhibits the ticket of the same SLO.
 */
export function buildAlertmanagerConfig(
  options: Partial<AlertmanagerConfigOptions> = {},
): Record<string, unknown> {
  const o = { ...DEFAULT_ALERTMANAGER_CONFIG_OPTIONS, ...options };
  return {
    route: {
      receiver: 'ticket',
      group_by: ['alertname', 'service', 'slo'],
      group_wait: o.groupWait,
      group_interval: o.groupInterval,
      repeat_interval: o.repeatInterval,
      routes: [
        { receiver: 'page', matchers: ['severity="critical"'] },
        { receiver: 'ticket', matchers: ['severity="warning"'] },
      ],
    },
    inhibit_rules: [
      {
        source_matchers: ['severity="critical"'],
        target_matchers: ['severity="warning"'],
        equal: ['service', 'slo'],
      },
    ],
    receivers: [
      { name: 'page', webhook_configs: [{ url: o.pageWebhookUrl, send_resolved: true }] },
      { name: 'ticket', webhook_configs: [{ url: o.ticketWebhookUrl, send_resolved: true }] },
    ],
  };
}
