import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getFreePort, startOtlpReceiver } from '@tracseq/testkit';
import { describe, expect, it } from 'vitest';

// startTelemetry waits for the span export worker to boot. A service script that awaits it at
// top level, before it has a server or any other handle, must still get past it: a real process
// from the build (where the worker exists), nothing else keeping it alive.

const PACKAGE = join(dirname(fileURLToPath(import.meta.url)), '../..');
const DIST = join(PACKAGE, 'dist/index.js');

/** Runs `source` as an ES module script in a fresh Node process from the package directory. */
async function runScript(source: string): Promise<{ stdout: string; stderr: string; code: number | null }> {
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
  return { stdout, stderr, code };
}

describe('startTelemetry with the export worker', () => {
  it('resolves in a script with nothing else to keep the process alive, and the script goes on', async () => {
    const closed = await getFreePort();
    const { stdout, stderr, code } = await runScript(`
const { startTelemetry } = await import(${JSON.stringify(DIST)});
const telemetry = await startTelemetry({
  serviceName: 'svc',
  otlpTracesEndpoint: 'http://127.0.0.1:${closed}/v1/traces',
  handleSignals: false,
});
process.stderr.write('started\\n');
await telemetry.shutdown();
process.stderr.write('stopped\\n');
`);
    expect(stderr).toBe('started\nstopped\n');
    expect(code).toBe(0);
    // The startup summary says where spans go: the worker-backed OTLP exporter was in use.
    expect(stdout).toContain(`127.0.0.1:${closed}`);
  }, 60_000);

  it.each(['http/protobuf', 'http/json'] as const)(
    '%s: rehearses the pipeline through the worker at start, sending and counting none of it',
    async (protocol) => {
      const receiver = await startOtlpReceiver();
      try {
        const { stdout, stderr, code } = await runScript(`
const { startTelemetry } = await import(${JSON.stringify(DIST)});
const telemetry = await startTelemetry({
  serviceName: 'svc',
  otlpTracesEndpoint: ${JSON.stringify(receiver.tracesUrl)},
  otlpProtocol: '${protocol}',
  handleSignals: false,
});
for (let i = 0; i < 3; i++) telemetry.tracer.startSpan('service span ' + i).end();
await telemetry.shutdown();
`);
        expect(stderr).toBe('');
        expect(code).toBe(0);
        expect(receiver.spans.map((s) => s.name).sort()).toEqual([
          'service span 0',
          'service span 1',
          'service span 2',
        ]);
        // The shutdown summary's books hold the service's 3 spans, not the rehearsal's thousands.
        const summary = stdout.split('\n').find((line) => line.includes('telemetry stopped'));
        expect(JSON.parse(summary ?? '{}')).toMatchObject({
          tracseq: { spans: { exported: 3, dropped: { queue_full: 0, export_failed: 0, shutdown: 0 } } },
        });
      } finally {
        await receiver.close();
      }
    },
    60_000,
  );
});
