// The lab settings are parsed by the contract's one parser; re-exported for telemetry's API.
export {
  DEFAULT_LAB_SETTINGS,
  type LabSettings,
  LabSettingsError,
  parseLabSettings,
  type StorageZone,
} from '@tracseq/contract';
