import { renderYaml } from '@tracseq/contract';
import { type AlertmanagerConfigOptions, buildAlertmanagerConfig } from './build-alertmanager-config.js';

/**
 * The generated Alertmanager config with every receiver pointed at `<webhookUrl>/<receiver>`
 * and 1 s group timings, as the tests run it; `options` adds e.g. SLO dependencies.
 */
export function loopbackAlertmanagerConfigYaml(
  webhookUrl: string,
  options: Partial<AlertmanagerConfigOptions> = {},
): string {
  return renderYaml(
    buildAlertmanagerConfig({
      ...options,
      pageWebhookUrl: `${webhookUrl}/page`,
      ticketWebhookUrl: `${webhookUrl}/ticket`,
      watchdogWebhookUrl: `${webhookUrl}/watchdog`,
      groupWait: '1s',
      groupInterval: '1s',
      repeatInterval: '1h',
    }),
  );
}
