import {
  type CriticalBreakerSelector,
  criticalBreakerSelectors,
  type InstrumentMaintenanceWindow,
  type LabSettings,
  parseLabSettings,
  type StorageZone,
} from '@tracseq/contract';

/** A storage zone with its alert overrides (`temperature_margin`, `temperature_for`). */
export type AlertZone = StorageZone;

/** What the lab-specific operational alerts and the silences are generated from. */
export interface LabAlertInputs {
  /** The lab settings file, as error messages and headers name it. */
  readonly source: string;
  readonly lab: string;
  readonly zones: readonly AlertZone[];
  readonly criticalBreakers: readonly CriticalBreakerSelector[];
  readonly maintenanceWindows: readonly InstrumentMaintenanceWindow[];
}

/** The alert inputs of parsed lab settings: zones, critical breakers (by name pattern), windows. */
export function labAlertInputs(settings: LabSettings): LabAlertInputs {
  return {
    source: settings.source,
    lab: settings.lab,
    zones: settings.storageZones,
    criticalBreakers: criticalBreakerSelectors(settings.breakers),
    maintenanceWindows: settings.maintenanceWindows,
  };
}

/**
 * Reads the lab settings YAML (the `laboratory_settings` key of the `lab-config` ConfigMap)
 * through the contract's one parser. Throws `LabSettingsError` naming file, line, field and fix.
 */
export function readLabAlertInputs(text: string, source: string): LabAlertInputs {
  return labAlertInputs(parseLabSettings(text, source));
}
