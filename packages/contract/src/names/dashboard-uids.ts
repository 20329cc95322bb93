/** Prefix of every generated dashboard uid (the default of `DashboardsConfig.uidPrefix`). */
export const DASHBOARD_UID_PREFIX = 'tracseq-';

/**
 * The stable uid of a generated dashboard, `<prefix><name>` (`tracseq-slo-overview` by default);
 * alerts link to `/d/<uid>`, so a uid never changes once published. Grafana caps uids at 40
 * characters.
 */
export function dashboardUid(name: string, prefix: string = DASHBOARD_UID_PREFIX): string {
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(name)) {
    throw new Error(`dashboard name "${name}" must be kebab-case ([a-z0-9-])`);
  }
  const uid = `${prefix}${name}`;
  if (uid.length > 40) throw new Error(`dashboard uid "${uid}" is longer than Grafana's 40 characters`);
  return uid;
}

/** Names of the generated dashboards; each file is `grafana/dashboards/<name>.json`. */
export const DASHBOARD_NAMES = {
  serviceHealth: 'service-health',
  labOperations: 'lab-operations',
  storageCapacity: 'storage-capacity',
  runtime: 'runtime',
  circuitBreakers: 'circuit-breakers',
  sloOverview: 'slo-overview',
} as const;

/** uids of the generated dashboards under the default prefix, for links from alerts. */
export const DASHBOARD_UIDS = {
  serviceHealth: dashboardUid(DASHBOARD_NAMES.serviceHealth),
  labOperations: dashboardUid(DASHBOARD_NAMES.labOperations),
  storageCapacity: dashboardUid(DASHBOARD_NAMES.storageCapacity),
  runtime: dashboardUid(DASHBOARD_NAMES.runtime),
  circuitBreakers: dashboardUid(DASHBOARD_NAMES.circuitBreakers),
  sloOverview: dashboardUid(DASHBOARD_NAMES.sloOverview),
} as const;
