import { renderYaml } from '@tracseq/contract';
import { buildAlertmanagerConfig } from './build-alertmanager-config.js';

/**
 * The generated Alertmanager config with every receiver pointed at `<webhookUrl>/<receiver>`
 * and 1 s group timings, as the tests run it.
 */
export function loopbackAlertmanagerConfigYaml(webhookUrl: string): string {
  return renderYaml(
    buildAlertmanagerConfig({
      pageWebhookUrl: `${webhookUrl}/page`,
      ticketWebhookUrl: `${webhookUrl}/ticket`,
      watchdogWebhookUrl: `${webhookUrl}/watchdog`,
      groupWait: '1s',
      groupInterval: '1s',
      repeatInterval: '1h',
    }),
  );
}
