import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import {
  type AlertmanagerHandle,
  findBinary,
  MissingToolError,
  makeTempDir,
  type PrometheusHandle,
  promtoolCheckMetrics,
  promtoolCheckRules,
  promtoolTestRules,
  startAlertmanager,
  startPrometheus,
  startWebhookReceiver,
  type WebhookReceiver,
} from './index.js';

describe('findBinary', () => {
  it('names the Debian package of a missing tool', () => {
    expect(() => findBinary('tracseq-no-such-tool', 'tracseq-no-such-package')).toThrow(MissingToolError);
    expect(() => findBinary('tracseq-no-such-tool', 'tracseq-no-such-package')).toThrow(
      /apt-get install -y tracseq-no-such-package/,
    );
  });

  it('finds the Debian binaries the kit uses', () => {
    for (const tool of ['prometheus', 'promtool', 'prometheus-alertmanager', 'amtool'] as const) {
      expect(findBinary(tool)).toMatch(new RegExp(`/${tool}$`));
    }
  });
});

describe('promtool helpers', () => {
  const dir = makeTempDir('promtool-test');
  afterAll(() => dir.remove());

  it('check metrics accepts a clean exposition and rejects a gauge named _total', async () => {
    const good = await promtoolCheckMetrics('# HELP a_seconds A.\n# TYPE a_seconds gauge\na_seconds 1\n');
    expect(good.ok).toBe(true);
    const bad = await promtoolCheckMetrics('# HELP a_total A.\n# TYPE a_total gauge\na_total 1\n');
    expect(bad.ok).toBe(false);
    expect(bad.stdout + bad.stderr).toMatch(/_total/);
  });

  it('test rules passes a true expectation and fails a false one', async () => {
    const rules = join(dir.path, 'rules.yml');
    writeFileSync(
      rules,
      stringify({ groups: [{ name: 'g', rules: [{ record: 'job:up:sum', expr: 'sum by (job) (up)' }] }] }),
    );
    expect((await promtoolCheckRules([rules])).ok).toBe(true);
    const testFile = (expected: number) => {
      const file = join(dir.path, `test-${expected}.yml`);
      writeFileSync(
        file,
        stringify({
          rule_files: [rules],
          evaluation_interval: '1m',
          tests: [
            {
              interval: '1m',
              input_series: [
                { series: 'up{job="a",instance="1"}', values: '1x5' },
                { series: 'up{job="a",instance="2"}', values: '1x5' },
              ],
              promql_expr_test: [
                {
                  expr: 'job:up:sum',
                  eval_time: '5m',
                  exp_samples: [{ labels: 'job:up:sum{job="a"}', value: expected }],
                },
              ],
            },
          ],
        }),
      );
      return file;
    };
    expect((await promtoolTestRules([testFile(2)])).ok).toBe(true);
    const failing = await promtoolTestRules([testFile(3)]);
    expect(failing.ok).toBe(false);
    expect(failing.stdout + failing.stderr).toMatch(/FAILED/);
  });
});

describe('Prometheus scrapes a target and a rule fires into Alertmanager', () => {
  let broken = 1;
  let target: Server;
  let webhook: WebhookReceiver;
  let alertmanager: AlertmanagerHandle;
  let prometheus: PrometheusHandle;
  const dir = makeTempDir('kit-integration');

  beforeAll(async () => {
    target = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      response.end(
        `# HELP widget_broken Whether the widget is broken.\n# TYPE widget_broken gauge\nwidget_broken{service="tiny"} ${broken}\n`,
      );
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    const rules = join(dir.path, 'rules.yml');
    writeFileSync(
      rules,
      stringify({
        groups: [
          {
            name: 'kit',
            rules: [
              {
                alert: 'WidgetBroken',
                expr: 'widget_broken == 1',
                labels: { severity: 'critical' },
                annotations: { summary: 'widget of {{ $labels.service }} is broken' },
              },
            ],
          },
        ],
      }),
    );
    webhook = await startWebhookReceiver();
    alertmanager = await startAlertmanager({ webhookUrl: `${webhook.url}/page` });
    prometheus = await startPrometheus({
      ruleFiles: [rules],
      scrapeTargets: [{ job: 'tiny', targets: [`127.0.0.1:${(target.address() as AddressInfo).port}`] }],
      alertmanagerUrls: [alertmanager.url],
    });
  });

  afterAll(async () => {
    await prometheus?.stop();
    await alertmanager?.stop();
    await webhook?.close();
    await new Promise((resolve) => target?.close(resolve));
    dir.remove();
  });

  it('scrapes the target and answers queries', async () => {
    await prometheus.waitForTargetsUp();
    expect(await prometheus.queryValue('widget_broken{service="tiny"}')).toBe(1);
    expect(await prometheus.queryValue('widget_broken{service="nobody"}')).toBeUndefined();
    await expect(prometheus.query('sum(')).rejects.toThrow(/bad_data|parse error/);
  });

  it('delivers the firing alert to the webhook, then its resolution', async () => {
    const firing = await webhook.waitForNotification(
      (n) => n.status === 'firing' && n.alerts.some((a) => a.labels.alertname === 'WidgetBroken'),
    );
    expect(firing.path).toBe('/page');
    expect(firing.alerts[0]?.labels).toMatchObject({ service: 'tiny', severity: 'critical', job: 'tiny' });
    expect(firing.alerts[0]?.annotations.summary).toBe('widget of tiny is broken');
    expect((await alertmanager.alerts()).map((a) => a.labels.alertname)).toContain('WidgetBroken');

    broken = 0;
    const resolved = await webhook.waitForNotification(
      (n) => n.status === 'resolved' && n.alerts.some((a) => a.labels.alertname === 'WidgetBroken'),
    );
    expect(resolved.receivedAt).toBeGreaterThan(firing.receivedAt);
  });
});
