import {
  type CriticalBreakerSelector,
  criticalBreakerSelectors,
  type InstrumentMaintenanceWindow,
  parseBreakerConfigYaml,
} from '@tracseq/circuit-breaker';
import { parseLabSettings } from '@tracseq/telemetry';
import { parseDuration } from '../duration.js';

/** A storage zone with its alert overrides. */
export interface AlertZone {
  readonly name: string;
  /** Target temperature, °C. */
  readonly temperature: number;
  readonly capacity: number;
  /** Overrides the generator's temperature margin (°C) for this zone. */
  readonly temperatureMargin?: number;
  /** Overrides the generator's temperature `for` for this zone. */
  readonly temperatureFor?: string;
}

/** What the lab-specific operational alerts and the silences are generated from. */
export interface LabAlertInputs {
  /** The lab settings file, as error messages and headers name it. */
  readonly source: string;
  readonly lab: string;
  readonly zones: readonly AlertZone[];
  readonly criticalBreakers: readonly CriticalBreakerSelector[];
  readonly maintenanceWindows: readonly InstrumentMaintenanceWindow[];
}

/** A lab settings problem; the message names the file, the field and the fix. */
export class LabInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LabInputError';
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * Reads the lab settings YAML (the `laboratory_settings` key of the `lab-config` ConfigMap) with
 * the telemetry and circuit-breaker parsers, plus the zone alert overrides
 * `temperature_margin` (°C) and `temperature_for` (duration). Throws {@link LabInputError}.
 */
export function readLabAlertInputs(text: string, source: string): LabAlertInputs {
  try {
    const settings = parseLabSettings(text, source);
    if (!/^[A-Za-z0-9._-]+$/.test(settings.lab)) {
      throw new LabInputError(
        `${source}: lab: ${JSON.stringify(settings.lab)} names generated files and alert labels. Fix: use letters, digits, ".", "_" or "-", e.g. lab-a`,
      );
    }
    const breakers = parseBreakerConfigYaml(text, source);
    const rawZones = Array.isArray(settings.raw.storage_zones) ? settings.raw.storage_zones : [];
    const zones = settings.storageZones.map((zone, i): AlertZone => {
      const raw: Record<string, unknown> = isObject(rawZones[i]) ? rawZones[i] : {};
      const at = `${source}: storage_zones[${i}]`;
      const margin = raw.temperature_margin;
      if (margin !== undefined && (typeof margin !== 'number' || !(margin > 0))) {
        throw new LabInputError(
          `${at}.temperature_margin: ${JSON.stringify(margin)} is not a positive number of °C. Fix: e.g. temperature_margin: 5`,
        );
      }
      const after = raw.temperature_for;
      if (after !== undefined) {
        try {
          parseDuration(String(after));
        } catch {
          throw new LabInputError(
            `${at}.temperature_for: ${JSON.stringify(after)} is not a duration. Fix: e.g. temperature_for: 10m`,
          );
        }
      }
      return {
        ...zone,
        ...(margin === undefined ? {} : { temperatureMargin: margin as number }),
        ...(after === undefined ? {} : { temperatureFor: String(after) }),
      };
    });
    return {
      source,
      lab: settings.lab,
      zones,
      criticalBreakers: criticalBreakerSelectors(breakers),
      maintenanceWindows: breakers.maintenanceWindows,
    };
  } catch (error) {
    if (error instanceof LabInputError) throw error;
    throw new LabInputError((error as Error).message);
  }
}
