import { DEFAULT_GRAFANA_URL, DEFAULT_RUNBOOK_BASE_URL, OPERATIONAL_ALERT_PREFIX } from '@tracseq/contract';

/** Storage-zone fill alerts. */
export interface StorageAlertOptions {
  /** Used/capacity ratio that pages (`critical`). */
  readonly criticalRatio: number;
  /** Used/capacity ratio that opens a ticket (`warning`). */
  readonly warningRatio: number;
  readonly criticalFor: string;
  readonly warningFor: string;
  /** How far ahead `predict_linear` looks for a zone running full. */
  readonly predictHorizon: string;
  /** The fill history `predict_linear` fits. */
  readonly predictLookback: string;
  readonly predictFor: string;
}

/** Freezer temperature alerts; a zone's `temperature_margin` / `temperature_for` override these. */
export interface TemperatureAlertOptions {
  /** Allowed distance from the zone's target temperature, °C. */
  readonly margin: number;
  readonly for: string;
}

/** Options of the operational alert generator; merge yours over {@link DEFAULT_OPERATIONAL_OPTIONS}. */
export interface OperationalOptions {
  /** Shared CamelCase prefix of every operational alert name. */
  readonly alertPrefix: string;
  /**
   * Base of every `runbook_url`: an alert's page is `<base>/operational/<kebab-case alert name>` (a trailing slash is ignored),
   * served from `docs/runbooks/operational/<kebab-case alert name>.md`.
   */
  readonly runbookBaseUrl: string;
  /** Base URL of Grafana for alert `dashboard_url`s. */
  readonly grafanaUrl: string;
  readonly storage: StorageAlertOptions;
  readonly temperature: TemperatureAlertOptions;
  /** A job whose every target is down this long pages; one target down this long tickets. */
  readonly jobDownFor: string;
  readonly targetDownFor: string;
  /** Window over which lost log records, spans or series raise a ticket. */
  readonly telemetryLossWindow: string;
}

/** Defaults of {@link OperationalOptions}. */
export const DEFAULT_OPERATIONAL_OPTIONS: OperationalOptions = {
  alertPrefix: OPERATIONAL_ALERT_PREFIX,
  runbookBaseUrl: DEFAULT_RUNBOOK_BASE_URL,
  grafanaUrl: DEFAULT_GRAFANA_URL,
  storage: {
    criticalRatio: 0.95,
    warningRatio: 0.8,
    criticalFor: '5m',
    warningFor: '15m',
    predictHorizon: '24h',
    predictLookback: '6h',
    predictFor: '30m',
  },
  temperature: { margin: 5, for: '10m' },
  jobDownFor: '2m',
  targetDownFor: '5m',
  telemetryLossWindow: '10m',
};

/** Merges partial options over the defaults (nested sections merge field by field). */
export function resolveOperationalOptions(
  options: Partial<Omit<OperationalOptions, 'storage' | 'temperature'>> & {
    readonly storage?: Partial<StorageAlertOptions>;
    readonly temperature?: Partial<TemperatureAlertOptions>;
  } = {},
): OperationalOptions {
  const d = DEFAULT_OPERATIONAL_OPTIONS;
  return {
    ...d,
    ...options,
    runbookBaseUrl: (options.runbookBaseUrl ?? d.runbookBaseUrl).replace(/\/+$/, ''),
    grafanaUrl: (options.grafanaUrl ?? d.grafanaUrl).replace(/\/+$/, ''),
    storage: { ...d.storage, ...options.storage },
    temperature: { ...d.temperature, ...options.temperature },
  };
}

/** `TracseqStorageZoneAlmostFull` → `tracseq-storage-zone-almost-full` (runbook page names). */
export function kebabCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}
