import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LabSettingsError } from '@tracseq/contract';
import { makeTempDir, promtoolCheckRules, promtoolTestRules } from '@tracseq/testkit';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { checkTestDelays } from './check-test-delays.js';
import { generateOperationalOutputs } from './generate-operational-outputs.js';
import { readLabAlertInputs } from './lab-alert-inputs.js';
import { DEFAULT_OPERATIONAL_OPTIONS, resolveOperationalOptions } from './operational-options.js';

const EXAMPLE = join(dirname(fileURLToPath(import.meta.url)), '../../../examples/lab-settings.yaml');

function writeAll(dir: string, files: ReadonlyMap<string, string>): void {
  for (const [path, content] of files) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), content);
  }
}

describe('operational alerts', () => {
  it('pass promtool check and their generated tests, for defaults and tightened options', async () => {
    const inputs = readLabAlertInputs(readFileSync(EXAMPLE, 'utf8'), 'examples/lab-settings.yaml');
    const variants = [
      DEFAULT_OPERATIONAL_OPTIONS,
      resolveOperationalOptions({
        storage: { criticalRatio: 0.9, warningFor: '30m' },
        temperature: { margin: 2 },
      }),
    ];
    for (const options of variants) {
      const temp = makeTempDir('operational');
      const dir = temp.path;
      const files = generateOperationalOutputs(inputs, 'examples/lab-settings.yaml', options);
      writeAll(dir, files);
      const rules = [...files.keys()].filter((p) => p.startsWith('rules/')).map((p) => join(dir, p));
      const checked = await promtoolCheckRules(rules);
      expect(checked.ok, checked.stdout + checked.stderr).toBe(true);
      const tests = [...files.keys()].filter((p) => p.startsWith('tests/'));
      const tested = await promtoolTestRules(tests, dir);
      expect(tested.ok, tested.stdout + tested.stderr).toBe(true);
      temp.remove();
    }
  }, 120_000);

  it('every alert has severity, summary, description, runbook and dashboard links', () => {
    const inputs = readLabAlertInputs(readFileSync(EXAMPLE, 'utf8'), 'lab.yaml');
    const files = generateOperationalOutputs(inputs, 'lab.yaml', DEFAULT_OPERATIONAL_OPTIONS);
    const alerts = [...files]
      .filter(([p]) => p.startsWith('rules/'))
      .flatMap(
        ([, text]) =>
          (
            parse(text) as {
              groups: {
                rules: {
                  alert: string;
                  labels: Record<string, string>;
                  annotations: Record<string, string>;
                }[];
              }[];
            }
          ).groups,
      )
      .flatMap((g) => g.rules);
    expect(new Set(alerts.map((a) => a.alert))).toEqual(
      new Set([
        'TracseqStorageZoneAlmostFull',
        'TracseqStoragePredictedFull',
        'TracseqFreezerTemperatureOutOfRange',
        'TracseqCircuitBreakerStuckOpen',
        'TracseqTargetDown',
        'TracseqTelemetryLogRecordsLost',
        'TracseqTelemetrySpansDropped',
        'TracseqTelemetrySeriesDropped',
        'TracseqWatchdog',
      ]),
    );
    for (const alert of alerts) {
      expect(Object.keys(alert.annotations), alert.alert).toEqual([
        'summary',
        'description',
        'runbook_url',
        'dashboard_url',
      ]);
      expect(['critical', 'warning', 'none']).toContain(alert.labels.severity);
    }
  });

  it('a bad lab settings field names the file, the field and the fix', () => {
    const bad = readFileSync(EXAMPLE, 'utf8').replace(
      '{ name: freezer_minus_80, temperature: -80, capacity: 1000 }',
      '{ name: freezer_minus_80, temperature: -80, capacity: 1000, temperature_margin: -3 }',
    );
    expect(() => readLabAlertInputs(bad, 'lab.yaml')).toThrow(LabSettingsError);
    expect(() => readLabAlertInputs(bad, 'lab.yaml')).toThrow(
      'lab.yaml:5:85: storage_zones[0].temperature_margin: -3 is not > 0. Fix: a positive number of °C, e.g. temperature_margin: 5',
    );
    expect(() =>
      readLabAlertInputs('lab: lab-a\nbreakers: { rules: [ { match: {}, timeout: soon } ] }', 'l.yaml'),
    ).toThrow(/l\.yaml:2:\d+: breakers\.rules\[0\]\.match: must not be empty/);
  });
});

describe('operational test delays', () => {
  it('refuses a delay the generated promtool tests cannot probe, naming the option and the fix', () => {
    const inputs = readLabAlertInputs(readFileSync(EXAMPLE, 'utf8'), 'lab.yaml');
    const options = resolveOperationalOptions({ storage: { criticalFor: '10s' }, jobDownFor: '1m' });
    expect(() => generateOperationalOutputs(inputs, 'lab.yaml', options)).toThrow(
      'storage.criticalFor: 10s is too short for the generated promtool tests, which step 60s. Fix: use more than 1m',
    );
    expect(checkTestDelays(inputs, options)).toHaveLength(2);
    expect(checkTestDelays(inputs, resolveOperationalOptions())).toEqual([]);
  });
});
