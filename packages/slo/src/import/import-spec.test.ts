import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatSpecError } from '@tracseq/contract';
import { describe, expect, it } from 'vitest';
import { importSpec } from './import-spec.js';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const CONFORMANCE = resolve(REPO, process.env.TRACSEQ_CONFORMANCE_DIR ?? '../shared/conformance');
const OPENSLO = join(CONFORMANCE, 'openslo');

describe('importSpec openslo', () => {
  it('converts an openslo/v1alpha ratio SLO the way Sloth reads it', () => {
    const text = `apiVersion: openslo/v1alpha
kind: SLO
metadata: { name: sloth-slo-my-service }
spec:
  service: my-service
  budgetingMethod: Occurrences
  objectives:
    - ratioMetrics:
        good: { source: prometheus, queryType: promql, query: 'sum(rate(x{code!~"5.."}[{{.window}}]))' }
        total: { source: prometheus, queryType: promql, query: 'sum(rate(x[{{.window}}]))' }
      target: 0.999
  timeWindows:
    - { count: 28, unit: Day }
`;
    const outcome = importSpec('openslo', { path: 'a.yml', text });
    expect(outcome.errors.map(formatSpecError)).toEqual([]);
    expect(outcome.spec?.slos[0]).toMatchObject({
      name: 'sloth-slo-my-service-0',
      objective: 99.9,
      period: '28d',
      sli: {
        events: { errorQuery: '(sum(rate(x[{{.window}}]))) - (sum(rate(x{code!~"5.."}[{{.window}}])))' },
      },
    });
  });

  it('refuses a format it does not read, naming the field', () => {
    const outcome = importSpec('openslo', { path: 'a.yml', text: 'version: prometheus/v1\nservice: s\n' });
    expect(outcome.errors.map(formatSpecError)).toEqual([
      'a.yml:1:10: version: "prometheus/v1" is not a openslo format. Fix: use one of openslo/v1alpha, openslo/v1',
    ]);
  });

  const files = existsSync(OPENSLO) ? readdirSync(OPENSLO).filter((f) => f.endsWith('.yaml')) : [];
  // Absent data never passes: the case shows as skipped, naming why; under CI=true it fails.
  const absent = `OpenSLO conformance examples not found in ${OPENSLO}: set TRACSEQ_CONFORMANCE_DIR to the conformance directory`;
  if (files.length === 0) {
    it.skipIf(process.env.CI !== 'true')(absent, () => {
      expect.fail(absent);
    });
  }

  it.each(files)('rejects unsupported constructs in %s with located errors, without crashing', (file) => {
    const path = join(OPENSLO, file);
    const outcome = importSpec('openslo', { path, text: readFileSync(path, 'utf8') });
    expect(outcome.text).toBeUndefined();
    expect(outcome.errors.length).toBeGreaterThan(0);
    for (const error of outcome.errors) {
      expect(error.file).toBe(path);
      expect(error.line).toBeGreaterThan(0);
      expect(error.path).not.toBe('');
      expect(error.hint).not.toBe('');
    }
    expect(outcome.errors.map((e) => e.path).join(' ')).toMatch(
      /budgetingMethod|thresholdMetric|metricSource|ratioMetric/,
    );
  });
});
