import type { BreakerConfig } from '../breakers/breaker-policy.js';
import type { InstrumentMaintenanceWindow } from '../maintenance/maintenance-window.js';

/** A storage zone of the lab, with its optional alert overrides. */
export interface StorageZone {
  readonly name: string;
  /** Target temperature, °C. */
  readonly temperature: number;
  /** Slots the zone holds. */
  readonly capacity: number;
  /** Overrides the temperature alert's margin (°C) for this zone. */
  readonly temperatureMargin?: number;
  /** Overrides how long the temperature must be off before the alert fires (e.g. `10m`). */
  readonly temperatureFor?: string;
}

/**
 * The lab settings, validated and typed: the one configuration of a lab (the
 * `laboratory_settings` key of the `lab-config` ConfigMap). Values a command-line flag also sets
 * are optional here: flags win over them, and they win over the generators' defaults.
 */
export interface LabSettings {
  /** The file (or other source) the settings came from, as errors and headers name it. */
  readonly source: string;
  readonly lab: string;
  readonly storageZones: readonly StorageZone[];
  /**
   * Allowed values per bounded label (`sample_types`, `stages`, `error_reasons`, ...);
   * `storage_zones` (the zone names) and `labs` (the lab, unless listed) are always present.
   */
  readonly allowLists: Readonly<Record<string, readonly string[]>>;
  /** Instrument maintenance windows (also folded into {@link breakers}). */
  readonly maintenanceWindows: readonly InstrumentMaintenanceWindow[];
  readonly breakers: BreakerConfig;
  /** Base URL of the lab's Grafana, for alert `dashboard_url`s. */
  readonly grafanaUrl?: string;
  /** Base URL of the runbooks, without a trailing slash. */
  readonly runbookBaseUrl?: string;
  /** Prefix of every generated dashboard uid. */
  readonly dashboardUidPrefix?: string;
}
