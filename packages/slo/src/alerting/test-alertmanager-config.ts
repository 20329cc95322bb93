import { buildAlertmanagerConfig } from '../output/build-alertmanager-config.js';
import { renderYaml } from '../output/render-yaml.js';

/**
 * The generated Alertmanager config with every receiver pointed at `<webhookUrl>/<receiver>`
 * and 1 s group timings, as the tests run it.
 */
export function testAlertmanagerConfigYaml(webhookUrl: string): string {
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
