import { formatSpecError, MAX_INPUT_BYTES } from '@tracseq/contract';
import { describe, expect, it } from 'vitest';
import { loadSpecs } from './load-specs.js';

const VALID = `version: tracseq.slo/v1
service: sample-service
labels: { team: lab-platform }
slos:
  - name: requests-availability
    objective: 99.9
    sli:
      preset: http-availability
`;

/** Replaces `from` in the valid spec and returns the only error's formatted line. */
function errorsOf(text: string, file = 'slos/sample.yaml'): string[] {
  const result = loadSpecs([{ path: file, text }]);
  expect(result.specs).toEqual([]);
  return result.errors.map(formatSpecError);
}

const spec = (slo: string) => `version: tracseq.slo/v1\nservice: sample-service\nslos:\n${slo}`;

describe('loadSpecs', () => {
  it('accepts a valid spec', () => {
    const result = loadSpecs([{ path: 'a.yaml', text: VALID }]);
    expect(result.errors).toEqual([]);
    expect(result.specs[0]?.spec.slos[0]?.name).toBe('requests-availability');
  });

  it.each<[string, string, RegExp]>([
    [
      'YAML syntax',
      'version: tracseq.slo/v1\nservice: [unclosed\n',
      /^slos\/sample\.yaml:\d+:\d+: YAML syntax error/,
    ],
    [
      'an unknown field, at its key',
      spec('  - name: a\n    objective: 99\n    objectve: 99\n    sli: { preset: http-availability }\n'),
      /^slos\/sample\.yaml:6:5: slos\[0\]\.objectve: unknown field "objectve"\. Fix: remove it or correct the spelling; allowed here: name, description, objective/,
    ],
    [
      'a missing field',
      spec('  - name: a\n    sli: { preset: http-availability }\n'),
      /:4:5: slos\[0\]: missing required field "objective"\. Fix: add objective/,
    ],
    [
      'objective 100',
      spec('  - name: a\n    objective: 100\n    sli: { preset: http-availability }\n'),
      /:5:16: slos\[0\]\.objective: .*100 % leaves no error budget/,
    ],
    [
      'objective 0',
      spec('  - name: a\n    objective: 0\n    sli: { preset: http-availability }\n'),
      /slos\[0\]\.objective: objective 0 is not above 0 %/,
    ],
    [
      'minEvents on a raw SLI, at its key',
      spec(
        '  - name: a\n    objective: 99\n    sli: { raw: { errorRatioQuery: "avg_over_time(x[{{.window}}])" } }\n    alerting: { minEvents: 50 }\n',
      ),
      /:7:17: slos\[0\]\.alerting\.minEvents: minEvents needs an SLI with event counts, but a raw SLI gives only an error ratio\. Fix: remove minEvents, or write the SLI as events/,
    ],
    [
      'an SLO depending on itself',
      spec(
        '  - name: a\n    objective: 99\n    sli: { preset: http-availability }\n    dependsOn: [sample-service/a]\n',
      ),
      /:7:17: slos\[0\]\.dependsOn\[0\]: sample-service\/a is this SLO itself\. Fix: remove it/,
    ],
    [
      'minEvents under 1',
      spec(
        '  - name: a\n    objective: 99\n    sli: { preset: http-availability }\n    alerting: { minEvents: 0 }\n',
      ),
      /slos\[0\]\.alerting\.minEvents: /,
    ],
    [
      'a bad duration',
      spec('  - name: a\n    objective: 99\n    period: 4w\n    sli: { preset: http-availability }\n'),
      /:6:13: slos\[0\]\.period: is not a duration\. Fix: .*no w or y/,
    ],
    [
      'a period out of range',
      spec('  - name: a\n    objective: 99\n    period: 120d\n    sli: { preset: http-availability }\n'),
      /slos\[0\]\.period: period 120d is outside 1h\.\.90d/,
    ],
    [
      'an unknown preset',
      spec('  - name: a\n    objective: 99\n    sli: { preset: http-availabilty }\n'),
      /slos\[0\]\.sli\.preset: must be one of "http-availability"/,
    ],
    [
      'a PromQL syntax error',
      spec(
        '  - name: a\n    objective: 99\n    sli:\n      events:\n        errorQuery: sum(rate(x{code="5"}[{{.window}}])\n        totalQuery: sum(rate(x[{{.window}}]))\n',
      ),
      /:8:21: slos\[0\]\.sli\.events\.errorQuery: PromQL syntax error/,
    ],
    [
      'a missing {{.window}}',
      spec(
        '  - name: a\n    objective: 99\n    sli:\n      events:\n        errorQuery: sum(rate(x{code="5"}[5m]))\n        totalQuery: sum(rate(x[{{.window}}]))\n',
      ),
      /slos\[0\]\.sli\.events\.errorQuery: the query has no \{\{\.window\}\} placeholder/,
    ],
    [
      'an error query equal to the total query',
      spec(
        '  - name: a\n    objective: 99\n    sli:\n      events:\n        errorQuery: sum(rate(x[{{.window}}]))\n        totalQuery: sum(rate(x[{{.window}}]))\n',
      ),
      /errorQuery is the same as totalQuery/,
    ],
    [
      'a latency threshold off the contract buckets',
      spec('  - name: a\n    objective: 95\n    sli: { preset: http-latency, thresholdSeconds: 0.2 }\n'),
      /slos\[0\]\.sli\.thresholdSeconds: 0\.2 s is not a bucket boundary of http_server_request_duration_seconds.*Fix: use one of 0\.005, 0\.01/,
    ],
    [
      'a selector label the metric does not have',
      spec(
        '  - name: a\n    objective: 99\n    sli:\n      preset: http-availability\n      selector: { path: /api }\n',
      ),
      /slos\[0\]\.sli\.selector\.path: http_server_request_duration_seconds has no label "path".*http_route/,
    ],
    [
      'a reserved label',
      'version: tracseq.slo/v1\nservice: s\nlabels: { severity: page }\nslos:\n  - name: a\n    objective: 99\n    sli: { preset: http-availability }\n',
      /labels\.severity: label "severity" is reserved/,
    ],
    [
      'a Sloth file given as native',
      'version: prometheus/v1\nservice: s\nslos: []\n',
      /:1:10: version: prometheus\/v1 is not the native format tracseq\.slo\/v1\. Fix: convert it once with: tracseq-slo import sloth/,
    ],
    [
      'window pairs out of order',
      spec(
        '  - name: a\n    objective: 99\n    sli: { preset: http-availability }\n    alertWindows:\n      page:\n        quick: { errorBudgetPercent: 2, shortWindow: 1h, longWindow: 5m }\n        slow: { errorBudgetPercent: 5, shortWindow: 30m, longWindow: 6h }\n      ticket:\n        quick: { errorBudgetPercent: 10, shortWindow: 2h, longWindow: 1d }\n        slow: { errorBudgetPercent: 10, shortWindow: 6h, longWindow: 3d }\n',
      ),
      /slos\[0\]\.alertWindows\.page\.quick\.shortWindow: shortWindow 1h must be shorter than longWindow 5m/,
    ],
  ])('reports %s with file, line, column, path and fix', (_what, text, pattern) => {
    const errors = errorsOf(text);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.join('\n')).toMatch(pattern);
    for (const line of errors) expect(line).toMatch(/^slos\/sample\.yaml:\d+:\d+: .*\. Fix: /);
  });

  it('reports duplicate SLO names of one service across files and returns no spec', () => {
    const result = loadSpecs([
      { path: 'a.yaml', text: VALID },
      { path: 'b.yaml', text: VALID },
    ]);
    expect(result.specs).toEqual([]);
    expect(result.errors.map(formatSpecError)).toEqual([
      'b.yaml:5:11: slos[0].name: SLO name "requests-availability" is already used for service sample-service in a.yaml. Fix: SLO names are unique per service across all spec files; rename one',
    ]);
  });

  it('allows the same SLO name for different services', () => {
    const other = VALID.replace('service: sample-service', 'service: storage-service');
    expect(
      loadSpecs([
        { path: 'a.yaml', text: VALID },
        { path: 'b.yaml', text: other },
      ]).errors,
    ).toEqual([]);
  });

  it('accepts whole-number thresholds on the turnaround buckets', () => {
    const text = spec(
      '  - name: t\n    objective: 95\n    sli: { preset: sample-turnaround, thresholdSeconds: 14400 }\n',
    );
    expect(loadSpecs([{ path: 'a.yaml', text }]).errors).toEqual([]);
  });
});

const NATIVE = (slo: string) => `version: tracseq.slo/v1\nservice: sample-service\nslos:\n${slo}`;

describe('reliability row 2: YAML errors and duplicate keys at their own line', () => {
  it('reports a YAML syntax error on line 6 at line 6, not 1:1', () => {
    const text = NATIVE('  - name: a\n    objective: 99.9\n    sli: { preset: [http-availability }\n');
    const errors = errorsOf(text);
    expect(errors[0]).toMatch(/^slos\/sample\.yaml:6:\d+: YAML syntax error: /);
    expect(errors.join('\n')).not.toMatch(/:1:1:/);
  });

  it('reports an objective given twice at the second key', () => {
    const text = NATIVE(
      '  - name: a\n    objective: 99.9\n    objective: 99\n    sli: { preset: http-availability }\n',
    );
    expect(errorsOf(text)).toEqual([
      'slos/sample.yaml:6:5: YAML syntax error: Map keys must be unique. Fix: keep one of the duplicate keys',
    ]);
  });
});

describe('reliability row 5: objectives whose alerts could never fire, or too close to 100 %', () => {
  const objective = (value: string, extra = '') =>
    NATIVE(`  - name: a\n    objective: ${value}\n    sli: { preset: http-availability }\n${extra}`);

  it.each([
    ['0.1', /objective 0\.1 leaves an error budget of 99\.9 %, so no page alert can ever fire/],
    ['1e-300', /objective 1e-300 leaves an error budget of 100 %, so no page alert can ever fire/],
    [
      '50',
      /page 1h\/5m: 14\.4 × 50 % = 720 %; page 6h\/30m: 6 × 50 % = 300 %.*Fix: raise the objective above 83\.3334 %/,
    ],
  ])('rejects %s: no page window pair can fire', (value, pattern) => {
    const errors = errorsOf(objective(value));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatch(/^slos\/sample\.yaml:5:16: slos\[0\]\.objective: /);
    expect(errors[0]).toMatch(pattern);
  });

  it('rejects an objective so close to 100 % that the generated tests cannot be exact, naming the bound', () => {
    const errors = errorsOf(objective('99.99999999999999'));
    expect(errors).toEqual([expect.stringContaining('is above 99.9999999 %, the highest objective')]);
  });

  it('accepts the bound itself', () => {
    expect(loadSpecs([{ path: 'a.yaml', text: objective('99.9999999') }]).errors).toEqual([]);
  });

  it('warns (no error) for each single pair that cannot fire', () => {
    const result = loadSpecs([{ path: 'a.yaml', text: objective('90') }]);
    expect(result.errors).toEqual([]);
    expect(result.specs).toHaveLength(1);
    expect(result.warnings.map(formatSpecError)).toEqual([
      'a.yaml:5:16: slos[0].objective: the page 1h/5m alert can never fire: it needs an error ratio above 14.4 × 10 % = 144 %, more than 100 %. Fix: raise the objective above 93.0556 % for it to fire; the other alerts still do',
    ]);
  });

  it('judges tickets when pages are disabled', () => {
    const ticketsOnly = objective('50', '    alerting: { page: { enabled: false } }\n');
    expect(loadSpecs([{ path: 'a.yaml', text: ticketsOnly }]).errors).toEqual([]);
    const never = objective('1e-300', '    alerting: { page: { enabled: false } }\n');
    expect(errorsOf(never)[0]).toMatch(/so no ticket alert can ever fire/);
  });
});

describe('reliability row 12: spec size limit', () => {
  it('refuses a spec over MAX_INPUT_BYTES with a clear error instead of parsing it', () => {
    const slo = '  - name: a\n    objective: 99.9\n    sli: { preset: http-availability }\n';
    const text = `${NATIVE(slo)}# ${'x'.repeat(MAX_INPUT_BYTES)}\n`;
    expect(errorsOf(text)).toEqual([
      expect.stringMatching(
        new RegExp(`^slos/sample\\.yaml:1:1: the file is \\d+ bytes, over the ${MAX_INPUT_BYTES}-byte limit`),
      ),
    ]);
  });
});

describe('reliability row 14: each objective out of range has its own message, and grammar', () => {
  const objective = (value: string) =>
    NATIVE(`  - name: a\n    objective: ${value}\n    sli: { preset: http-availability }\n`);

  it.each([
    ['0', 'objective 0 is not above 0 %'],
    ['-1', 'objective -1 is not above 0 %'],
    ['.nan', 'objective .nan is not a number'],
    ['.inf', 'objective .inf is not a finite number'],
    ['100', 'objective 100 % leaves no error budget'],
    ['150', 'objective 150 is over 100 %'],
  ])('objective %s', (value, message) => {
    const errors = errorsOf(objective(value));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`slos[0].objective: ${message}`);
    if (value !== '100') expect(errors[0]).not.toContain('leaves no error budget');
  });

  it('says "an object", not "a object"', () => {
    const errors = errorsOf(
      NATIVE('  - name: a\n    objective: 99\n    sli: { preset: http-availability }\n    alerting: []\n'),
    );
    expect(errors.join('\n')).toContain('slos[0].alerting: [] is not an object. Fix: write an object here');
    expect(errors.join('\n')).not.toContain('a object');
  });
});
