import {
  labLabel,
  METRICS,
  SAMPLE_OUTCOMES,
  sampleTypeLabel,
  stepLabel,
  WORKFLOW_STEP_OUTCOMES,
  workflowLabel,
} from '@tracseq/contract';
import {
  alertServiceMatchers,
  type DashboardModule,
  SERVICE_MATCHER,
  serviceVariableQuery,
} from './context.js';
import {
  bucketMatcher,
  contractValue,
  histogramQuantile,
  labelOf,
  type Matcher,
  matcher,
  rate,
  ratioOf,
  selector,
  seriesOf,
  sumBy,
  variableMatcher,
} from './query.js';

const RECEIVED = METRICS.samplesReceived;
const PROCESSED = METRICS.samplesProcessed;
const DURATION = METRICS.sampleProcessingDuration;
const ERRORS = METRICS.sampleErrors;
const MANUAL = METRICS.manualOperations;
const STEP = METRICS.workflowStepDuration;
const COMPENSATIONS = METRICS.workflowCompensations;
const LAB = labLabel.name;
const TYPE = sampleTypeLabel.name;
const STAGE = labelOf(DURATION, 'stage');
const OUTCOME = labelOf(PROCESSED, 'outcome');
const REASON = labelOf(ERRORS, 'reason');
const OPERATION = labelOf(MANUAL, 'operation');
const WORKFLOW = workflowLabel.name;
const WORKFLOW_STEP = stepLabel.name;
const STEP_OUTCOME = labelOf(STEP, 'outcome');
const TOTAL_STAGE = 'total';
const PER_HOUR = 'suffix:/h';

/** `rate × 3600`: lab KPIs are read per hour, rates come per second. */
function perHour(expr: string): string {
  return `${expr} * 3600`;
}

/**
 * Lab operations: sample throughput per hour, processing success, turnaround per stage, data
 * quality errors, manual operations, and the sample-submission saga's steps and compensations.
 */
export const labOperations: DashboardModule = ({ config }) => {
  const extra = config.serviceSelector.matchers;
  const labMatcher = variableMatcher(LAB, 'lab');
  const scoped = (series: string, ...ms: Matcher[]) =>
    selector(series, [SERVICE_MATCHER, labMatcher, ...ms], extra);
  // Workflow metrics carry no lab label: they follow the service variable only.
  const workflow = (series: string, ...ms: Matcher[]) => selector(series, [SERVICE_MATCHER, ...ms], extra);
  const success = matcher(OUTCOME, '=', contractValue(SAMPLE_OUTCOMES, 'success'));
  const totalStage = matcher(STAGE, '=', TOTAL_STAGE);
  const target = config.turnaroundTargetSeconds;
  const targetHours = `${target / 3600} h`;
  const processed = (...ms: Matcher[]) => scoped(seriesOf(PROCESSED), ...ms);
  const successRatio = (by: string[]) =>
    ratioOf(sumBy(by, rate(processed(success))), sumBy(by, rate(processed())));
  const durationBucket = (...ms: Matcher[]) => scoped(seriesOf(DURATION, '_bucket'), ...ms);

  return {
    name: 'lab-operations',
    title: 'TracSeq / Lab operations',
    description:
      'Is the lab keeping up? Samples received and processed per hour by lab and type, processing success, turnaround per stage against the target, data-quality errors, manual operations, and saga workflow steps with their compensations.',
    variables: [
      {
        name: 'service',
        label: 'Service',
        description: 'TracSeq services that received samples',
        query: serviceVariableQuery(seriesOf(RECEIVED), config),
        regex: config.serviceSelector.regex,
      },
      {
        name: 'lab',
        label: 'Lab',
        description: 'Laboratories (allow-listed in the lab settings; "other" collects the rest)',
        query: `label_values(${selector(seriesOf(RECEIVED), [SERVICE_MATCHER], extra)}, ${LAB})`,
      },
    ],
    alertMatchers: alertServiceMatchers(),
    sections: [
      {
        row: { id: 1, title: 'Throughput and quality now' },
        panels: [
          {
            id: 2,
            kind: 'stat',
            title: 'Samples received per hour',
            description: `Samples received by the selected labs, as an hourly rate (rate of ${RECEIVED.name} × 3600).`,
            unit: PER_HOUR,
            width: 6,
            height: 5,
            decimals: 0,
            queries: [{ expr: perHour(sumBy([], rate(scoped(seriesOf(RECEIVED))))), instant: true }],
          },
          {
            id: 3,
            kind: 'stat',
            title: 'Samples processed per hour',
            description: `Samples whose processing finished (any outcome), as an hourly rate. Persistently below "received" means a backlog is building.`,
            unit: PER_HOUR,
            width: 6,
            height: 5,
            decimals: 0,
            queries: [{ expr: perHour(sumBy([], rate(processed()))), instant: true }],
          },
          {
            id: 4,
            kind: 'stat',
            title: 'Processing success',
            description: `Share of finished samples with outcome "success" (failed and rejected spend the data-quality SLO's budget; objective 99 %).`,
            unit: 'percentunit',
            width: 6,
            height: 5,
            decimals: 2,
            thresholds: [
              { value: null, color: 'red' },
              { value: 0.99, color: 'green' },
            ],
            queries: [{ expr: successRatio([]), instant: true }],
          },
          {
            id: 5,
            kind: 'stat',
            title: 'Turnaround P95',
            description: `95th percentile of end-to-end turnaround (stage="${TOTAL_STAGE}"). Target: within ${targetHours}.`,
            unit: 's',
            width: 6,
            height: 5,
            thresholds: [
              { value: null, color: 'green' },
              { value: target, color: 'red' },
            ],
            queries: [{ expr: histogramQuantile(0.95, durationBucket(totalStage), []), instant: true }],
          },
        ],
      },
      {
        row: { id: 6, title: 'Throughput' },
        panels: [
          {
            id: 7,
            kind: 'timeseries',
            title: 'Samples received per hour by lab and type',
            description: `Hourly rate of received samples per lab and sample type (${TYPE}).`,
            unit: PER_HOUR,
            width: 12,
            stacked: true,
            queries: [
              {
                expr: perHour(sumBy([LAB, TYPE], rate(scoped(seriesOf(RECEIVED))))),
                legend: `{{${LAB}}} {{${TYPE}}}`,
              },
            ],
          },
          {
            id: 8,
            kind: 'timeseries',
            title: 'Samples processed per hour by outcome',
            description: `Hourly rate of finished samples per lab and outcome (${SAMPLE_OUTCOMES.join(', ')}).`,
            unit: PER_HOUR,
            width: 12,
            stacked: true,
            queries: [
              {
                expr: perHour(sumBy([LAB, OUTCOME], rate(processed()))),
                legend: `{{${LAB}}} {{${OUTCOME}}}`,
              },
            ],
          },
          {
            id: 9,
            kind: 'timeseries',
            title: 'Processing success by sample type',
            description:
              'Per sample type, the share of finished samples that succeeded; the dashed line is the 99 % objective.',
            unit: 'percentunit',
            width: 12,
            min: 0,
            max: 1,
            thresholds: [
              { value: null, color: 'red' },
              { value: 0.99, color: 'green' },
            ],
            thresholdLines: true,
            queries: [{ expr: successRatio([LAB, TYPE]), legend: `{{${LAB}}} {{${TYPE}}}` }],
          },
          {
            id: 10,
            kind: 'timeseries',
            title: `Turnaround within ${targetHours}`,
            description: `Share of samples whose end-to-end turnaround finished within ${targetHours} (le bucket of stage="${TOTAL_STAGE}" over all); the turnaround SLI (objective 95 %).`,
            unit: 'percentunit',
            width: 12,
            min: 0,
            max: 1,
            thresholds: [
              { value: null, color: 'red' },
              { value: 0.95, color: 'green' },
            ],
            thresholdLines: true,
            queries: [
              {
                expr: ratioOf(
                  sumBy([LAB], rate(durationBucket(totalStage, bucketMatcher(target)))),
                  sumBy([LAB], rate(scoped(seriesOf(DURATION, '_count'), totalStage))),
                ),
                legend: `{{${LAB}}}`,
              },
            ],
          },
        ],
      },
      {
        row: { id: 11, title: 'Turnaround' },
        panels: [
          {
            id: 12,
            kind: 'timeseries',
            title: 'Processing time P50 / P95 by stage',
            description: `Percentiles of the time samples spend per processing stage (${STAGE}); "${TOTAL_STAGE}" is the end-to-end turnaround, dashed line its ${targetHours} target.`,
            unit: 's',
            width: 24,
            thresholds: [
              { value: null, color: 'green' },
              { value: target, color: 'red' },
            ],
            thresholdLines: true,
            queries: [0.5, 0.95].map((q) => ({
              expr: histogramQuantile(q, durationBucket(), [STAGE]),
              legend: `{{${STAGE}}} P${Math.round(q * 100)}`,
            })),
          },
        ],
      },
      {
        row: { id: 13, title: 'Data quality and manual work' },
        panels: [
          {
            id: 14,
            kind: 'timeseries',
            title: 'Sample errors per hour by reason',
            description: `Data-quality errors per hour by reason (${ERRORS.name}); a jump in one reason usually has one cause (a label printer, a courier).`,
            unit: PER_HOUR,
            width: 12,
            stacked: true,
            queries: [
              {
                expr: perHour(sumBy([LAB, REASON], rate(scoped(seriesOf(ERRORS))))),
                legend: `{{${LAB}}} {{${REASON}}}`,
              },
            ],
          },
          {
            id: 15,
            kind: 'timeseries',
            title: 'Manual operations per hour',
            description: `Manual operations by lab staff per hour and operation (${MANUAL.name}); the lab-efficiency KPI: fewer is better.`,
            unit: PER_HOUR,
            width: 12,
            stacked: true,
            queries: [
              {
                expr: perHour(sumBy([LAB, OPERATION], rate(scoped(seriesOf(MANUAL))))),
                legend: `{{${LAB}}} {{${OPERATION}}}`,
              },
            ],
          },
        ],
      },
      {
        row: { id: 16, title: 'Workflows (saga steps)' },
        panels: [
          {
            id: 17,
            kind: 'timeseries',
            title: 'Workflow step P95 latency',
            description: `95th percentile duration of each saga step (${WORKFLOW_STEP}) per workflow; these metrics have no lab label, the lab variable does not apply.`,
            unit: 's',
            width: 8,
            queries: [
              {
                expr: histogramQuantile(0.95, workflow(seriesOf(STEP, '_bucket')), [WORKFLOW, WORKFLOW_STEP]),
                legend: `{{${WORKFLOW}}} {{${WORKFLOW_STEP}}}`,
              },
            ],
          },
          {
            id: 18,
            kind: 'timeseries',
            title: 'Workflow steps by outcome',
            description: `Saga steps per second by outcome (${WORKFLOW_STEP_OUTCOMES.join(', ')}); "compensated" steps were undone after a later step failed.`,
            unit: 'ops',
            width: 8,
            stacked: true,
            queries: [
              {
                expr: sumBy(
                  [WORKFLOW, WORKFLOW_STEP, STEP_OUTCOME],
                  rate(workflow(seriesOf(STEP, '_count'))),
                ),
                legend: `{{${WORKFLOW}}} {{${WORKFLOW_STEP}}} {{${STEP_OUTCOME}}}`,
              },
            ],
          },
          {
            id: 19,
            kind: 'timeseries',
            title: 'Compensations per hour',
            description: `Saga compensations per hour by workflow and step (${COMPENSATIONS.name}): each one is a submission that failed part-way and was rolled back.`,
            unit: PER_HOUR,
            width: 8,
            stacked: true,
            queries: [
              {
                expr: perHour(sumBy([WORKFLOW, WORKFLOW_STEP], rate(workflow(seriesOf(COMPENSATIONS))))),
                legend: `{{${WORKFLOW}}} {{${WORKFLOW_STEP}}}`,
              },
            ],
          },
        ],
      },
    ],
  };
};
