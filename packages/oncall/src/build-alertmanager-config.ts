/** Options of {@link buildAlertmanagerConfig}. */
export interface AlertmanagerConfigOptions {
  /** Webhook URL of the `page` receiver (swap in PagerDuty in production). */
  readonly pageWebhookUrl: string;
  /** Webhook URL of the `ticket` receiver (swap in Slack or a ticket system). */
  readonly ticketWebhookUrl: string;
  /**
   * Webhook of the `watchdog` receiver: point it at a dead-man switch (e.g. a heartbeat check)
   * that pages when the always-firing Watchdog alert stops arriving.
   */
  readonly watchdogWebhookUrl: string;
  /** Name of the always-firing alert routed to `watchdog`. */
  readonly watchdogAlertName: string;
  readonly groupWait: string;
  readonly groupInterval: string;
  readonly repeatInterval: string;
}

/** Defaults: loopback webhooks the demo listens on, production-like group timings. */
export const DEFAULT_ALERTMANAGER_CONFIG_OPTIONS: AlertmanagerConfigOptions = {
  pageWebhookUrl: 'http://127.0.0.1:9095/page',
  ticketWebhookUrl: 'http://127.0.0.1:9095/ticket',
  watchdogWebhookUrl: 'http://127.0.0.1:9095/watchdog',
  watchdogAlertName: 'TracseqWatchdog',
  groupWait: '30s',
  groupInterval: '5m',
  repeatInterval: '4h',
};

/**
 * Alertmanager routing: the Watchdog to its own `watchdog` receiver (every minute), `critical`
 * to `page`, `warning` to `ticket`, grouped by alert, service and SLO. A firing SLO page
 * inhibits the tickets of the same SLO; a critical operational alert inhibits the warning of the
 * same alert for the same lab, zone and job (a full zone does not also ticket as 80 % full).
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
        {
          receiver: 'watchdog',
          matchers: [`alertname="${o.watchdogAlertName}"`],
          group_wait: '0s',
          group_interval: '1m',
          repeat_interval: '1m',
        },
        { receiver: 'page', matchers: ['severity="critical"'] },
        { receiver: 'ticket', matchers: ['severity="warning"'] },
      ],
    },
    inhibit_rules: [
      {
        source_matchers: ['severity="critical"'],
        target_matchers: ['severity="warning"', 'slo=~".+"'],
        equal: ['service', 'slo'],
      },
      {
        source_matchers: ['severity="critical"', 'slo=""'],
        target_matchers: ['severity="warning"', 'slo=""'],
        equal: ['alertname', 'lab', 'zone', 'job'],
      },
    ],
    receivers: [
      { name: 'page', webhook_configs: [{ url: o.pageWebhookUrl, send_resolved: true }] },
      { name: 'ticket', webhook_configs: [{ url: o.ticketWebhookUrl, send_resolved: true }] },
      { name: 'watchdog', webhook_configs: [{ url: o.watchdogWebhookUrl, send_resolved: false }] },
    ],
  };
}
