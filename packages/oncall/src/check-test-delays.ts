import { parseDuration } from '@tracseq/contract';
import type { LabAlertInputs } from './lab-alert-inputs.js';
import type { OperationalOptions } from './operational-options.js';

/** Step of the generated promtool tests' input series, in seconds. */
export const OPERATIONAL_TEST_STEP_SECONDS = 60;

/**
 * The delays (`for:` durations) the generated promtool tests probe one step before and after;
 * each must be longer than the step. Returns one message per delay that is not, naming the
 * option and the fix; empty when all are fine.
 */
export function checkTestDelays(inputs: LabAlertInputs, options: OperationalOptions): string[] {
  const step = OPERATIONAL_TEST_STEP_SECONDS;
  const delays: [string, number][] = [
    ['storage.criticalFor', parseDuration(options.storage.criticalFor)],
    ['storage.warningFor', parseDuration(options.storage.warningFor)],
    ['temperature.for', parseDuration(options.temperature.for)],
    ['jobDownFor', parseDuration(options.jobDownFor)],
    ['targetDownFor', parseDuration(options.targetDownFor)],
    ...inputs.zones.flatMap((zone, i): [string, number][] =>
      zone.temperatureFor === undefined
        ? []
        : [[`${inputs.source}: storage_zones[${i}].temperature_for`, parseDuration(zone.temperatureFor)]],
    ),
  ];
  return delays
    .filter(([, seconds]) => seconds <= step)
    .map(
      ([name, seconds]) =>
        `${name}: ${seconds}s is too short for the generated promtool tests, which step ${step}s. Fix: use more than 1m, or build the rules without tests (buildLabOperationalRules, buildPlatformOperationalRules)`,
    );
}
