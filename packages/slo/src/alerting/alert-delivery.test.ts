import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { renderYaml } from '@tracseq/contract';
import { loopbackAlertmanagerConfigYaml } from '@tracseq/oncall';
import {
  type AlertmanagerHandle,
  makeTempDir,
  type PrometheusHandle,
  startAlertmanager,
  startPrometheus,
  startWebhookReceiver,
  type WebhookReceiver,
  waitFor,
} from '@tracseq/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertTiming } from '../explain/burn-math.js';
import { buildRules } from '../rules/build-rules.js';
import { planSlos } from '../rules/slo-plan.js';
import type { SloSpecFile } from '../spec/types.js';

// A 1-day period scales the page windows to 2m & 10s, so a real Prometheus pages in seconds.
const SPEC: SloSpecFile = {
  version: 'tracseq.slo/v1',
  service: 'sample-service',
  labels: { team: 'lab-platform' },
  slos: [
    {
      name: 'requests-availability',
      objective: 99.9,
      period: '1d',
      sli: { preset: 'http-availability' },
      alerting: { runbookUrl: 'https://runbooks.example/slo/requests-availability' },
    },
  ],
};

const EVAL_SECONDS = 1;

describe('generated alerts on a real Prometheus and Alertmanager', () => {
  const dir = makeTempDir('slo-delivery');
  let failing = false;
  let ok = 0;
  let bad = 0;
  let target: Server;
  let webhook: WebhookReceiver;
  let alertmanager: AlertmanagerHandle;
  let prometheus: PrometheusHandle;
  let outageStart = 0;

  beforeAll(async () => {
    target = createServer((_request, response) => {
      // Each scrape is one second of traffic: 100 requests, all failing during the outage.
      if (failing) bad += 100;
      else ok += 100;
      response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      response.end(
        '# HELP http_server_request_duration_seconds_count Requests.\n' +
          '# TYPE http_server_request_duration_seconds_count counter\n' +
          `http_server_request_duration_seconds_count{service="sample-service",http_response_status_code="200"} ${ok}\n` +
          `http_server_request_duration_seconds_count{service="sample-service",http_response_status_code="500"} ${bad}\n`,
      );
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    const rules = join(dir.path, 'rules.yml');
    writeFileSync(rules, renderYaml(buildRules(SPEC), 'test'));
    webhook = await startWebhookReceiver();
    alertmanager = await startAlertmanager({ configYaml: loopbackAlertmanagerConfigYaml(webhook.url) });
    prometheus = await startPrometheus({
      ruleFiles: [rules],
      scrapeTargets: [
        { job: 'sample-service', targets: [`127.0.0.1:${(target.address() as AddressInfo).port}`] },
      ],
      evaluationInterval: `${EVAL_SECONDS}s`,
      alertmanagerUrls: [alertmanager.url],
    });
    await prometheus.waitForTargetsUp();
    // Clean traffic fills the shortest window before the outage.
    await waitFor(async () => (await prometheus.queryValue('slo:sli_error:ratio_rate10s')) === 0, {
      description: 'a zero error ratio over 10s',
    });
  });

  afterAll(async () => {
    await prometheus?.stop();
    await alertmanager?.stop();
    await webhook?.close();
    await new Promise((resolve) => target?.close(resolve));
    dir.remove();
  });

  it('stays quiet on clean traffic with the whole budget left', async () => {
    expect(await prometheus.queryValue('slo:period_error_budget_remaining:ratio')).toBe(1);
    expect((await prometheus.alerts()).filter((a) => a.labels.alertname === 'SloErrorBudgetBurn')).toEqual(
      [],
    );
  });

  it('pages on a full outage within the explained bound, with live numbers, and inhibits the ticket', async () => {
    failing = true;
    outageStart = Date.now();
    const page = await webhook.waitForNotification(
      (n) =>
        n.path === '/page' &&
        n.status === 'firing' &&
        n.alerts.some((a) => a.labels.slo === 'requests-availability'),
      120_000,
    );
    const [plan] = planSlos(SPEC);
    const quick = plan?.pairs[0];
    if (!plan || !quick) throw new Error('no plan');
    const timing = alertTiming(quick, plan.budget, plan.periodSeconds, {
      forSeconds: 0,
      evaluationIntervalSeconds: EVAL_SECONDS,
    });
    // The bound from `explain`, plus one scrape (1 s) and Alertmanager's group_wait (1 s), plus slack for a loaded CI machine.
    const boundMs = ((timing.detectFullOutage as number) + 1 + 1 + 10) * 1000;
    expect(page.receivedAt - outageStart).toBeLessThan(boundMs);
    const alert = page.alerts.find((a) => a.labels.long_window === '2m');
    expect(alert?.labels).toMatchObject({
      alertname: 'SloErrorBudgetBurn',
      severity: 'critical',
      service: 'sample-service',
      slo: 'requests-availability',
      short_window: '10s',
      team: 'lab-platform',
    });
    expect(alert?.annotations.description).toMatch(/at \d+(\.\d)?x the sustainable rate over 2m/);
    expect(alert?.annotations.description).toMatch(/Budget left this 1d: -?[\d.]+(e[+-]\d+)?%/);
    expect(alert?.annotations.runbook_url).toBe('https://runbooks.example/slo/requests-availability');

    const ticketInhibited = await waitFor(
      async () => {
        const tickets = (await alertmanager.alerts()).filter(
          (a) => a.labels.severity === 'warning' && a.labels.slo === 'requests-availability',
        );
        return tickets.length > 0 && tickets.every((a) => a.status.inhibitedBy.length > 0)
          ? tickets
          : undefined;
      },
      { timeoutMs: 60_000, description: 'ticket alerts inhibited by the page' },
    );
    expect(ticketInhibited.length).toBeGreaterThan(0);
    expect(webhook.notifications.filter((n) => n.path === '/ticket' && n.status === 'firing')).toEqual([]);
  });

  it('resolves the page after recovery', async () => {
    failing = false;
    const recoveredAt = Date.now();
    const resolved = await webhook.waitForNotification(
      (n) =>
        n.path === '/page' && n.receivedAt > recoveredAt && n.alerts.some((a) => a.status === 'resolved'),
      120_000,
    );
    expect(resolved.alerts.some((a) => a.labels.long_window === '2m' && a.status === 'resolved')).toBe(true);
  });
});
