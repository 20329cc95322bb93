import type { PresetName, SloSpecFile } from '@tracseq/slo';

/**
 * The threshold the SLO specs set for a latency preset, so the dashboards draw the target the
 * SLOs defend instead of a second copy of it. `undefined` when no SLO uses the preset, or when
 * SLOs disagree (then the config must say which line to draw).
 */
export function presetThreshold(slos: readonly SloSpecFile[], preset: PresetName): number | undefined {
  const thresholds = new Set<number>();
  for (const file of slos) {
    for (const slo of file.slos) {
      const sli = slo.sli as { preset?: string; thresholdSeconds?: number };
      if (sli.preset === preset && typeof sli.thresholdSeconds === 'number')
        thresholds.add(sli.thresholdSeconds);
    }
  }
  return thresholds.size === 1 ? [...thresholds][0] : undefined;
}
