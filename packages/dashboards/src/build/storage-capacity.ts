import { labLabel, METRICS, zoneLabel } from '@tracseq/contract';
import {
  alertServiceMatchers,
  type DashboardModule,
  SERVICE_MATCHER,
  serviceVariableQuery,
} from './context.js';
import type { PanelSpec } from './panels.js';
import { labelOf, matcher, maxBy, selector, seriesOf, variableMatcher } from './query.js';

const CAPACITY = METRICS.storageCapacity;
const USED = METRICS.storageUsed;
const INFO = METRICS.storageZoneInfo;
const TEMPERATURE = METRICS.storageTemperature;
const ZONE = zoneLabel.name;
const LAB = labLabel.name;
const TARGET_TEMPERATURE = labelOf(INFO, 'target_temperature_celsius');

/** Utilisation thresholds of the issue: plan at 80 %, act at 95 %. */
export const UTILISATION_WARNING = 0.8;
/** See {@link UTILISATION_WARNING}. */
export const UTILISATION_CRITICAL = 0.95;
/** Deviation from a zone's target temperature that is drawn red. */
export const TEMPERATURE_TOLERANCE_CELSIUS = 5;
/** Window of the fill-rate trend behind the time-to-full estimate. */
export const FILL_TREND_WINDOW = '6h';

const UTILISATION_STEPS = [
  { value: null, color: 'green' },
  { value: UTILISATION_WARNING, color: 'orange' },
  { value: UTILISATION_CRITICAL, color: 'red' },
];

/**
 * Storage capacity: used vs capacity per zone with the 80 % / 95 % thresholds, a time-to-full
 * estimate from the fill trend, and measured temperature against each zone's target.
 */
export const storageCapacity: DashboardModule = ({ config }) => {
  const extra = config.serviceSelector.matchers;
  const zoneMatcher = variableMatcher(ZONE, 'zone');
  const scoped = (series: string) => selector(series, [SERVICE_MATCHER, zoneMatcher], extra);
  // Several services (and replicas) may export the same zone: one value per zone, the largest.
  const perZone = (series: string) => maxBy([ZONE], scoped(series));
  const used = perZone(seriesOf(USED));
  const capacity = perZone(seriesOf(CAPACITY));
  const utilisation = `${used} / (${capacity} > 0)`;
  const zones = config.storageZones;
  // PromQL cannot turn the target_temperature_celsius label into a value, so the targets come
  // from the lab settings, each multiplied onto that zone's info series (present only while the
  // zone is exported).
  const targets = zones
    .map(
      (zone) =>
        `${maxBy([ZONE], selector(seriesOf(INFO), [SERVICE_MATCHER, zoneMatcher, matcher(ZONE, '=', zone.name)], extra))} * ${zone.temperature}`,
    )
    .join(' or ');
  const measured = perZone(seriesOf(TEMPERATURE));
  const zoneList = zones.map((z) => `${z.name} (${z.temperature} °C, ${z.capacity} slots)`).join(', ');

  const temperaturePanels: PanelSpec[] = [
    {
      id: 7,
      kind: 'timeseries',
      title: 'Temperature vs target per zone',
      description: `Measured temperature per zone (${TEMPERATURE.name})${zones.length > 0 ? ' and the target from the lab settings' : ''}. A measured line drifting away from its target is a failing freezer.`,
      unit: 'celsius',
      width: zones.length > 0 ? 12 : 24,
      queries: [
        { expr: measured, legend: `{{${ZONE}}} measured` },
        ...(zones.length > 0 ? [{ expr: targets, legend: `{{${ZONE}}} target` }] : []),
      ],
    },
  ];
  if (zones.length > 0) {
    temperaturePanels.push({
      id: 8,
      kind: 'timeseries',
      title: 'Deviation from target temperature',
      description: `Measured minus target temperature per zone; beyond ±${TEMPERATURE_TOLERANCE_CELSIUS} °C (dashed) samples are at risk.`,
      unit: 'celsius',
      width: 12,
      thresholds: [
        { value: null, color: 'red' },
        { value: -TEMPERATURE_TOLERANCE_CELSIUS, color: 'green' },
        { value: TEMPERATURE_TOLERANCE_CELSIUS, color: 'red' },
      ],
      thresholdLines: true,
      queries: [{ expr: `${measured} - on (${ZONE}) (${targets})`, legend: `{{${ZONE}}}` }],
    });
  }
  temperaturePanels.push({
    id: 9,
    kind: 'table',
    title: 'Zones',
    description: `Configured storage zones as the services export them (${INFO.name}): lab and target temperature per zone.`,
    unit: 'none',
    width: 24,
    height: 6,
    queries: [
      {
        expr: `${maxBy([ZONE, LAB, TARGET_TEMPERATURE], scoped(seriesOf(INFO)))}`,
        instant: true,
        table: true,
      },
    ],
    transformations: [
      {
        id: 'organize',
        options: {
          excludeByName: { Time: true, Value: true },
          indexByName: { [ZONE]: 0, [LAB]: 1, [TARGET_TEMPERATURE]: 2 },
          renameByName: { [ZONE]: 'Zone', [LAB]: 'Lab', [TARGET_TEMPERATURE]: 'Target (°C)' },
        },
      },
    ],
  });

  return {
    name: 'storage-capacity',
    title: 'TracSeq / Storage capacity',
    description: `Will we run out of freezer space, and are the samples cold enough? Used vs capacity per storage zone with ${UTILISATION_WARNING * 100} % / ${UTILISATION_CRITICAL * 100} % thresholds, time to full, and temperature against target.${zoneList ? ` Zones: ${zoneList}.` : ''}`,
    variables: [
      {
        name: 'service',
        label: 'Service',
        description: 'TracSeq services that export storage zones',
        query: serviceVariableQuery(seriesOf(CAPACITY), config),
        regex: config.serviceSelector.regex,
      },
      {
        name: 'zone',
        label: 'Zone',
        description: 'Storage zones from the lab settings',
        query: `label_values(${selector(seriesOf(CAPACITY), [SERVICE_MATCHER], extra)}, ${ZONE})`,
      },
    ],
    alertMatchers: alertServiceMatchers(),
    sections: [
      {
        row: { id: 1, title: 'Capacity' },
        panels: [
          {
            id: 2,
            kind: 'bargauge',
            title: 'Utilisation per zone',
            description: `Used slots over capacity per zone. Orange from ${UTILISATION_WARNING * 100} % (plan moving samples), red from ${UTILISATION_CRITICAL * 100} % (act now).`,
            unit: 'percentunit',
            width: 12,
            min: 0,
            max: 1,
            thresholds: UTILISATION_STEPS,
            queries: [{ expr: utilisation, legend: `{{${ZONE}}}`, instant: true }],
          },
          {
            id: 3,
            kind: 'bargauge',
            title: 'Estimated time to full',
            description: `Free slots divided by the fill rate over the last ${FILL_TREND_WINDOW} (linear trend of ${USED.name}). Only zones that are filling are shown; red within a day, orange within a week.`,
            unit: 's',
            width: 12,
            noValue: 'No zone is filling',
            thresholds: [
              { value: null, color: 'red' },
              { value: 86_400, color: 'orange' },
              { value: 604_800, color: 'green' },
            ],
            queries: [
              {
                expr: `(${capacity} - ${used}) / (${maxBy([ZONE], `deriv(${scoped(seriesOf(USED))}[${FILL_TREND_WINDOW}])`)} > 0)`,
                legend: `{{${ZONE}}}`,
                instant: true,
              },
            ],
          },
          {
            id: 4,
            kind: 'timeseries',
            title: 'Used vs capacity per zone',
            description: `Slots in use (${USED.name}) and slots the zone holds (${CAPACITY.name}).`,
            unit: 'suffix: slots',
            width: 12,
            min: 0,
            queries: [
              { expr: used, legend: `{{${ZONE}}} used` },
              { expr: capacity, legend: `{{${ZONE}}} capacity` },
            ],
          },
          {
            id: 5,
            kind: 'timeseries',
            title: 'Utilisation over time',
            description: `Utilisation per zone with the ${UTILISATION_WARNING * 100} % and ${UTILISATION_CRITICAL * 100} % thresholds dashed.`,
            unit: 'percentunit',
            width: 12,
            min: 0,
            max: 1,
            thresholds: UTILISATION_STEPS,
            thresholdLines: true,
            queries: [{ expr: utilisation, legend: `{{${ZONE}}}` }],
          },
        ],
      },
      { row: { id: 6, title: 'Temperature' }, panels: temperaturePanels },
    ],
  };
};
