import { afterAll, describe, expect, it } from 'vitest';
import { makeTempDir, type PrometheusHandle, startBackfilledPrometheus } from './index.js';

// The backfill through real promtool and Prometheus: samples written as OpenMetrics come back
// from queries at their own timestamps, thirty days apart (so the 90d retention matters).

const T0 = Date.UTC(2025, 0, 1) / 1000;
const DAY = 86_400;

describe('startBackfilledPrometheus', { timeout: 120_000 }, () => {
  const tmp = makeTempDir('backfill-test');
  let prometheus: PrometheusHandle | undefined;

  afterAll(async () => {
    await prometheus?.stop();
    tmp.remove();
  });

  it('serves backfilled samples at their timestamps', async () => {
    const lines = ['# TYPE tracseq_backfill_probe gauge'];
    for (let day = 0; day <= 30; day++)
      lines.push(`tracseq_backfill_probe{day_set="all"} ${day * 10} ${T0 + day * DAY}`);
    lines.push('# EOF', '');
    prometheus = await startBackfilledPrometheus({
      dir: tmp.path,
      openMetrics: lines.join('\n'),
      maxBlockDuration: '162h',
    });
    expect(await prometheus.queryValue('tracseq_backfill_probe', new Date((T0 + 60) * 1000))).toBe(0);
    expect(await prometheus.queryValue('tracseq_backfill_probe', new Date((T0 + 7 * DAY + 60) * 1000))).toBe(
      70,
    );
    expect(await prometheus.queryValue('tracseq_backfill_probe', new Date((T0 + 30 * DAY) * 1000))).toBe(300);
  });

  it('throws with promtool output when the history is not valid OpenMetrics', async () => {
    const bad = makeTempDir('backfill-bad');
    try {
      await expect(
        startBackfilledPrometheus({ dir: bad.path, openMetrics: 'tracseq_backfill_probe 1 1735689600\n' }),
      ).rejects.toThrow(/promtool backfill failed:\n.*\S/s);
    } finally {
      bad.remove();
    }
  });
});
