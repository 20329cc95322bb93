import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { findBinary } from './find-binary.js';
import { getFreePort } from './free-port.js';
import { startManagedProcess } from './managed-process.js';
import { makeTempDir } from './temp-dir.js';
import { waitFor } from './wait-for.js';

/** One scrape job of a test Prometheus. */
export interface ScrapeTarget {
  readonly job: string;
  /** `host:port` addresses, loopback only. */
  readonly targets: readonly string[];
  readonly metricsPath?: string;
  /** Extra labels on every series of this job. */
  readonly labels?: Readonly<Record<string, string>>;
  /** Keep the scraped `job`/`instance`/`service` labels instead of prefixing them (default true). */
  readonly honorLabels?: boolean;
}

/** Options of {@link startPrometheus}. */
export interface PrometheusOptions {
  /** Absolute paths of rule files to load. */
  readonly ruleFiles?: readonly string[];
  readonly scrapeTargets?: readonly ScrapeTarget[];
  /** Prometheus duration, default `1s`. */
  readonly scrapeInterval?: string;
  /** Prometheus duration, default `1s`. */
  readonly evaluationInterval?: string;
  /** Alertmanager base URLs (`http://127.0.0.1:port`) that receive firing alerts. */
  readonly alertmanagerUrls?: readonly string[];
  /** Existing TSDB directory (e.g. filled by `promtool tsdb create-blocks-from`); kept on stop. */
  readonly dataDir?: string;
  /** Additional command-line flags. */
  readonly extraArgs?: readonly string[];
}

/** One sample of an instant-vector result. */
export interface VectorSample {
  readonly metric: Readonly<Record<string, string>>;
  readonly value: number;
  readonly timestamp: number;
}

/** A Prometheus alert as `/api/v1/alerts` reports it. */
export interface PrometheusAlert {
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly state: 'pending' | 'firing' | 'inactive';
  readonly activeAt?: string;
  readonly value: string;
}

/** A running Prometheus child process bound to 127.0.0.1. */
export interface PrometheusHandle {
  readonly url: string;
  readonly port: number;
  readonly configFile: string;
  /** Instant query; throws with Prometheus's error text on a bad query. */
  query(expr: string, time?: Date): Promise<VectorSample[]>;
  /** Instant query returning the single sample's value, or `undefined` when the result is empty. */
  queryValue(expr: string, time?: Date): Promise<number | undefined>;
  /** Active alerts (pending and firing). */
  alerts(): Promise<PrometheusAlert[]>;
  /** Resolves once every configured target has been scraped successfully. */
  waitForTargetsUp(timeoutMs?: number): Promise<void>;
  /** Process output so far, for diagnostics. */
  logs(): string;
  stop(): Promise<void>;
}

interface ApiResponse<T> {
  status: 'success' | 'error';
  data: T;
  error?: string;
  errorType?: string;
}

async function getJson<T>(url: string): Promise<T> {
  const response = await fetch(url);
  const body = (await response.json()) as ApiResponse<T>;
  if (body.status !== 'success') throw new Error(`${url}: ${body.errorType ?? 'error'}: ${body.error ?? ''}`);
  return body.data;
}

/** Renders a prometheus.yml for the given options. */
export function buildPrometheusConfig(options: PrometheusOptions): Record<string, unknown> {
  return {
    global: {
      scrape_interval: options.scrapeInterval ?? '1s',
      evaluation_interval: options.evaluationInterval ?? '1s',
      scrape_timeout: options.scrapeInterval ?? '1s',
    },
    rule_files: [...(options.ruleFiles ?? [])],
    ...(options.alertmanagerUrls && options.alertmanagerUrls.length > 0
      ? {
          alerting: {
            alertmanagers: [
              { static_configs: [{ targets: options.alertmanagerUrls.map((u) => new URL(u).host) }] },
            ],
          },
        }
      : {}),
    scrape_configs: (options.scrapeTargets ?? []).map((target) => ({
      job_name: target.job,
      honor_labels: target.honorLabels ?? true,
      metrics_path: target.metricsPath ?? '/metrics',
      static_configs: [{ targets: [...target.targets], labels: { ...(target.labels ?? {}) } }],
    })),
  };
}

/**
 * Starts a real Prometheus on a free loopback port with a temporary data directory, waits until
 * it is ready, and returns query helpers. Call `stop()` in `afterAll`; the process is killed when
 * the test process exits in any case.
 */
export async function startPrometheus(options: PrometheusOptions = {}): Promise<PrometheusHandle> {
  const binary = findBinary('prometheus');
  const dir = makeTempDir('prometheus');
  const port = await getFreePort();
  const configFile = join(dir.path, 'prometheus.yml');
  writeFileSync(configFile, stringify(buildPrometheusConfig(options)));
  const url = `http://127.0.0.1:${port}`;
  const proc = startManagedProcess(binary, [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${options.dataDir ?? join(dir.path, 'data')}`,
    `--web.listen-address=127.0.0.1:${port}`,
    '--web.enable-lifecycle',
    '--log.level=warn',
    ...(options.extraArgs ?? []),
  ]);
  const stop = async () => {
    await proc.stop();
    dir.remove();
  };
  try {
    await waitFor(
      async () => {
        if (proc.exited()) throw new Error(`prometheus exited:\n${proc.output()}`);
        return (await fetch(`${url}/-/ready`)).ok;
      },
      { timeoutMs: 30_000, description: `Prometheus ready on ${url}` },
    );
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n--- prometheus output ---\n${proc.output()}`);
  }

  const query = async (expr: string, time?: Date): Promise<VectorSample[]> => {
    const params = new URLSearchParams({ query: expr });
    if (time) params.set('time', String(time.getTime() / 1000));
    const data = await getJson<{ resultType: string; result: unknown }>(`${url}/api/v1/query?${params}`);
    if (data.resultType === 'scalar') {
      const [ts, value] = data.result as [number, string];
      return [{ metric: {}, value: Number(value), timestamp: ts }];
    }
    if (data.resultType !== 'vector')
      throw new Error(`query ${expr}: unexpected result type ${data.resultType}`);
    return (data.result as { metric: Record<string, string>; value: [number, string] }[]).map((r) => ({
      metric: r.metric,
      value: Number(r.value[1]),
      timestamp: r.value[0],
    }));
  };

  return {
    url,
    port,
    configFile,
    query,
    async queryValue(expr, time) {
      const result = await query(expr, time);
      if (result.length > 1) throw new Error(`query ${expr}: expected one sample, got ${result.length}`);
      return result[0]?.value;
    },
    async alerts() {
      return (await getJson<{ alerts: PrometheusAlert[] }>(`${url}/api/v1/alerts`)).alerts;
    },
    async waitForTargetsUp(timeoutMs = 30_000) {
      const expected = (options.scrapeTargets ?? []).reduce((n, t) => n + t.targets.length, 0);
      await waitFor(
        async () => {
          const data = await getJson<{ activeTargets: { health: string }[] }>(`${url}/api/v1/targets`);
          return data.activeTargets.length === expected && data.activeTargets.every((t) => t.health === 'up');
        },
        { timeoutMs, description: `${expected} scrape target(s) up on ${url}` },
      );
    },
    logs: () => proc.output(),
    stop,
  };
}
