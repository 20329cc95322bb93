import { renderYaml } from '@tracseq/contract';
import { buildAlertmanagerConfig } from '@tracseq/oncall';
import {
  type AlertmanagerHandle,
  startAlertmanager,
  startWebhookReceiver,
  type WebhookReceiver,
  waitFor,
} from '@tracseq/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { buildRules } from '../rules/build-rules.js';
import { loadSpecs } from '../spec/load-specs.js';
import { sloDependencies } from './slo-dependencies.js';
import { burnAlertLabels, deliverAlerts, deliveredAlerts } from './test-inhibition.js';

const STORAGE = `version: tracseq.slo/v1
service: storage-service
slos:
  - name: requests-availability
    objective: 99.9
    sli: { preset: http-availability }
`;

const sample = (dependsOn: string) => `version: tracseq.slo/v1
service: sample-service
slos:
  - name: requests-availability
    objective: 99.9
    sli: { preset: http-availability }
${dependsOn}`;

const DEPENDS = '    dependsOn: [storage-service/requests-availability]\n';

/** A firing burn alert of requests-availability, quick page or ticket pair. */
const burnAlert = (service: string, severity: 'critical' | 'warning', lab: string) =>
  burnAlertLabels(service, 'requests-availability', severity, lab);

describe('dependsOn in a real Alertmanager', () => {
  let webhook: WebhookReceiver | undefined;
  let alertmanager: AlertmanagerHandle | undefined;

  afterEach(async () => {
    await alertmanager?.stop();
    await webhook?.close();
  });

  /** Loads the specs, starts Alertmanager on the config they generate, posts the alerts. */
  async function deliver(sampleSpec: string, alerts: Record<string, string>[]): Promise<WebhookReceiver> {
    ({ alertmanager, webhook } = await deliverAlerts(
      [
        { path: 'slos/storage-service.yaml', text: STORAGE },
        { path: 'slos/sample-service.yaml', text: sampleSpec },
      ],
      alerts,
    ));
    return webhook;
  }

  const delivered = (hook: WebhookReceiver, path: string) => deliveredAlerts(hook, path, 'service');

  it('a storage-service outage in a lab is one page: the dependent SLO page and ticket are muted', async () => {
    const hook = await deliver(sample(DEPENDS), [
      burnAlert('storage-service', 'critical', 'lab-a'),
      burnAlert('sample-service', 'critical', 'lab-a'),
      burnAlert('sample-service', 'warning', 'lab-a'),
      // Another lab's sample-service page has no storage page of its own lab: it gets through.
      burnAlert('sample-service', 'critical', 'lab-b'),
    ]);
    await waitFor(() => delivered(hook, '/page').length >= 2, {
      timeoutMs: 20_000,
      description: 'the two pages that are not inhibited',
    });
    // A few group intervals more: an inhibited alert would have been notified by now.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(delivered(hook, '/page')).toEqual(['sample-service@lab-b', 'storage-service@lab-a']);
    expect(delivered(hook, '/ticket')).toEqual([]);
  });

  it('mutes a dependent page that arrives before its dependency, within group_wait', async () => {
    const loaded = loadSpecs([
      { path: 'slos/storage-service.yaml', text: STORAGE },
      { path: 'slos/sample-service.yaml', text: sample(DEPENDS) },
    ]);
    const hook = await startWebhookReceiver();
    webhook = hook;
    // Inhibition is checked when a group is notified: group_wait is the grace a dependency has.
    const config = buildAlertmanagerConfig({
      pageWebhookUrl: `${hook.url}/page`,
      ticketWebhookUrl: `${hook.url}/ticket`,
      watchdogWebhookUrl: `${hook.url}/watchdog`,
      groupWait: '4s',
      groupInterval: '1s',
      sloDependencies: sloDependencies(loaded.specs),
    });
    alertmanager = await startAlertmanager({ configYaml: renderYaml(config) });
    const post = async (labels: Record<string, string>) =>
      expect(
        (
          await fetch(`${alertmanager?.url}/api/v2/alerts`, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify([{ labels, annotations: { summary: 'test' } }]),
          })
        ).status,
      ).toBe(200);
    await post(burnAlert('sample-service', 'critical', 'lab-a'));
    await new Promise((r) => setTimeout(r, 500));
    await post(burnAlert('storage-service', 'critical', 'lab-a'));
    await waitFor(() => delivered(hook, '/page').length >= 1, {
      timeoutMs: 20_000,
      description: 'the storage page',
    });
    await new Promise((r) => setTimeout(r, 3_000));
    expect(delivered(hook, '/page')).toEqual(['storage-service@lab-a']);
  });

  it('without dependsOn the same outage pages both services', async () => {
    const hook = await deliver(sample(''), [
      burnAlert('storage-service', 'critical', 'lab-a'),
      burnAlert('sample-service', 'critical', 'lab-a'),
    ]);
    await waitFor(() => delivered(hook, '/page').length >= 2, {
      timeoutMs: 20_000,
      description: 'both pages',
    });
    expect(delivered(hook, '/page')).toEqual(['sample-service@lab-a', 'storage-service@lab-a']);
  });

  it('names the dependency in the dependent alert description', () => {
    const loaded = loadSpecs([
      { path: 'slos/sample-service.yaml', text: sample(DEPENDS) },
      { path: 'slos/storage-service.yaml', text: STORAGE },
    ]);
    const spec = loaded.specs.find((s) => s.spec.service === 'sample-service')?.spec;
    if (!spec) throw new Error(JSON.stringify(loaded.errors));
    const burn = buildRules(spec).groups[0]?.rules.find(
      (r) => 'alert' in r && r.alert === 'SloErrorBudgetBurn',
    );
    expect(burn && 'alert' in burn ? burn.annotations.description : '').toContain(
      'It depends on storage-service/requests-availability: while that SLO pages, Alertmanager mutes this alert.',
    );
  });

  it('rejects a dependency no spec file defines, at its line', () => {
    const loaded = loadSpecs([{ path: 'slos/sample-service.yaml', text: sample(DEPENDS) }]);
    expect(loaded.errors.map((e) => `${e.file}:${e.line}: ${e.path}: ${e.message}`)).toEqual([
      'slos/sample-service.yaml:7: slos[0].dependsOn[0]: no SLO storage-service/requests-availability in the spec files given (sample-service/requests-availability)',
    ]);
  });
});
