import { type BreakerConfig, LabSettingsError, parseLabSettings } from '@tracseq/contract';

// Breaker policies are part of the lab settings and parsed by the contract's one parser; these
// names stay for code written against @tracseq/circuit-breaker.
export {
  type BreakerConfig,
  type BreakerPolicy,
  type BreakerRule,
  type BreakerWindow,
  DEFAULT_BREAKER_POLICY,
  type InstrumentMaintenanceWindow,
  type MaintenanceWindow,
  parseBreakerConfig,
} from '@tracseq/contract';

/** Invalid breaker settings: the lab settings' error, with every problem located. */
export const BreakerConfigError = LabSettingsError;
/** Invalid breaker settings: the lab settings' error, with every problem located. */
export type BreakerConfigError = LabSettingsError;

/**
 * The breakers section and maintenance windows of the lab settings YAML, read through the
 * contract's lab-settings parser. Throws {@link BreakerConfigError}.
 */
export function parseBreakerConfigYaml(text: string, source?: string): BreakerConfig {
  return parseLabSettings(text, source).breakers;
}
