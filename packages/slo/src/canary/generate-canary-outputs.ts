import { type GeneratedOrigin, OUTPUT_DIRS, renderYaml } from '@tracseq/contract';
import { planSlos } from '../rules/slo-plan.js';
import type { LoadedSpec } from '../spec/load-specs.js';
import { buildAnalysisTemplate, type SkippedSlo } from './build-analysis-template.js';
import type { CanaryOptions } from './canary-options.js';

/** Suffix of the generated `AnalysisTemplate` files, under the `k8s` output directory. */
export const ANALYSIS_TEMPLATE_SUFFIX = '.analysistemplate.yml';

/** The path of a service's `AnalysisTemplate` relative to the output directory. */
export function analysisTemplatePath(service: string): string {
  return `${OUTPUT_DIRS.k8s}/${service}${ANALYSIS_TEMPLATE_SUFFIX}`;
}

/** What `generate --argo-rollouts` adds: files keyed by path, and the SLOs each service left out. */
export interface CanaryOutputs {
  readonly files: ReadonlyMap<string, string>;
  readonly skipped: readonly (SkippedSlo & { readonly service: string; readonly file: string })[];
}

/**
 * One `AnalysisTemplate` per service across all its spec files, SLOs in file order. A service
 * may span several files; its template's header names the first of them (by path), which is
 * the input that owns it. Pure: the CLI writes the files.
 */
export function generateCanaryOutputs(
  specs: readonly LoadedSpec[],
  source: (path: string) => string | GeneratedOrigin = (p) => p,
  options: Partial<CanaryOptions> = {},
): CanaryOutputs {
  const byService = new Map<string, LoadedSpec[]>();
  for (const spec of [...specs].sort((a, b) => a.path.localeCompare(b.path))) {
    byService.set(spec.spec.service, [...(byService.get(spec.spec.service) ?? []), spec]);
  }
  const files = new Map<string, string>();
  const skipped: CanaryOutputs['skipped'][number][] = [];
  for (const [service, owned] of [...byService].sort(([a], [b]) => a.localeCompare(b))) {
    const plans = owned.flatMap((s) => planSlos(s.spec));
    const analysis = buildAnalysisTemplate(service, plans, options);
    for (const s of analysis.skipped) {
      const file = owned.find((o) => o.spec.slos.some((slo) => slo.name === s.slo))?.path ?? '';
      skipped.push({ ...s, service, file });
    }
    const owner = owned[0] as LoadedSpec;
    if (analysis.template)
      files.set(analysisTemplatePath(service), renderYaml(analysis.template, source(owner.path)));
  }
  return { files, skipped };
}
