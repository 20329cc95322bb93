import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { getFreePort, type OtlpReceiver, startOtlpReceiver, waitFor } from '@tracseq/testkit';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { applicationDirs } from './instrument-express-module.js';

const PACKAGE = join(dirname(fileURLToPath(import.meta.url)), '../..');
const FIXTURES = join(PACKAGE, 'fixtures/register');

interface Service {
  readonly child: ChildProcess;
  readonly base: string;
  output(): string;
}

const children: ChildProcess[] = [];

/** Value of the HTTP histogram's `_count` series having these labels (and GET 200), if exposed. */
function countOf(text: string, labels: Record<string, string>): number | undefined {
  const wanted = { http_request_method: 'GET', http_response_status_code: '200', ...labels };
  for (const [, set, value] of text.matchAll(
    /^http_server_request_duration_seconds_count\{([^}]*)\} (\S+)$/gm,
  )) {
    if (Object.entries(wanted).every(([k, v]) => set?.split(',').includes(`${k}="${v}"`)))
      return Number(value);
  }
  return undefined;
}

// Real processes: --import, the module caches and SIGTERM only exist in a fresh Node process.
async function startService(
  script: string,
  env: Record<string, string>,
  options: { importSpecifier?: string; cwd?: string; waitReady?: boolean } = {},
): Promise<Service> {
  const port = await getFreePort();
  const child = spawn(
    process.execPath,
    ['--import', options.importSpecifier ?? '@tracseq/telemetry/register', script],
    {
      cwd: options.cwd ?? PACKAGE,
      env: { PATH: process.env.PATH ?? '', PORT: String(port), TRACSEQ_SHUTDOWN_TIMEOUT_MS: '3000', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  children.push(child);
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const base = `http://127.0.0.1:${port}`;
  if (options.waitReady ?? true) {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`service exited (${child.exitCode}): ${output}`);
        return (await fetch(`${base}/health/ready`)).status === 200;
      },
      { timeoutMs: 20_000, intervalMs: 50, description: `${script} ready` },
    );
  }
  return { child, base, output: () => output };
}

async function stop(service: Service): Promise<number | null> {
  service.child.kill('SIGTERM');
  const [code] = (await once(service.child, 'exit')) as [number | null];
  return code;
}

describe('node --import @tracseq/telemetry/register', () => {
  let receiver: OtlpReceiver;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
  });

  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
  });

  afterAll(async () => {
    await receiver?.close();
  });

  it('instruments an ESM app (import express, { Router }) from env-only config and exits 0 on SIGTERM', async () => {
    const service = await startService(join(FIXTURES, 'esm-app.mjs'), {
      OTEL_SERVICE_NAME: 'register-esm',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    });
    expect((await fetch(`${service.base}/api/samples/S-1`)).status).toBe(200);
    expect(await (await fetch(`${service.base}/health/ready`)).json()).toEqual({ status: 'ok', checks: {} });
    const metrics = await (await fetch(`${service.base}/metrics`)).text();
    expect(countOf(metrics, { http_route: '/api/samples/:id', service: 'register-esm' })).toBe(1);
    expect(metrics).not.toContain('S-1');
    const slow = fetch(`${service.base}/slow`).then((r) => r.text());
    await new Promise((r) => setTimeout(r, 100));
    expect(await stop(service)).toBe(0);
    expect(await slow).toBe('finished');
    const [span] = await receiver.waitForSpans((s) => s.name === 'GET /api/samples/:id', 10_000);
    expect(span?.kind).toBe(2);
    expect(span?.resource['service.name']).toBe('register-esm');
    expect(span?.attributes['http.route']).toBe('/api/samples/:id');
    expect(service.output()).toContain('"message":"GET /api/samples/:id 200"');
    expect(service.output()).not.toContain('express not found');
  });

  it('instruments a CommonJS app (require express)', async () => {
    const service = await startService(join(FIXTURES, 'cjs-app.cjs'), {
      OTEL_SERVICE_NAME: 'register-cjs',
      OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
    });
    expect((await fetch(`${service.base}/api/labs/lab-a/samples/S-2`)).status).toBe(200);
    const metrics = await (await fetch(`${service.base}/metrics`)).text();
    expect(countOf(metrics, { http_route: '/api/labs/:lab/samples/:id', service: 'register-cjs' })).toBe(1);
    expect(await stop(service)).toBe(0);
    const [span] = await receiver.waitForSpans((s) => s.name === 'GET /api/labs/:lab/samples/:id', 10_000);
    expect(span?.resource['service.name']).toBe('register-cjs');
  });

  it('fails at start with the setting named when the env-only config is invalid', async () => {
    const service = await startService(
      join(FIXTURES, 'esm-app.mjs'),
      { OTEL_SERVICE_NAME: 'register-esm', OTEL_TRACES_SAMPLER: 'sometimes' },
      { waitReady: false },
    );
    const [code] = (await once(service.child, 'exit')) as [number | null];
    expect(code).not.toBe(0);
    expect(service.output()).toContain('OTEL_TRACES_SAMPLER: "sometimes" is not valid');
  });

  it('logs one warning and keeps running when express cannot be resolved', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tracseq-register-'));
    try {
      const script = join(dir, 'worker.mjs');
      writeFileSync(script, "setInterval(() => {}, 1000);\nconsole.log('worker up');\n");
      const service = await startService(
        script,
        { OTEL_SERVICE_NAME: 'worker', OTEL_TRACES_EXPORTER: 'none' },
        {
          importSpecifier: pathToFileURL(join(PACKAGE, 'dist/register.js')).href,
          cwd: dir,
          waitReady: false,
        },
      );
      // Log lines reach stdout at the end of their event-loop turn, so the warning may follow the
      // script's own (synchronous) console.log.
      await waitFor(
        () => service.output().includes('worker up') && service.output().includes('express not found'),
        {
          timeoutMs: 20_000,
          intervalMs: 50,
        },
      );
      const warnings = service.output().match(/express not found/g) ?? [];
      expect(warnings).toHaveLength(1);
      expect(service.child.exitCode).toBeNull();
      expect(await stop(service)).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('applicationDirs', () => {
  it("resolves from the main script's directory, then the working directory", () => {
    expect(applicationDirs(['node', 'app/server.mjs'], '/srv')).toEqual(['/srv/app', '/srv']);
    expect(applicationDirs(['node', '/srv/server.mjs'], '/srv')).toEqual(['/srv']);
    expect(applicationDirs(['node'], '/srv')).toEqual(['/srv']);
  });
});
