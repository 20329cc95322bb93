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
  /**
   * SLO dependencies (`dependsOn` in SLO specs): while a dependency's page fires, the burn
   * alerts (page and ticket) of the SLOs that depend on it are inhibited — one cause, one page.
   */
  readonly sloDependencies: readonly SloDependency[];
  /** Name of the SLO burn-rate alert the dependency rules match (`SloErrorBudgetBurn`). */
  readonly burnAlertName: string;
}

/** One SLO (`service`/`slo`) that depends on another SLO's service. */
export interface SloDependency {
  readonly service: string;
  readonly slo: string;
  readonly dependsOn: { readonly service: string; readonly slo: string };
}

/**
 * Topology labels a dependency's page and the dependent alert must share to inhibit: one lab's
 * (cluster's, namespace's) outage does not mute another's. Alertmanager compares a label absent
 * on both as equal, so labels nobody sets do not get in the way.
 */
export const SLO_DEPENDENCY_EQUAL = ['cluster', 'namespace', 'lab'] as const;

function dependencyInhibitRule(dep: SloDependency, burnAlertName: string): Record<string, unknown> {
  return {
    source_matchers: [
      `alertname=${JSON.stringify(burnAlertName)}`,
      'severity="critical"',
      `service=${JSON.stringify(dep.dependsOn.service)}`,
      `slo=${JSON.stringify(dep.dependsOn.slo)}`,
    ],
    target_matchers: [
      `alertname=${JSON.stringify(burnAlertName)}`,
      `service=${JSON.stringify(dep.service)}`,
      `slo=${JSON.stringify(dep.slo)}`,
    ],
    equal: [...SLO_DEPENDENCY_EQUAL],
  };
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
  sloDependencies: [],
  burnAlertName: 'SloErrorBudgetBurn',
};

/**
 * Alertmanager routing: the Watchdog to its own `watchdog` receiver (every minute), `critical`
 * to `page`, `warning` to `ticket`, grouped by alert, service and SLO. A firing SLO page
 * inhibits the tickets of the same SLO; a critical operational alert inhibits the warning of the
 * same alert for the same lab, zone and job (a full zone does not also ticket as 80 % full).
 * Each SLO dependency adds a rule: the dependency's page inhibits the dependent SLO's burn
 * alerts with equal `cluster`, `namespace` and `lab`. Alertmanager checks inhibition when it
 * notifies, so a dependent page that fires up to `groupWait` before its dependency's is muted too.
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
      ...o.sloDependencies.map((dep) => dependencyInhibitRule(dep, o.burnAlertName)),
    ],
    receivers: [
      { name: 'page', webhook_configs: [{ url: o.pageWebhookUrl, send_resolved: true }] },
      { name: 'ticket', webhook_configs: [{ url: o.ticketWebhookUrl, send_resolved: true }] },
      { name: 'watchdog', webhook_configs: [{ url: o.watchdogWebhookUrl, send_resolved: false }] },
    ],
  };
}
