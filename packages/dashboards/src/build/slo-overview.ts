import { SERVICE_LABEL } from '@tracseq/contract';
import {
  alertWindows,
  DEFAULT_PERIOD,
  DEFAULT_RULE_OPTIONS,
  RECORDS,
  RESERVED_LABELS,
  recordedWindows,
} from '@tracseq/slo';
import {
  type DashboardModule,
  periodErrorRatio,
  SLO_LABELS,
  sloScope,
  sloSeries,
  sloWindows,
  windowBurnRate,
} from './context.js';
import { firingAlerts } from './frame.js';
import type { PanelSpec } from './panels.js';
import { contractValue, selector } from './query.js';

// Labels the burn-rate alerts carry, owned by @tracseq/slo: slo, severity and the window pair.
const ALERT_LABELS = RESERVED_LABELS.filter((label) => label !== SERVICE_LABEL);
const SLO_ALERT_LABEL = contractValue(RESERVED_LABELS, 'slo');

/**
 * SLO overview: every SLO with its objective, SLI over the period, budget left, burn rate per
 * alert window and the burn-rate alerts firing now. Alerts link here (`dashboard_url`) with
 * `var-service` and `var-slo` set.
 */
export const sloOverview: DashboardModule = ({ plans }) => {
  const scope = sloScope(true);
  const alertMatchers = [`${SERVICE_LABEL}=~"$service"`, `${SLO_ALERT_LABEL}=~"$slo"`];
  const legend = `{{${SLO_LABELS.service}}} {{${SLO_LABELS.name}}}`;
  const defaultWindows = recordedWindows(alertWindows(DEFAULT_PERIOD));
  const windows = sloWindows(plans, ['5m', ...defaultWindows]);
  const burnAlert = DEFAULT_RULE_OPTIONS.burnAlertName;
  const absentAlert = DEFAULT_RULE_OPTIONS.absentAlertName;
  const alertScope = [`alertname="${burnAlert}"`, ...alertMatchers];
  const pageFactors = [
    ...new Set(plans.flatMap((p) => p.pairs.filter((x) => x.kind === 'page').map((x) => x.factor))),
  ];
  // A journey (composite SLO) gets its own row like any SLO, from the same recordings; its entry
  // names the steps it combines.
  const sloList = plans.map(
    (p) =>
      `${p.service}/${p.name} (${p.objective * 100} % over ${p.period}${
        p.sli.kind === 'composite'
          ? `, ${p.sli.mode} journey over ${p.sli.components.map((c) => `${c.service}/${c.name}`).join(' and ')}`
          : ''
      })`,
  );
  const info = sloSeries(RECORDS.info, scope);
  const tableQueries = [
    { expr: info, instant: true, table: true },
    { expr: sloSeries(RECORDS.objective, scope), instant: true, table: true },
    { expr: `1 - (${periodErrorRatio(scope)})`, instant: true, table: true },
    { expr: sloSeries(RECORDS.budgetRemaining, scope), instant: true, table: true },
    { expr: sloSeries(RECORDS.currentBurnRate, scope), instant: true, table: true },
    { expr: sloSeries(RECORDS.periodBurnRate, scope), instant: true, table: true },
  ];
  const summary: PanelSpec = {
    id: 2,
    kind: 'table',
    title: 'SLOs',
    description:
      'One row per SLO: objective, SLI over the period (1 − traffic-weighted error ratio), budget left, burn rate over the last 5 minutes and over the period. Burn rate 1× spends exactly the budget by the end of the period.',
    unit: 'percentunit',
    width: 24,
    height: 7,
    decimals: 3,
    queries: tableQueries,
    transformations: [
      { id: 'merge', options: {} },
      {
        id: 'organize',
        options: {
          excludeByName: { Time: true, 'Value #A': true, [SLO_LABELS.id]: true, __name__: true },
          indexByName: {},
          renameByName: {
            [SLO_LABELS.service]: 'Service',
            [SLO_LABELS.name]: 'SLO',
            slo_period: 'Period',
            slo_objective: 'Objective (%)',
            'Value #B': 'Objective',
            'Value #C': 'SLI (period)',
            'Value #D': 'Budget left',
            'Value #E': 'Burn rate 5m',
            'Value #F': 'Burn rate period',
          },
        },
      },
    ],
    overrides: [
      {
        matcher: { id: 'byName', options: 'Burn rate 5m' },
        properties: [
          { id: 'unit', value: 'suffix:×' },
          { id: 'decimals', value: 2 },
        ],
      },
      {
        matcher: { id: 'byName', options: 'Burn rate period' },
        properties: [
          { id: 'unit', value: 'suffix:×' },
          { id: 'decimals', value: 2 },
        ],
      },
      {
        matcher: { id: 'byName', options: 'Budget left' },
        properties: [
          { id: 'custom.cellOptions', value: { type: 'color-background' } },
          {
            id: 'thresholds',
            value: {
              mode: 'absolute',
              steps: [
                { value: null, color: 'red' },
                { value: 0, color: 'orange' },
                { value: 0.25, color: 'yellow' },
                { value: 0.5, color: 'green' },
              ],
            },
          },
        ],
      },
    ],
  };

  return {
    name: 'slo-overview',
    title: 'TracSeq / SLO overview',
    description: `Are we keeping our promises? Every SLO with objective, SLI, error budget left, burn rate per alert window and the ${burnAlert} alerts firing now.${sloList.length > 0 ? ` SLOs: ${sloList.join(', ')}.` : ''}`,
    variables: [
      {
        name: 'service',
        label: 'Service',
        description: 'Services with SLOs (from the recorded SLO info series)',
        query: `label_values(${RECORDS.info}, ${SLO_LABELS.service})`,
      },
      {
        name: 'slo',
        label: 'SLO',
        description: 'SLOs of the selected services',
        query: `label_values(${selector(RECORDS.info, sloScope(false))}, ${SLO_LABELS.name})`,
      },
    ],
    alertMatchers,
    sections: [
      { row: { id: 1, title: 'Objectives and budgets' }, panels: [summary] },
      {
        row: { id: 3, title: 'Over time' },
        panels: [
          {
            id: 4,
            kind: 'timeseries',
            title: 'SLI over the period',
            description:
              'Share of good events over each SLO period, traffic-weighted. It moves slowly by design: a dip here is budget already spent.',
            unit: 'percentunit',
            width: 12,
            decimals: 3,
            queries: [{ expr: `1 - (${periodErrorRatio(scope)})`, legend }],
          },
          {
            id: 5,
            kind: 'timeseries',
            title: 'Error budget remaining',
            description:
              'Share of each SLO budget left in its period; below 0 the SLO is missed for this period.',
            unit: 'percentunit',
            width: 12,
            max: 1,
            thresholds: [
              { value: null, color: 'red' },
              { value: 0, color: 'green' },
            ],
            thresholdLines: true,
            queries: [{ expr: sloSeries(RECORDS.budgetRemaining, scope), legend }],
          },
        ],
      },
      {
        row: { id: 6, title: 'Burn rates' },
        panels: [
          {
            id: 7,
            kind: 'timeseries',
            title: 'Burn rate per alert window',
            description: `Error ratio over each alert window divided by the budget (${windows.join(', ')}). A page fires when a long and a short window both exceed the factor${pageFactors.length > 0 ? ` (${pageFactors.join('× / ')}× for the page pairs)` : ''}; 1× spends exactly the budget.`,
            unit: 'suffix:×',
            width: 16,
            min: 0,
            thresholds: [
              { value: null, color: 'green' },
              { value: 1, color: 'yellow' },
              ...pageFactors
                .slice()
                .sort((a, b) => a - b)
                .slice(-1)
                .map((f) => ({ value: f, color: 'red' })),
            ],
            thresholdLines: true,
            queries: windows.map((w) => ({ expr: windowBurnRate(w, scope), legend: `${legend} ${w}` })),
          },
          {
            id: 8,
            kind: 'timeseries',
            title: 'SLI events per second',
            description:
              'Good plus bad events and bad events per second over 5 minutes, per SLO (the inputs of the period ratio): requests for HTTP SLOs, samples for lab SLOs.',
            unit: 'cps',
            width: 8,
            queries: [
              { expr: sloSeries(RECORDS.totalRate, scope), legend: `${legend} all` },
              { expr: sloSeries(RECORDS.errorRate, scope), legend: `${legend} bad` },
            ],
          },
        ],
      },
      {
        row: { id: 9, title: 'Alerts' },
        panels: [
          {
            id: 10,
            kind: 'table',
            title: `Firing ${burnAlert} alerts`,
            description: `Burn-rate alerts firing now, one row per window pair (severity critical pages, warning opens a ticket). Empty means no SLO burns its budget too fast. ${absentAlert} (no SLI data) appears in the annotations.`,
            unit: 'short',
            width: 24,
            height: 6,
            noValue: 'No burn-rate alert firing',
            queries: [{ expr: firingAlerts(alertScope), instant: true, table: true }],
            transformations: [
              {
                id: 'organize',
                options: {
                  excludeByName: { Time: true, Value: true, __name__: true, alertstate: true },
                  indexByName: Object.fromEntries(
                    ['alertname', SERVICE_LABEL, ...ALERT_LABELS].map((label, i) => [label, i]),
                  ),
                  renameByName: {},
                },
              },
            ],
          },
        ],
      },
    ],
  };
};
