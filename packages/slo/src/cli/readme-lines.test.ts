import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type AlertmanagerHandle,
  makeTempDir,
  type PrometheusHandle,
  startAlertmanager,
  startPrometheus,
} from '@tracseq/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '../../../..');

/**
 * The README's `npx tracseq-…` lines, comments cut; `check` lines have their own test (cli.test.ts),
 * and so does the deploy-gate line (gate-prometheus.test.ts).
 */
const LINES = readFileSync(join(REPO, 'README.md'), 'utf8')
  .split('\n')
  .filter((line) => line.startsWith('npx tracseq-') && !/^npx tracseq-slo (check|gate) /.test(line))
  .map((line) => line.replace(/\s+#.*$/, ''));

function sh(line: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    // Offline: npx must find the repository's own bin, never fetch one from the registry.
    execFile(
      'sh',
      ['-c', line],
      { cwd: REPO, env: { ...process.env, npm_config_offline: 'true' } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

// Every other CLI line of the README, run as written from the repository root. The one part
// substituted is the host of a URL that names a compose service (alertmanager:9093,
// prometheus:9090): it becomes a real Alertmanager or Prometheus started on loopback; and an
// `--output FILE` goes to a temp folder instead of the working tree.
describe("the README's tracseq CLI lines", { timeout: 180_000 }, () => {
  let alertmanager: AlertmanagerHandle;
  let prometheus: PrometheusHandle;
  const tmp = makeTempDir('readme-lines');
  beforeAll(async () => {
    // Silences need no receiver; the webhook is never called.
    [alertmanager, prometheus] = await Promise.all([
      startAlertmanager({ webhookUrl: 'http://127.0.0.1:9/unused' }),
      startPrometheus(),
    ]);
  });
  afterAll(async () => {
    await Promise.all([alertmanager?.stop(), prometheus?.stop()]);
    tmp.remove();
  });
  const local = (line: string) =>
    line
      .replace('http://alertmanager:9093', alertmanager.url)
      .replace('http://prometheus:9090', prometheus.url)
      .replace(/--output (\S+)/, (_, file: string) => `--output ${join(tmp.path, file)}`);

  it('lists the lines it runs', () => {
    expect(LINES.map((line) => line.split(' ').slice(0, 3).join(' '))).toEqual([
      'npx tracseq-slo silences',
      'npx tracseq-slo silences',
      'npx tracseq-slo replay',
      'npx tracseq-slo report',
      'npx tracseq-slo report',
    ]);
  });

  it.each(LINES)('%s', async (line) => {
    const run = await sh(local(line));
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(run.code, run.stderr).toBe(0);
    const output = /--output (\S+)/.exec(line)?.[1];
    if (output === undefined) expect(run.stdout.length).toBeGreaterThan(0);
    else expect(readFileSync(join(tmp.path, output), 'utf8')).toMatch(/^<!doctype html>/);
    if (line.includes('--alertmanager-url')) {
      // Re-running creates nothing twice.
      const stored = async () =>
        ((await (await fetch(`${alertmanager.url}/api/v2/silences`)).json()) as unknown[]).length;
      const first = await stored();
      const again = await sh(local(line));
      expect(again.code, again.stderr).toBe(0);
      expect(await stored()).toBe(first);
    }
  });
});
