import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { getFreePort, startOtlpReceiver, waitFor } from '@tracseq/testkit';
import { describe, expect, it } from 'vitest';

// startTelemetry waits for the span export worker to boot. A service script that awaits it at
// top level, before it has a server or any other handle, must still get past it: a real process
// from the build (where the worker exists), nothing else keeping it alive.

const PACKAGE = join(dirname(fileURLToPath(import.meta.url)), '../..');
const DIST = join(PACKAGE, 'dist/index.js');
const TRACING = join(PACKAGE, 'dist/tracing/index.js');

interface ScriptResult {
  stdout: string;
  stderr: string;
  code: number | null;
}

/**
 * Starts `source` as an ES module script in a fresh Node process from the package directory, with
 * `env` added to this process's; `stdin` is a pipe the test can write to.
 */
function startScript(source: string, env: Record<string, string> = {}) {
  const child = spawn(process.execPath, ['--input-type=module', '-e', source], {
    cwd: PACKAGE,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
  });
  const done = once(child, 'close').then(([code]) => ({ stdout, stderr, code }) as ScriptResult);
  return { child, done };
}

/** Runs `source` (see {@link startScript}) to its end. */
function runScript(source: string): Promise<ScriptResult> {
  const { child, done } = startScript(source);
  child.stdin.end();
  return done;
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

  it('protobuf: batches encoded into reused buffers arrive intact, also when retried while others are encoded', async () => {
    const receiver = await startOtlpReceiver();
    try {
      // Four batches of 500 per flush, exported at once. In the second round the collector
      // answers 503 until told otherwise, so every batch waits for its retry while the others
      // are encoded: a request buffer reused before its export's result would be sent with
      // another batch's spans.
      const { child, done } = startScript(
        `
const { createTracing } = await import(${JSON.stringify(TRACING)});
const tracing = createTracing({
  serviceName: 'svc',
  tracesEndpoint: ${JSON.stringify(receiver.tracesUrl)},
  maxExportBatchSize: 500,
  registerGlobal: false,
});
const spans = (round) => {
  for (let i = 0; i < 2000; i++) {
    tracing.tracer.startSpan('round ' + round + ' span ' + i, { attributes: { pad: 'x'.repeat(i % 97) } }).end();
  }
};
spans(1);
await tracing.forceFlush(30000);
process.stderr.write('flushed\\n');
await new Promise((resolve) => process.stdin.once('data', resolve));
spans(2);
await tracing.forceFlush(30000);
await tracing.shutdown(30000);
`,
      );
      await waitFor(() => receiver.requests.length === 4, {
        description: 'the first round arrives',
        timeoutMs: 20_000,
      });
      await receiver.setMode('fail503', { retryAfterSeconds: 1 });
      child.stdin.end('go\n');
      await waitFor(() => receiver.requests.filter((r) => r.status === 503).length >= 4, {
        description: 'the second round is refused once',
        timeoutMs: 20_000,
      });
      await receiver.setMode('up');
      const { stderr, code } = await done;
      expect(stderr).toBe('flushed\n');
      expect(code).toBe(0);
      const expected = [1, 2].flatMap((round) =>
        Array.from({ length: 2000 }, (_, i) => `round ${round} span ${i}`),
      );
      expect(receiver.spans.map((s) => s.name).sort()).toEqual(expected.sort());
    } finally {
      await receiver.close();
    }
  }, 60_000);
});
