import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { findBinary } from './find-binary.js';
import { getFreePort } from './free-port.js';
import { startManagedProcess } from './managed-process.js';
import { makeTempDir } from './temp-dir.js';
import { waitFor } from './wait-for.js';

/** Options of {@link startAlertmanager}: exactly one of `config`, `configYaml` or `webhookUrl`. */
export interface AlertmanagerOptions {
  /** Alertmanager configuration as data. */
  readonly config?: Record<string, unknown>;
  /** Alertmanager configuration as YAML text (e.g. the repo's `prometheus/alertmanager.yml`). */
  readonly configYaml?: string;
  /** Route every alert to this webhook with 1 s group timings. */
  readonly webhookUrl?: string;
}

/** An alert as Alertmanager's `/api/v2/alerts` reports it. */
export interface AlertmanagerAlert {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly status: { readonly state: string; readonly inhibitedBy: readonly string[] };
}

/** A running Alertmanager bound to 127.0.0.1 with clustering off. */
export interface AlertmanagerHandle {
  readonly url: string;
  readonly port: number;
  alerts(): Promise<AlertmanagerAlert[]>;
  logs(): string;
  stop(): Promise<void>;
}

/** An Alertmanager config that sends everything to one webhook with 1 s group timings. */
export function buildWebhookAlertmanagerConfig(webhookUrl: string): Record<string, unknown> {
  return {
    route: {
      receiver: 'webhook',
      group_by: ['alertname'],
      group_wait: '1s',
      group_interval: '1s',
      repeat_interval: '1h',
    },
    receivers: [{ name: 'webhook', webhook_configs: [{ url: webhookUrl, send_resolved: true }] }],
  };
}

/**
 * Starts a real Alertmanager (Debian's `prometheus-alertmanager`) on a free loopback port with
 * clustering disabled and a temporary storage directory, and waits until it is ready.
 */
export async function startAlertmanager(options: AlertmanagerOptions): Promise<AlertmanagerHandle> {
  const given = [options.config, options.configYaml, options.webhookUrl].filter(
    (o) => o !== undefined,
  ).length;
  if (given !== 1) throw new Error('startAlertmanager: pass exactly one of config, configYaml, webhookUrl');
  const binary = findBinary('prometheus-alertmanager');
  const dir = makeTempDir('alertmanager');
  const port = await getFreePort();
  const configFile = join(dir.path, 'alertmanager.yml');
  const yaml =
    options.configYaml ??
    stringify(options.config ?? buildWebhookAlertmanagerConfig(options.webhookUrl as string));
  writeFileSync(configFile, yaml);
  const url = `http://127.0.0.1:${port}`;
  const proc = startManagedProcess(binary, [
    `--config.file=${configFile}`,
    `--storage.path=${join(dir.path, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--cluster.listen-address=',
    '--log.level=warn',
  ]);
  const stop = async () => {
    await proc.stop();
    dir.remove();
  };
  try {
    await waitFor(
      async () => {
        if (proc.exited()) throw new Error(`alertmanager exited:\n${proc.output()}`);
        return (await fetch(`${url}/-/ready`)).ok;
      },
      { timeoutMs: 30_000, description: `Alertmanager ready on ${url}` },
    );
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n--- alertmanager output ---\n${proc.output()}`);
  }
  return {
    url,
    port,
    async alerts() {
      const response = await fetch(`${url}/api/v2/alerts`);
      if (!response.ok) throw new Error(`${url}/api/v2/alerts: HTTP ${response.status}`);
      return (await response.json()) as AlertmanagerAlert[];
    },
    logs: () => proc.output(),
    stop,
  };
}
