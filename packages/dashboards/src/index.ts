/**
 * `@tracseq/dashboards`: Grafana dashboards as code for TracSeq services.
 *
 * @packageDocumentation
 */
export { DASHBOARD_UID_PREFIX, dashboardUid } from './dashboard-uid.js';
