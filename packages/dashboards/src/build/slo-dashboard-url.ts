import { dashboardUid } from '@tracseq/contract';
import type { DashboardsConfig } from '../config.js';

/**
 * The SLO overview URL for one SLO, `<grafanaUrl>/d/<prefix>slo-overview?var-service=…&var-slo=…`:
 * the same link `@tracseq/slo` puts in an alert's `dashboard_url` by default, so on-call lands
 * on the dashboard with the alert's service and SLO selected.
 */
export function sloDashboardUrl(config: DashboardsConfig, service: string, slo: string): string {
  const query = new URLSearchParams({ 'var-service': service, 'var-slo': slo });
  return `${config.grafanaUrl.replace(/\/$/, '')}/d/${dashboardUid('slo-overview', config.uidPrefix)}?${query}`;
}
