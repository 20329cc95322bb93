import { formatSpecError } from '@tracseq/contract';
import { describe, expect, it } from 'vitest';
import { loadSpecs } from './load-specs.js';
import { stepsSpec } from './test-composite-specs.js';

const STEPS = stepsSpec();

/** A journey spec file (service `journeys`) with one composite SLO. */
const journey = (body: string, objective = 98.5) => `version: tracseq.slo/v1
service: journeys
slos:
  - name: lifecycle
    objective: ${objective}
    sli:
      composite:
${body}`;

const SERIAL = `        mode: serial
        components:
          - slo: sample-service/submission
          - slo: sample-service/processing
`;

function load(...journeyTexts: string[]) {
  return loadSpecs([
    { path: 'slos/steps.yaml', text: STEPS },
    ...journeyTexts.map((text, i) => ({ path: `slos/journey-${i}.yaml`, text })),
  ]);
}

const errorsOf = (...texts: string[]) => load(...texts).errors.map(formatSpecError);

describe('composite SLI validation', () => {
  it('accepts a serial journey over SLOs of another spec file, without warnings', () => {
    const result = load(journey(SERIAL));
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([]);
    expect(result.specs).toHaveLength(2);
  });

  it('accepts a weighted journey with positive weights', () => {
    const result = load(
      journey(`        mode: weighted
        components:
          - { slo: sample-service/submission, weight: 3 }
          - { slo: sample-service/processing, weight: 1 }
`),
    );
    expect(result.errors).toEqual([]);
  });

  it.each<[string, string, RegExp]>([
    [
      'a component no spec file defines',
      journey(`        mode: serial
        components:
          - slo: sample-service/submission
          - slo: storage-service/requests-availability
`),
      /^slos\/journey-0\.yaml:11:18: slos\[0\]\.sli\.composite\.components\[1\]\.slo: no SLO storage-service\/requests-availability in the spec files given \(journeys\/lifecycle, sample-service\/processing, sample-service\/submission\)\. Fix: name an existing <service>\/<name>, or pass the spec file that defines it too$/,
    ],
    [
      'the composite itself as a component',
      journey(`        mode: serial
        components:
          - slo: sample-service/submission
          - slo: journeys/lifecycle
`),
      /:11:18: slos\[0\]\.sli\.composite\.components\[1\]\.slo: journeys\/lifecycle is this composite itself\. Fix: remove it/,
    ],
    [
      'a weighted component without a weight',
      journey(`        mode: weighted
        components:
          - { slo: sample-service/submission, weight: 2 }
          - { slo: sample-service/processing }
`),
      /:11:13: slos\[0\]\.sli\.composite\.components\[1\]: a weighted composite needs a weight on every component\. Fix: add weight: N/,
    ],
    [
      'a weight of 0',
      journey(`        mode: weighted
        components:
          - { slo: sample-service/submission, weight: 0 }
          - { slo: sample-service/processing, weight: 1 }
`),
      /:10:55: slos\[0\]\.sli\.composite\.components\[0\]\.weight: weight 0 is not above 0\. Fix: use a weight above 0/,
    ],
    [
      'a negative weight',
      journey(`        mode: weighted
        components:
          - { slo: sample-service/submission, weight: -1 }
          - { slo: sample-service/processing, weight: 1 }
`),
      /components\[0\]\.weight: weight -1 is not above 0/,
    ],
    [
      'a weight in serial mode',
      journey(`        mode: serial
        components:
          - { slo: sample-service/submission, weight: 2 }
          - { slo: sample-service/processing }
`),
      /components\[0\]\.weight: weight has no effect in serial mode .*\. Fix: remove weight, or use mode: weighted/,
    ],
    [
      'the same component twice',
      journey(`        mode: serial
        components:
          - slo: sample-service/submission
          - slo: sample-service/submission
`),
      /components\[1\]\.slo: sample-service\/submission is already a component of this composite/,
    ],
    [
      'an unknown mode',
      journey(`        mode: parallel
        components:
          - slo: sample-service/submission
          - slo: sample-service/processing
`),
      /slos\[0\]\.sli/,
    ],
  ])('rejects %s, located with a fix', (_, text, expected) => {
    const errors = errorsOf(text);
    expect(
      errors.some((e) => expected.test(e)),
      errors.join('\n'),
    ).toBe(true);
  });

  it('rejects a cycle of composites across files, naming the cycle', () => {
    const other = `version: tracseq.slo/v1
service: journeys-b
slos:
  - name: outer
    objective: 98
    sli:
      composite:
        mode: serial
        components:
          - slo: journeys/lifecycle
          - slo: sample-service/processing
`;
    const errors = errorsOf(
      journey(`        mode: serial
        components:
          - slo: sample-service/submission
          - slo: journeys-b/outer
`),
      other,
    );
    expect(errors).toContain(
      'slos/journey-0.yaml:11:18: slos[0].sli.composite.components[1].slo: composites form a cycle: journeys/lifecycle → journeys-b/outer → journeys/lifecycle. Fix: a journey cannot contain itself; remove one composite from the other',
    );
    expect(errors.some((e) => e.startsWith('slos/journey-1.yaml:10:18: ') && e.includes('cycle'))).toBe(true);
  });

  it('rejects a component that does not record a window the composite reads', () => {
    const errors = errorsOf(
      journey(SERIAL).replace('    objective: 98.5\n', '    objective: 98.5\n    period: 7d\n'),
    );
    expect(errors[0]).toMatch(
      /slos\[0\]\.sli\.composite\.components\[0\]\.slo: sample-service\/submission records no error ratio over .*7d, which this composite reads .*Fix: give the composite the same period and alertWindows as its components \(period 30d\)/,
    );
  });

  it('rejects minEvents on a composite with its own message', () => {
    const errors = errorsOf(`${journey(SERIAL)}    alerting: { minEvents: 20 }\n`);
    expect(errors).toEqual([
      "slos/journey-0.yaml:12:17: slos[0].alerting.minEvents: minEvents needs an SLI with event counts, but a composite SLI combines its components' error ratios and counts no events of its own. Fix: remove minEvents here and set alerting.minEvents on the components instead",
    ]);
  });

  it('warns, without failing, when a serial objective is above the product of the components', () => {
    // 99.9 % x 99 % = 98.901 %.
    const above = load(journey(SERIAL, 99));
    expect(above.errors).toEqual([]);
    expect(above.warnings.map(formatSpecError)).toEqual([
      "slos/journey-0.yaml:5:16: slos[0].objective: objective 99 is above 98.901 %, the product of the components' objectives: the journey would burn its budget while every step meets its own SLO. Fix: use an objective of at most 98.901, or raise the components' objectives",
    ]);
    expect(load(journey(SERIAL, 98.901)).warnings).toEqual([]);
  });

  it('does not warn for a weighted composite above the product', () => {
    const result = load(
      journey(
        `        mode: weighted
        components:
          - { slo: sample-service/submission, weight: 1 }
          - { slo: sample-service/processing, weight: 1 }
`,
        99,
      ),
    );
    expect(result.warnings).toEqual([]);
  });
});
