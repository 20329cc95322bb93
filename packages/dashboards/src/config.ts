import type { StorageZone } from '@tracseq/contract';
import { DEFAULT_GRAFANA_URL, DEFAULT_RUNBOOK_BASE_URL, METRICS } from '@tracseq/contract';
import type { SloSpecFile } from '@tracseq/slo';
import { presetThreshold } from './targets-from-slos.js';

/** The Prometheus data source the dashboards query and the provisioning file declares. */
export interface DatasourceConfig {
  /** uid of the data source; the `datasource` variable's default and the provisioned uid. */
  readonly uid: string;
  /** Display name of the data source. */
  readonly name: string;
  /** URL Grafana reaches Prometheus at (provisioning only). */
  readonly url: string;
  /**
   * Prometheus scrape interval, set as the data source's `timeInterval` so Grafana's
   * `$__rate_interval` is at least 4 × this and every rate window holds enough samples.
   */
  readonly scrapeInterval: string;
}

/** Which series count as TracSeq services. */
export interface ServiceSelectorConfig {
  /**
   * Extra PromQL label matchers added to every selector of a scraped metric, e.g.
   * `['namespace="lab"']` when one Prometheus scrapes several environments. Empty by default.
   */
  readonly matchers: readonly string[];
  /** Grafana regex that filters the `service` variable's options (`''` = every service). */
  readonly regex: string;
}

/** An extra link shown on every dashboard (e.g. the team's wiki or the alert routing page). */
export interface DashboardLinkConfig {
  readonly title: string;
  readonly url: string;
  readonly tooltip?: string;
}

/** Where Grafana finds the generated dashboards. */
export interface ProvisioningConfig {
  /** Grafana folder the dashboards are provisioned into. */
  readonly folder: string;
  /** uid of that folder (stable, so links to the folder survive re-provisioning). */
  readonly folderUid: string;
  /** Directory inside the Grafana container that holds the dashboard JSON files. */
  readonly dashboardsPath: string;
  /** Namespace of the generated ConfigMaps; `''` leaves it to `kubectl -n`. */
  readonly namespace: string;
}

/** Everything the dashboards are built from. Merge yours over {@link DEFAULT_DASHBOARDS_CONFIG}. */
export interface DashboardsConfig {
  readonly datasource: DatasourceConfig;
  readonly serviceSelector: ServiceSelectorConfig;
  /**
   * Prefix of every dashboard uid (`tracseq-` gives `tracseq-slo-overview`). Alerts link to
   * `/d/<prefix>slo-overview`, so changing it means passing the new uid to `tracseq-slo` too.
   */
  readonly uidPrefix: string;
  /** SLO spec files as `loadSpecs` of `@tracseq/slo` returns them; drive the burn-rate windows. */
  readonly slos: readonly SloSpecFile[];
  /** Storage zones from the lab settings (`parseLabSettings` of `@tracseq/contract` validated them). */
  readonly storageZones: readonly StorageZone[];
  /** Extra links on every dashboard, after the links to the other TracSeq dashboards. */
  readonly links: readonly DashboardLinkConfig[];
  /** Base URL of the runbooks; each dashboard links to `<base>/dashboards/<name>`. */
  readonly runbookBaseUrl: string;
  /** Base URL of Grafana, for the absolute links alerts carry (see `sloDashboardUrl`). */
  readonly grafanaUrl: string;
  /**
   * Latency target drawn on the latency panels; must be a bucket boundary of the HTTP histogram.
   * Unset, it is the `thresholdSeconds` of the SLOs' `http-latency` preset (when they agree).
   */
  readonly latencyTargetSeconds: number;
  /**
   * Turnaround target; must be a bucket boundary of the sample-processing histogram. Unset, it is
   * the `thresholdSeconds` of the SLOs' `sample-turnaround` preset (when they agree).
   */
  readonly turnaroundTargetSeconds: number;
  readonly provisioning: ProvisioningConfig;
}

type DeepPartial<T> = T extends readonly (infer _U)[]
  ? T
  : T extends object
    ? { readonly [K in keyof T]?: DeepPartial<T[K]> }
    : T;

/** A partial config: objects merge key by key over the defaults, arrays replace them. */
export type DashboardsConfigInput = DeepPartial<DashboardsConfig>;

/** Defaults: the compose stack's Prometheus, the runbook site the SLO specs link to, 100 ms and 4 h targets. */
export const DEFAULT_DASHBOARDS_CONFIG: DashboardsConfig = {
  datasource: {
    uid: 'prometheus',
    name: 'Prometheus',
    url: 'http://prometheus:9090',
    scrapeInterval: '15s',
  },
  serviceSelector: { matchers: [], regex: '' },
  uidPrefix: 'tracseq-',
  slos: [],
  storageZones: [],
  links: [],
  runbookBaseUrl: DEFAULT_RUNBOOK_BASE_URL,
  grafanaUrl: DEFAULT_GRAFANA_URL,
  latencyTargetSeconds: 0.1,
  turnaroundTargetSeconds: 14_400,
  provisioning: {
    folder: 'TracSeq',
    folderUid: 'tracseq',
    dashboardsPath: '/var/lib/grafana/dashboards/tracseq',
    namespace: '',
  },
};

/** A config problem; `field` is the dotted path of the offending field. */
export class DashboardsConfigError extends Error {
  readonly field: string;
  constructor(field: string, problem: string) {
    super(`dashboards config: ${field}: ${problem}`);
    this.name = 'DashboardsConfigError';
    this.field = field;
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

// A key given as `undefined` stays undefined (and fails validation if required): an unset
// environment variable passed through should be an error, not a silent fall back to a default.
function merge(base: unknown, override: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(override)) return override;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(override)) {
    out[key] = key in base && isPlainObject(value) ? merge(base[key], value) : value;
  }
  return out;
}

const DURATION = /^(\d+(ms|s|m|h|d))+$/;
const MATCHER = /^[a-zA-Z_][a-zA-Z0-9_]*\s*(=|!=|=~|!~)\s*"(?:[^"\\]|\\.)*"$/;
const UID_PREFIX = /^[a-z0-9]+(-[a-z0-9]+)*-?$/;

function requireString(value: unknown, field: string, what: string): string {
  if (value === undefined || value === null || value === '') {
    throw new DashboardsConfigError(field, `is required (${what})`);
  }
  if (typeof value !== 'string') throw new DashboardsConfigError(field, `must be a string (${what})`);
  return value;
}

function requireUrl(value: unknown, field: string, what: string): string {
  const text = requireString(value, field, what);
  if (!URL.canParse(text)) throw new DashboardsConfigError(field, `"${text}" is not an absolute URL`);
  return text;
}

function requireArray(value: unknown, field: string): readonly unknown[] {
  if (value === undefined || value === null) throw new DashboardsConfigError(field, 'is required (a list)');
  if (!Array.isArray(value)) throw new DashboardsConfigError(field, 'must be a list');
  return value;
}

function requireObject(value: unknown, field: string): Record<string, unknown> {
  if (value === undefined || value === null) throw new DashboardsConfigError(field, 'is required');
  if (!isPlainObject(value)) throw new DashboardsConfigError(field, 'must be an object');
  return value;
}

function requireBucket(value: unknown, field: string, buckets: readonly number[], metric: string): number {
  if (value === undefined || value === null) throw new DashboardsConfigError(field, 'is required (seconds)');
  if (typeof value !== 'number' || !buckets.includes(value)) {
    throw new DashboardsConfigError(
      field,
      `${String(value)} must be a bucket boundary of ${metric} (${buckets.join(', ')}), so a bucket ratio can read it`,
    );
  }
  return value;
}

/**
 * Merges `input` over {@link DEFAULT_DASHBOARDS_CONFIG} and validates the result; throws
 * {@link DashboardsConfigError} naming the first missing or invalid field.
 */
export function resolveDashboardsConfig(input: DashboardsConfigInput = {}): DashboardsConfig {
  const merged = requireObject(merge(DEFAULT_DASHBOARDS_CONFIG, input), '(config)');
  const ds = requireObject(merged.datasource, 'datasource');
  const scrapeInterval = requireString(ds.scrapeInterval, 'datasource.scrapeInterval', 'e.g. 15s');
  if (!DURATION.test(scrapeInterval)) {
    throw new DashboardsConfigError(
      'datasource.scrapeInterval',
      `"${scrapeInterval}" is not a duration like 15s`,
    );
  }
  const selector = requireObject(merged.serviceSelector, 'serviceSelector');
  const matchers = requireArray(selector.matchers, 'serviceSelector.matchers').map((m, i) => {
    const text = requireString(m, `serviceSelector.matchers[${i}]`, 'a PromQL label matcher');
    if (!MATCHER.test(text)) {
      throw new DashboardsConfigError(
        `serviceSelector.matchers[${i}]`,
        `"${text}" is not a matcher like namespace="lab"`,
      );
    }
    return text.replace(/\s+/g, '');
  });
  if (typeof selector.regex !== 'string') {
    throw new DashboardsConfigError('serviceSelector.regex', 'must be a string (use "" for every service)');
  }
  const uidPrefix = requireString(merged.uidPrefix, 'uidPrefix', 'e.g. tracseq-');
  if (!UID_PREFIX.test(uidPrefix)) {
    throw new DashboardsConfigError(
      'uidPrefix',
      `"${uidPrefix}" must be lower-case letters, digits and dashes`,
    );
  }
  const slos = requireArray(merged.slos, 'slos').map((spec, i) => {
    const file = requireObject(spec, `slos[${i}]`);
    requireString(file.service, `slos[${i}].service`, 'the service of the spec file');
    requireArray(file.slos, `slos[${i}].slos`);
    return file as unknown as SloSpecFile;
  });
  const storageZones = requireArray(merged.storageZones, 'storageZones') as DashboardsConfig['storageZones'];
  const links = requireArray(merged.links, 'links').map((l, i) => {
    const link = requireObject(l, `links[${i}]`);
    return {
      title: requireString(link.title, `links[${i}].title`, 'the link text'),
      url: requireString(link.url, `links[${i}].url`, 'the link target'),
      ...(typeof link.tooltip === 'string' ? { tooltip: link.tooltip } : {}),
    };
  });
  const provisioning = requireObject(merged.provisioning, 'provisioning');
  if (typeof provisioning.namespace !== 'string') {
    throw new DashboardsConfigError('provisioning.namespace', 'must be a string ("" for none)');
  }
  return {
    datasource: {
      uid: requireString(ds.uid, 'datasource.uid', 'the uid of the Prometheus data source'),
      name: requireString(ds.name, 'datasource.name', 'the name of the Prometheus data source'),
      url: requireUrl(ds.url, 'datasource.url', 'the URL Grafana reaches Prometheus at'),
      scrapeInterval,
    },
    serviceSelector: { matchers, regex: selector.regex },
    uidPrefix,
    slos,
    storageZones,
    links,
    runbookBaseUrl: requireUrl(merged.runbookBaseUrl, 'runbookBaseUrl', 'base URL of the runbooks'),
    grafanaUrl: requireUrl(merged.grafanaUrl, 'grafanaUrl', 'base URL of Grafana'),
    latencyTargetSeconds: requireBucket(
      input.latencyTargetSeconds ?? presetThreshold(slos, 'http-latency') ?? merged.latencyTargetSeconds,
      'latencyTargetSeconds',
      METRICS.httpServerRequestDuration.buckets,
      METRICS.httpServerRequestDuration.name,
    ),
    turnaroundTargetSeconds: requireBucket(
      input.turnaroundTargetSeconds ??
        presetThreshold(slos, 'sample-turnaround') ??
        merged.turnaroundTargetSeconds,
      'turnaroundTargetSeconds',
      METRICS.sampleProcessingDuration.buckets,
      METRICS.sampleProcessingDuration.name,
    ),
    provisioning: {
      folder: requireString(provisioning.folder, 'provisioning.folder', 'the Grafana folder'),
      folderUid: requireString(provisioning.folderUid, 'provisioning.folderUid', 'the Grafana folder uid'),
      dashboardsPath: requireString(
        provisioning.dashboardsPath,
        'provisioning.dashboardsPath',
        'the directory Grafana reads dashboards from',
      ),
      namespace: provisioning.namespace,
    },
  };
}
