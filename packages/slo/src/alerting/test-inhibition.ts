import { loopbackAlertmanagerConfigYaml } from '@tracseq/oncall';
import {
  type AlertmanagerHandle,
  startAlertmanager,
  startWebhookReceiver,
  type WebhookReceiver,
} from '@tracseq/testkit';
import { loadSpecs } from '../spec/load-specs.js';
import { sloDependencies } from './slo-dependencies.js';

// Test fixture (not built: test-*.ts): inhibition through a real Alertmanager, shared by the
// dependsOn and composite tests, which differ only in the specs and alerts they send.

/** The labels Prometheus sends for a firing burn alert of the quick page or ticket pair. */
export function burnAlertLabels(
  service: string,
  slo: string,
  severity: 'critical' | 'warning',
  lab: string,
): Record<string, string> {
  const [long, short] = severity === 'critical' ? ['1h', '5m'] : ['1d', '2h'];
  return {
    alertname: 'SloErrorBudgetBurn',
    service,
    slo,
    severity,
    long_window: long as string,
    short_window: short as string,
    lab,
  };
}

/** A real Alertmanager on the loopback config of some specs, and the webhook it notifies. */
export interface InhibitionLab {
  readonly alertmanager: AlertmanagerHandle;
  readonly webhook: WebhookReceiver;
}

/**
 * Loads the spec files (throwing on their errors), starts Alertmanager on the loopback config
 * with the SLO dependencies they declare, and posts `alerts` to it. The caller stops both.
 */
export async function deliverAlerts(
  files: readonly { path: string; text: string }[],
  alerts: readonly Record<string, string>[],
): Promise<InhibitionLab> {
  const loaded = loadSpecs(files);
  if (loaded.errors.length > 0) throw new Error(`spec errors: ${JSON.stringify(loaded.errors)}`);
  const webhook = await startWebhookReceiver();
  let alertmanager: AlertmanagerHandle;
  try {
    alertmanager = await startAlertmanager({
      configYaml: loopbackAlertmanagerConfigYaml(webhook.url, {
        sloDependencies: sloDependencies(loaded.specs),
      }),
    });
  } catch (error) {
    await webhook.close();
    throw error;
  }
  const lab = { alertmanager, webhook };
  const response = await fetch(`${alertmanager.url}/api/v2/alerts`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(alerts.map((labels) => ({ labels, annotations: { summary: 'test' } }))),
  });
  if (response.status !== 200) {
    await alertmanager.stop();
    await webhook.close();
    throw new Error(`POST /api/v2/alerts answered ${response.status}: ${await response.text()}`);
  }
  return lab;
}

/** The alerts notified on webhook `path`, each as `<label key>@<lab>`, sorted. */
export function deliveredAlerts(webhook: WebhookReceiver, path: string, key: 'service' | 'slo'): string[] {
  return webhook.notifications
    .filter((n) => n.path === path)
    .flatMap((n) => n.alerts.map((a) => `${a.labels[key]}@${a.labels.lab}`))
    .sort();
}
