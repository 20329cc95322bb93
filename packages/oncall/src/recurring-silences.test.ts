import { parseLabSettings } from '@tracseq/contract';
import { type AlertmanagerHandle, startAlertmanager } from '@tracseq/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applySilences } from './alertmanager-silences.js';
import { buildSilences } from './build-silences.js';
import { labAlertInputs } from './lab-alert-inputs.js';
import { loopbackAlertmanagerConfigYaml } from './loopback-alertmanager-config.js';

const DAY = 86_400_000;

const inputsOf = (yaml: string) => labAlertInputs(parseLabSettings(yaml, 'lab.yaml'));
const spans = (silences: ReturnType<typeof buildSilences>) =>
  silences.map((s) => `${s.startsAt}..${s.endsAt}`);

describe('silences of recurring maintenance windows', () => {
  const berlin = inputsOf(`lab: lab-a
maintenance_windows:
  - instrument: sequencer-1
    lab: lab-a
    schedule: "DTSTART;TZID=Europe/Berlin:20261006T060000\\nRRULE:FREQ=WEEKLY;BYDAY=TU,FR"
    duration: 4h
    reason: calibration
`);

  it('gives one silence per occurrence in the horizon, at the wall-clock time across a DST change', () => {
    const silences = buildSilences(berlin, new Date('2026-10-21T00:00:00Z'));
    // Berlin leaves summer time on 2026-10-25: 06:00 is 04:00Z before, 05:00Z after.
    expect(spans(silences)).toEqual([
      '2026-10-23T04:00:00.000Z..2026-10-23T08:00:00.000Z',
      '2026-10-27T05:00:00.000Z..2026-10-27T09:00:00.000Z',
    ]);
    expect(silences[0]?.matchers.map((m) => `${m.name}=${m.value}`)).toEqual([
      'instrument=sequencer-1',
      'lab=lab-a',
    ]);
    expect(silences[0]?.comment).toBe('Maintenance of sequencer-1: calibration (lab.yaml)');
  });

  it('takes the horizon, and includes an occurrence already under way', () => {
    const during = new Date('2026-10-23T06:00:00Z');
    expect(spans(buildSilences(berlin, during, DAY))).toEqual([
      '2026-10-23T04:00:00.000Z..2026-10-23T08:00:00.000Z',
    ]);
    // Fridays and Tuesdays through 2026-11-06 05:00Z, just before the horizon ends at 06:00Z.
    expect(buildSilences(berlin, during, 14 * DAY)).toHaveLength(5);
  });

  it('follows the month end', () => {
    const monthly = inputsOf(`lab: lab-a
maintenance_windows:
  - { instrument: freezer_minus_20, schedule: "DTSTART:20261130T220000Z\\nRRULE:FREQ=MONTHLY;BYMONTHDAY=-1", duration: 4h, reason: defrost }
`);
    expect(spans(buildSilences(monthly, new Date('2027-01-30T00:00:00Z'), 62 * DAY))).toEqual([
      '2027-01-31T22:00:00.000Z..2027-02-01T02:00:00.000Z',
      '2027-02-28T22:00:00.000Z..2027-03-01T02:00:00.000Z',
      '2027-03-31T22:00:00.000Z..2027-04-01T02:00:00.000Z',
    ]);
  });

  it('gives a silence twice written once', () => {
    const twice = inputsOf(`lab: lab-a
maintenance_windows:
  - { instrument: s, schedule: "DTSTART:20261201T060000Z\\nRRULE:FREQ=DAILY", duration: 1h, reason: flush }
  - { instrument: s, schedule: "DTSTART:20261201T060000Z\\nRRULE:FREQ=WEEKLY", duration: 1h, reason: flush }
`);
    expect(buildSilences(twice, new Date('2026-12-01T00:00:00Z'), 3 * DAY)).toHaveLength(3);
  });
});

describe('tracseq-slo silences run daily against a real Alertmanager', () => {
  let alertmanager: AlertmanagerHandle;
  beforeAll(async () => {
    alertmanager = await startAlertmanager({
      configYaml: loopbackAlertmanagerConfigYaml('http://127.0.0.1:9/'),
    });
  });
  afterAll(async () => {
    await alertmanager?.stop();
  });

  it('creates each occurrence once: a second run and the next day only add what entered the horizon', async () => {
    // Alertmanager refuses silences that ended, so the schedule starts from the real clock.
    const now = Math.floor(Date.now() / 1000) * 1000;
    const dtstart = new Date(now + 3_600_000)
      .toISOString()
      .replace(/[-:]/g, '')
      .replace(/\.\d{3}/, '');
    const inputs = inputsOf(`lab: lab-a
maintenance_windows:
  - instrument: sequencer-1
    schedule: "DTSTART:${dtstart}\\nRRULE:FREQ=DAILY"
    duration: 2h
    reason: daily flush
`);
    const first = await applySilences(alertmanager.url, buildSilences(inputs, new Date(now)));
    expect(first.map((a) => a.created)).toEqual([true, true, true, true, true, true, true]);
    const again = await applySilences(alertmanager.url, buildSilences(inputs, new Date(now)));
    expect(again.map((a) => a.created)).toEqual([false, false, false, false, false, false, false]);
    expect(again.map((a) => a.id)).toEqual(first.map((a) => a.id));
    const tomorrow = await applySilences(alertmanager.url, buildSilences(inputs, new Date(now + DAY)));
    expect(tomorrow.map((a) => a.created)).toEqual([false, false, false, false, false, false, true]);
    const stored = (await (await fetch(`${alertmanager.url}/api/v2/silences`)).json()) as {
      comment: string;
      status: { state: string };
    }[];
    expect(
      stored.filter((s) => s.comment.includes('daily flush') && s.status.state === 'pending'),
    ).toHaveLength(8);
  });
});
