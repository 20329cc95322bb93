import { planSlos } from '@tracseq/slo';
import { type DashboardsConfig, type DashboardsConfigInput, resolveDashboardsConfig } from '../config.js';
import { canonicalJson, type JsonObject } from './canonical-json.js';
import { circuitBreakers } from './circuit-breakers.js';
import type { BuildContext, DashboardModule } from './context.js';
import { buildFrame, DASHBOARD_NAMES, type DashboardDefinition, type DashboardName } from './frame.js';
import { labOperations } from './lab-operations.js';
import { runtime } from './runtime.js';
import { serviceHealth } from './service-health.js';
import { sloOverview } from './slo-overview.js';
import { storageCapacity } from './storage-capacity.js';

const MODULES: Readonly<Record<DashboardName, DashboardModule>> = {
  'service-health': serviceHealth,
  'slo-overview': sloOverview,
  'lab-operations': labOperations,
  'storage-capacity': storageCapacity,
  runtime,
  'circuit-breakers': circuitBreakers,
};

/** Dashboard JSON models keyed by file name (`service-health.json`, ...). */
export type DashboardFiles = Readonly<Record<string, JsonObject>>;

/** Accepts a resolved config or a partial one (merged over the defaults and validated). */
function resolve(config: DashboardsConfig | DashboardsConfigInput): DashboardsConfig {
  return resolveDashboardsConfig(config as DashboardsConfigInput);
}

/** The definitions (before the SDK) of every dashboard, for tools that need titles or panel specs. */
export function defineDashboards(
  config: DashboardsConfig | DashboardsConfigInput = {},
): DashboardDefinition[] {
  const resolved = resolve(config);
  const context: BuildContext = { config: resolved, plans: resolved.slos.flatMap((spec) => planSlos(spec)) };
  return DASHBOARD_NAMES.map((name) => {
    const definition = MODULES[name](context);
    if (definition.name !== name) throw new Error(`dashboard module ${name} returned ${definition.name}`);
    return definition;
  });
}

/**
 * Builds the six TracSeq dashboards with the Grafana Foundation SDK. Pure and deterministic: the
 * same config gives byte-identical JSON (sorted keys, no timestamps or instance ids), so the
 * committed files only change when the dashboards do.
 */
export function buildDashboards(config: DashboardsConfig | DashboardsConfigInput = {}): DashboardFiles {
  const resolved = resolve(config);
  const definitions = defineDashboards(resolved);
  const titles = Object.fromEntries(definitions.map((d) => [d.name, d.title])) as Record<
    DashboardName,
    string
  >;
  const files: Record<string, JsonObject> = {};
  for (const definition of definitions) {
    const dashboard = buildFrame(definition, resolved, titles).build();
    // The SDK defaults links and annotation toggles to `placement: inControlsMenu`, which newer
    // Grafana tucks into a dropdown; on-call needs the links to the other dashboards in sight.
    for (const link of dashboard.links ?? []) delete link.placement;
    for (const annotation of dashboard.annotations?.list ?? []) delete annotation.placement;
    files[`${definition.name}.json`] = canonicalJson(dashboard) as JsonObject;
  }
  return files;
}
