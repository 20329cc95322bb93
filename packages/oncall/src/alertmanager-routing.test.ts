import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseLabSettings } from '@tracseq/contract';
import {
  type AlertmanagerHandle,
  getFreePort,
  makeTempDir,
  startAlertmanager,
  startWebhookReceiver,
  type WebhookReceiver,
  waitFor,
} from '@tracseq/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertmanagerApiError, applySilences } from './alertmanager-silences.js';
import { buildSilences } from './build-silences.js';
import { labAlertInputs } from './lab-alert-inputs.js';
import { loopbackAlertmanagerConfigYaml } from './loopback-alertmanager-config.js';

interface AmAlert {
  labels: Record<string, string>;
  status: { state: string; inhibitedBy: string[]; silencedBy: string[] };
}

describe('operational alerts in a real Alertmanager', () => {
  const dir = makeTempDir('am-operational');
  let webhook: WebhookReceiver;
  let alertmanager: AlertmanagerHandle;
  const now = Date.now();
  const labSettings = join(dir.path, 'lab.yaml');

  beforeAll(async () => {
    webhook = await startWebhookReceiver();
    alertmanager = await startAlertmanager({ configYaml: loopbackAlertmanagerConfigYaml(webhook.url) });
    const iso = (ms: number) => new Date(now + ms).toISOString();
    writeFileSync(
      labSettings,
      [
        'lab: lab-a',
        'maintenance_windows:',
        `  - { instrument: freezer_minus_20, window: ${iso(-3_600_000)}/${iso(3_600_000)}, reason: defrost }`,
        `  - { instrument: sequencer-1, lab: lab-a, window: ${iso(86_400_000)}/${iso(90_000_000)}, reason: calibration }`,
        `  - { instrument: sequencer-2, window: ${iso(-90_000_000)}/${iso(-86_400_000)}, reason: long over }`,
        '',
      ].join('\n'),
    );
  });

  afterAll(async () => {
    await alertmanager?.stop();
    await webhook?.close();
    dir.remove();
  });

  async function post(alerts: Record<string, string>[]): Promise<void> {
    const response = await fetch(`${alertmanager.url}/api/v2/alerts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(alerts.map((labels) => ({ labels, annotations: { summary: 'test' } }))),
    });
    expect(response.status).toBe(200);
  }

  async function states(): Promise<AmAlert[]> {
    return (await (await fetch(`${alertmanager.url}/api/v2/alerts`)).json()) as AmAlert[];
  }

  it('routes the Watchdog to its own receiver, inhibits a ticket only by the same alert', async () => {
    await post([
      { alertname: 'TracseqWatchdog', severity: 'none' },
      {
        alertname: 'TracseqStorageZoneAlmostFull',
        severity: 'critical',
        lab: 'lab-a',
        zone: 'freezer_minus_80',
      },
      {
        alertname: 'TracseqStorageZoneAlmostFull',
        severity: 'warning',
        lab: 'lab-a',
        zone: 'freezer_minus_80',
      },
      { alertname: 'TracseqCircuitBreakerStuckOpen', severity: 'critical', service: 'sample-service' },
      { alertname: 'TracseqTelemetrySpansDropped', severity: 'warning', service: 'sample-service' },
    ]);
    const names = (path: string) =>
      webhook.notifications
        .filter((n) => n.path === path)
        .flatMap((n) => n.alerts.map((a) => a.labels.alertname));
    // Each page group (alertname, service, slo) is its own notification: wait for both.
    await waitFor(
      () => names('/watchdog').length > 0 && new Set(names('/page')).size >= 2 && names('/ticket').length > 0,
      { timeoutMs: 20_000, description: 'notifications on every receiver' },
    );
    expect(names('/watchdog')).toEqual(['TracseqWatchdog']);
    expect(new Set(names('/page'))).toEqual(
      new Set(['TracseqStorageZoneAlmostFull', 'TracseqCircuitBreakerStuckOpen']),
    );
    // The 80 % ticket of a zone that already pages is inhibited; an unrelated ticket of the same
    // service is not.
    expect(names('/ticket')).toEqual(['TracseqTelemetrySpansDropped']);
    const warning = (await states()).find(
      (a) => a.labels.alertname === 'TracseqStorageZoneAlmostFull' && a.labels.severity === 'warning',
    );
    expect(warning?.status.inhibitedBy.length).toBe(1);
  });

  const silencesNow = () =>
    buildSilences(
      labAlertInputs(parseLabSettings(readFileSync(labSettings, 'utf8'), labSettings)),
      new Date(now),
    );

  it('builds and creates one silence per current window, once', async () => {
    const silences = silencesNow();
    expect(silences.map((s) => s.matchers.map((m) => `${m.name}=${m.value}`).join(','))).toEqual([
      'instrument=freezer_minus_20',
      'instrument=sequencer-1,lab=lab-a',
    ]);
    expect(silences[0]?.comment).toBe(`Maintenance of freezer_minus_20: defrost (${labSettings})`);

    const first = await applySilences(alertmanager.url, silencesNow());
    const second = await applySilences(alertmanager.url, silencesNow());
    expect(first.map((s) => s.created)).toEqual([true, true]);
    expect(second.map((s) => s.created)).toEqual([false, false]);
    const stored = (await (await fetch(`${alertmanager.url}/api/v2/silences`)).json()) as {
      status: { state: string };
    }[];
    expect(stored.map((s) => s.status.state).sort()).toEqual(['active', 'pending']);

    await post([
      {
        alertname: 'TracseqFreezerTemperatureOutOfRange',
        severity: 'critical',
        lab: 'lab-a',
        zone: 'freezer_minus_20',
        instrument: 'freezer_minus_20',
      },
      {
        alertname: 'TracseqFreezerTemperatureOutOfRange',
        severity: 'critical',
        lab: 'lab-a',
        zone: 'freezer_minus_80',
        instrument: 'freezer_minus_80',
      },
    ]);
    await waitFor(
      async () =>
        (await states()).filter((a) => a.labels.alertname === 'TracseqFreezerTemperatureOutOfRange')
          .length === 2,
      { timeoutMs: 10_000, description: 'both freezer alerts known to Alertmanager' },
    );
    const freezer = (await states()).filter(
      (a) => a.labels.alertname === 'TracseqFreezerTemperatureOutOfRange',
    );
    const byZone = Object.fromEntries(freezer.map((a) => [a.labels.zone, a.status]));
    expect(byZone.freezer_minus_20?.state).toBe('suppressed');
    expect(byZone.freezer_minus_20?.silencedBy).toHaveLength(1);
    expect(byZone.freezer_minus_80?.state).toBe('active');
  });

  it('names the Alertmanager URL when it cannot be reached', async () => {
    // A port that was free a moment ago: nothing listens there.
    const url = `http://127.0.0.1:${await getFreePort()}`;
    const failure = await applySilences(url, silencesNow()).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AlertmanagerApiError);
    expect((failure as Error).message).toContain(`cannot reach Alertmanager at ${url}/api/v2/silences`);
  });
});
