import { type AlertmanagerHandle, type WebhookReceiver, waitFor } from '@tracseq/testkit';
import { afterEach, describe, expect, it } from 'vitest';
import { loadSpecs } from '../spec/load-specs.js';
import { sloDependencies } from './slo-dependencies.js';
import { burnAlertLabels, deliverAlerts, deliveredAlerts } from './test-inhibition.js';

const STEPS = `version: tracseq.slo/v1
service: sample-service
slos:
  - name: requests-availability
    objective: 99.9
    sli: { preset: http-availability }
  - name: sample-processing-success
    objective: 99
    sli: { preset: sample-processing-success }
  - name: sample-lifecycle
    objective: 98.5
    sli:
      composite:
        mode: serial
        components:
          - slo: sample-service/requests-availability
          - slo: sample-service/sample-processing-success
`;

// A journey over the journey: a step's page must mute it too, even when the inner journey is quiet.
const OUTER = `version: tracseq.slo/v1
service: lab-journeys
slos:
  - name: sample-to-report
    objective: 98
    sli:
      composite:
        mode: weighted
        components:
          - { slo: sample-service/sample-lifecycle, weight: 1 }
          - { slo: sample-service/requests-availability, weight: 1 }
`;

describe('a composite in a real Alertmanager: one cause, one page', () => {
  let webhook: WebhookReceiver | undefined;
  let alertmanager: AlertmanagerHandle | undefined;

  afterEach(async () => {
    await alertmanager?.stop();
    await webhook?.close();
  });

  it("a component's page mutes the journeys' page and ticket in its lab; another lab's journey page gets through", async () => {
    ({ alertmanager, webhook } = await deliverAlerts(
      [
        { path: 'slos/sample-service.yaml', text: STEPS },
        { path: 'slos/journeys.yaml', text: OUTER },
      ],
      [
        burnAlertLabels('sample-service', 'sample-processing-success', 'critical', 'lab-a'),
        burnAlertLabels('sample-service', 'sample-lifecycle', 'critical', 'lab-a'),
        burnAlertLabels('sample-service', 'sample-lifecycle', 'warning', 'lab-a'),
        // The outer journey reads sample-lifecycle: processing, two levels down, mutes it too.
        burnAlertLabels('lab-journeys', 'sample-to-report', 'critical', 'lab-a'),
        // No component page in lab-b: the journey's page is the only signal there and gets through.
        burnAlertLabels('sample-service', 'sample-lifecycle', 'critical', 'lab-b'),
      ],
    ));
    const hook = webhook;
    const delivered = (path: string) => deliveredAlerts(hook, path, 'slo');
    await waitFor(() => delivered('/page').length >= 2, {
      timeoutMs: 20_000,
      description: 'the two pages that are not inhibited',
    });
    // A few group intervals more: an inhibited alert would have been notified by now.
    await new Promise((r) => setTimeout(r, 3_000));
    expect(delivered('/page')).toEqual(['sample-lifecycle@lab-b', 'sample-processing-success@lab-a']);
    expect(delivered('/ticket')).toEqual([]);
  });

  it('derives one inhibit rule per component, transitively, next to dependsOn', () => {
    const loaded = loadSpecs([
      { path: 'slos/sample-service.yaml', text: STEPS },
      { path: 'slos/journeys.yaml', text: OUTER },
    ]);
    expect(
      sloDependencies(loaded.specs).map(
        (d) => `${d.service}/${d.slo} <- ${d.dependsOn.service}/${d.dependsOn.slo}`,
      ),
    ).toEqual([
      'sample-service/sample-lifecycle <- sample-service/requests-availability',
      'sample-service/sample-lifecycle <- sample-service/sample-processing-success',
      'lab-journeys/sample-to-report <- sample-service/sample-lifecycle',
      'lab-journeys/sample-to-report <- sample-service/requests-availability',
      'lab-journeys/sample-to-report <- sample-service/sample-processing-success',
    ]);
  });
});
