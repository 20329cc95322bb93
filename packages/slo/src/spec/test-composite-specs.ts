// Test fixture (not built: test-*.ts): the component steps the composite tests' journeys read.

/**
 * The spec file of `sample-service` with the two steps of the test journeys: `submission`
 * (99.9 %, HTTP availability) and `processing` (99 %, sample processing success). `labels` is a
 * flow mapping body (e.g. `team: lab-platform`) for the file's `labels`, omitted when not given.
 */
export function stepsSpec(labels?: string): string {
  return `version: tracseq.slo/v1
service: sample-service
${labels === undefined ? '' : `labels: { ${labels} }\n`}slos:
  - name: submission
    objective: 99.9
    sli: { preset: http-availability }
  - name: processing
    objective: 99
    sli: { preset: sample-processing-success }
`;
}
