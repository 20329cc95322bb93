import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getFreePort } from '@tracseq/testkit';
import { describe, expect, it } from 'vitest';

// startTelemetry waits for the span export worker to boot. A service script that awaits it at
// top level, before it has a server or any other handle, must still get past it: a real process
// from the build (where the worker exists), nothing else keeping it alive.

const PACKAGE = join(dirname(fileURLToPath(import.meta.url)), '../..');
const DIST = join(PACKAGE, 'dist/index.js');

describe('startTelemetry with the export worker', () => {
  it('resolves in a script with nothing else to keep the process alive, and the script goes on', async () => {
    const closed = await getFreePort();
    const source = `
const { startTelemetry } = await import(${JSON.stringify(DIST)});
const telemetry = await startTelemetry({
  serviceName: 'svc',
  otlpTracesEndpoint: 'http://127.0.0.1:${closed}/v1/traces',
  handleSignals: false,
});
process.stderr.write('started\\n');
await telemetry.shutdown();
process.stderr.write('stopped\\n');
`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', source], {
      cwd: PACKAGE,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    const [code] = (await once(child, 'close')) as [number | null];
    expect(stderr).toBe('started\nstopped\n');
    expect(code).toBe(0);
    // The startup summary says where spans go: the worker-backed OTLP exporter was in use.
    expect(stdout).toContain(`127.0.0.1:${closed}`);
  }, 60_000);
});
