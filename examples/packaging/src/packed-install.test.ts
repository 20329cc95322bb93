import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeTempDir, type OtlpReceiver, startOtlpReceiver } from '@tracseq/testkit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { npm, run } from './npm.ts';
import { type Manifest, packPackages, publicPackages, ROOT, type Tarball } from './pack-packages.ts';
import { codeBlocks } from './readme-snippet.ts';
import { startService } from './service-process.ts';

// What a TracSeq service does to adopt the toolkit, end to end: the tarballs `npm pack` makes of
// every public package are installed with npm into a new app outside the repository, and the
// README's snippets run there as real processes.

const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const PACKAGES = publicPackages();
const TELEMETRY = PACKAGES.find((p) => p.manifest.name === '@tracseq/telemetry')?.manifest as Manifest;
const EXPRESS = TELEMETRY.devDependencies?.express as string;
const INSTALL_FLAGS = ['--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];
const ROUTE = "app.get('/api/samples/:id', (req, res) => res.json({ id: req.params.id }));";
const LISTEN = "app.listen(Number(process.env.PORT), '127.0.0.1');";

/** Creates `dir` as an ES module app (`"type": "module"`) and installs `specs` into it. */
async function createApp(dir: string, specs: readonly string[]): Promise<void> {
  mkdirSync(dir, { recursive: true });
  const manifest = { name: 'tracseq-adopter', version: '1.0.0', private: true, type: 'module' };
  writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  await npm(['install', ...INSTALL_FLAGS, ...specs], dir);
}

/** The README's adoption snippet, with a route and a loopback listen added. */
function adoptionApp(): string {
  const [snippet] = codeBlocks(README, 'Adopting it in a service');
  expect(snippet).toContain('startTelemetry');
  return `${snippet}\n${ROUTE}\n${LISTEN}\n`;
}

/** Metric names of the contract, read from the installed @tracseq/contract. */
function contractMetricNames(app: string): string[] {
  const contract = JSON.parse(
    readFileSync(join(app, 'node_modules/@tracseq/contract/contract.json'), 'utf8'),
  ) as { metrics: { name: string }[] };
  return contract.metrics.map((m) => m.name);
}

/** Every installed package's versions by name, walking nested node_modules folders too. */
function installedVersions(
  nodeModules: string,
  found = new Map<string, Set<string>>(),
): Map<string, Set<string>> {
  if (!existsSync(nodeModules)) return found;
  for (const entry of readdirSync(nodeModules)) {
    if (entry.startsWith('.')) continue;
    const dirs = entry.startsWith('@')
      ? readdirSync(join(nodeModules, entry)).map((name) => join(nodeModules, entry, name))
      : [join(nodeModules, entry)];
    for (const dir of dirs) {
      const manifest = join(dir, 'package.json');
      if (!existsSync(manifest)) continue;
      const { name, version } = JSON.parse(readFileSync(manifest, 'utf8')) as Manifest;
      found.set(name, (found.get(name) ?? new Set()).add(version));
      installedVersions(join(dir, 'node_modules'), found);
    }
  }
  return found;
}

/** Every file an `exports` map points at (conditions and subpaths flattened). */
function exportTargets(exports: unknown): string[] {
  if (typeof exports === 'string') return [exports];
  if (exports === null || typeof exports !== 'object') return [];
  return Object.values(exports).flatMap(exportTargets);
}

/** Runs a service, requests a route and the endpoints, stops it; what it served and how it ended. */
async function exercise(file: string, cwd: string, env: Record<string, string>, nodeArgs: string[] = []) {
  const service = await startService(file, cwd, env, nodeArgs);
  try {
    const sample = await fetch(`${service.baseUrl}/api/samples/s-1`);
    const live = await fetch(`${service.baseUrl}/health/live`);
    const metrics = await fetch(`${service.baseUrl}/metrics`);
    return {
      sample: { status: sample.status, body: await sample.json() },
      live: { status: live.status, body: await live.json() },
      metrics: { status: metrics.status, text: await metrics.text() },
      exitCode: await service.stop(),
      output: service.output(),
    };
  } finally {
    await service.stop();
  }
}

describe('the packed packages in a fresh service', () => {
  const work = makeTempDir('packaging');
  const app = join(work.path, 'esm-app');
  let tarballs: Tarball[] = [];
  let receiver: OtlpReceiver;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    tarballs = await packPackages(PACKAGES, join(work.path, 'tarballs'));
    await createApp(app, [...tarballs.map((t) => t.path), `express@${EXPRESS}`]);
  });

  afterAll(async () => {
    await receiver?.close();
    work.remove();
  });

  it('packs every public package at one version, with what it needs at run time', () => {
    expect(tarballs.map((t) => t.name).sort()).toEqual(PACKAGES.map((p) => p.manifest.name).sort());
    expect(new Set(tarballs.map((t) => t.version)).size).toBe(1);
    for (const { manifest } of PACKAGES) {
      const tarball = tarballs.find((t) => t.name === manifest.name) as Tarball;
      expect(tarball.files, manifest.name).toContain('dist/index.js');
      expect(tarball.files, manifest.name).toContain('README.md');
      expect(
        tarball.files.some((f) => f.endsWith('.test.js')),
        manifest.name,
      ).toBe(false);
      for (const [name, spec] of Object.entries(manifest.dependencies ?? {})) {
        // Released together: a service gets the contract its telemetry was built against, never
        // whichever version happens to be around.
        if (name.startsWith('@tracseq/')) expect(spec, `${manifest.name} → ${name}`).toBe(tarball.version);
      }
      for (const target of exportTargets(manifest.exports)) {
        expect(tarball.files, `${manifest.name} exports ${target}`).toContain(target.replace(/^\.\//, ''));
      }
      for (const [bin, target] of Object.entries(manifest.bin ?? {})) {
        expect(tarball.files, `${manifest.name} bin ${bin}`).toContain(target.replace(/^\.\//, ''));
        expect(existsSync(join(app, 'node_modules/.bin', bin)), `node_modules/.bin/${bin}`).toBe(true);
      }
    }
    const contract = tarballs.find((t) => t.name === '@tracseq/contract') as Tarball;
    expect(contract.files).toEqual(
      expect.arrayContaining(['contract.json', 'schema/lab-settings.schema.json']),
    );
    expect(tarballs.find((t) => t.name === '@tracseq/slo')?.files).toContain(
      'schema/tracseq-slo-v1.schema.json',
    );
  });

  it('installs into a clean tree with one copy of each OpenTelemetry package', async () => {
    const ls = await run('npm', ['ls', '--all'], app);
    expect(ls.stderr, ls.stdout).toBe('');
    expect(ls.code, ls.stdout).toBe(0);
    const versions = installedVersions(join(app, 'node_modules'));
    const otel = [...versions].filter(([name]) => name.startsWith('@opentelemetry/'));
    expect(otel.map(([name]) => name)).toEqual(
      expect.arrayContaining(['@opentelemetry/core', '@opentelemetry/sdk-trace']),
    );
    for (const [name, found] of otel) expect([...found], name).toHaveLength(1);
  });

  it("runs the README's adoption snippet: spans, logs, /health/live, the contract's /metrics, exit 0 on SIGTERM", async () => {
    writeFileSync(join(app, 'server.js'), adoptionApp());
    // The snippet names the service itself (the option wins over OTEL_SERVICE_NAME).
    const result = await exercise('server.js', app, { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url });
    expect(result.sample).toEqual({ status: 200, body: { id: 's-1' } });
    expect(result.live.status).toBe(200);
    expect(result.live.body).toMatchObject({ status: 'ok' });
    expect(result.metrics.status).toBe(200);
    for (const name of contractMetricNames(app)) expect(result.metrics.text).toContain(`# TYPE ${name} `);
    expect(result.metrics.text).toMatch(
      /http_server_request_duration_seconds_count\{[^}]*http_route="\/api\/samples\/:id"[^}]*\} 1\n/,
    );
    expect(result.exitCode, result.output).toBe(0);
    // Shutdown flushed the span; the request's log line carries its trace id.
    const [span] = await receiver.waitForSpans(
      (s) => s.name === 'GET /api/samples/:id' && s.resource['service.name'] === 'sample-service',
    );
    const line = result.output.split('\n').find((l) => l.includes('"GET /api/samples/:id 200"'));
    expect(line && JSON.parse(line)).toMatchObject({
      'trace.id': span?.traceId,
      'service.name': 'sample-service',
    });
  });

  it('runs the README CommonJS example, which loads the package with import()', async () => {
    // A CommonJS package inside the app folder: its imports resolve from the app's node_modules.
    const cjs = join(app, 'cjs-service');
    mkdirSync(cjs);
    writeFileSync(
      join(cjs, 'package.json'),
      '{ "name": "cjs-adopter", "private": true, "type": "commonjs" }\n',
    );
    const example = codeBlocks(README, 'Install').find((block) => block.startsWith('// server.cjs'));
    expect(example).toContain("await import('@tracseq/telemetry')");
    const listen = 'app.listen(Number(process.env.PORT ?? 3000));';
    expect(example).toContain(listen);
    writeFileSync(join(cjs, 'server.cjs'), (example as string).replace(listen, LISTEN));
    const result = await exercise('server.cjs', cjs, { OTEL_TRACES_EXPORTER: 'none' });
    expect(result.sample).toEqual({ status: 200, body: { id: 's-1' } });
    expect(result.live.status).toBe(200);
    expect(result.metrics.text).toMatch(
      /http_server_request_duration_seconds_count\{service="sample-service"/,
    );
    expect(result.exitCode, result.output).toBe(0);
  });

  it('lets CommonJS require() the main entry, but not /register (top-level await)', async () => {
    const probe = [
      "const { startTelemetry } = require('@tracseq/telemetry');",
      "console.log('main:', typeof startTelemetry);",
      "try { require('@tracseq/telemetry/register'); } catch (error) { console.log('register:', error.code); }",
    ].join('\n');
    writeFileSync(join(app, 'probe.cjs'), `${probe}\n`);
    const result = await run(process.execPath, ['probe.cjs'], app);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('main: function');
    expect(result.stdout).toContain('register: ERR_REQUIRE_ASYNC_MODULE');
  });

  it('instruments an unchanged CommonJS service started with --import @tracseq/telemetry/register', async () => {
    writeFileSync(
      join(app, 'plain.cjs'),
      ["const express = require('express');", 'const app = express();', ROUTE, LISTEN, ''].join('\n'),
    );
    const result = await exercise(
      'plain.cjs',
      app,
      { OTEL_SERVICE_NAME: 'packed-register', OTEL_TRACES_EXPORTER: 'none' },
      ['--import', '@tracseq/telemetry/register'],
    );
    expect(result.sample.status).toBe(200);
    expect(result.live.status).toBe(200);
    expect(result.metrics.text).toMatch(
      /http_server_request_duration_seconds_count\{service="packed-register",[^}]*http_route="\/api\/samples\/:id"/,
    );
    expect(result.exitCode, result.output).toBe(0);
  });

  it('runs tracseq-slo from the installed bin with npx', async () => {
    mkdirSync(join(app, 'slos'));
    const spec = [
      'version: tracseq.slo/v1',
      'service: sample-service',
      'slos:',
      '  - name: requests-availability',
      '    objective: 99.9',
      '    sli: { preset: http-availability }',
      '',
    ].join('\n');
    writeFileSync(join(app, 'slos/sample-service.yaml'), spec);
    const valid = await run('npx', ['--no', 'tracseq-slo', 'validate', 'slos'], app);
    expect(valid.stdout + valid.stderr).toContain('1 SLO(s): valid');
    expect(valid.code).toBe(0);
  });
});

describe('the lowest Express of the peer range', () => {
  const work = makeTempDir('packaging-express4');
  afterAll(() => work.remove());

  it('instruments Express 4.21.2 from the packed telemetry, mounted routers included', async () => {
    const range = TELEMETRY.peerDependencies?.express as string;
    const lowest = /^>=(\d+\.\d+\.\d+) /.exec(range)?.[1];
    expect(lowest, `peer range ${range}`).toBe('4.21.2');
    const tarballs = await packPackages(
      PACKAGES.filter((p) => ['@tracseq/contract', '@tracseq/telemetry'].includes(p.manifest.name)),
      join(work.path, 'tarballs'),
    );
    const app = join(work.path, 'app');
    await createApp(app, [...tarballs.map((t) => t.path), `express@${lowest}`]);
    const router = [
      'const router = express.Router();',
      "router.get('/items/:item', (req, res) => res.json({ id: req.params.item }));",
      "app.use('/api/labs/:lab', router);",
    ].join('\n');
    writeFileSync(join(app, 'server.js'), adoptionApp().replace(LISTEN, `${router}\n${LISTEN}`));
    const service = await startService('server.js', app, {
      OTEL_TRACES_EXPORTER: 'none',
    });
    try {
      expect((await fetch(`${service.baseUrl}/api/labs/lab-a/items/7`)).status).toBe(200);
      expect((await fetch(`${service.baseUrl}/nowhere`)).status).toBe(404);
      const metrics = await (await fetch(`${service.baseUrl}/metrics`)).text();
      expect(metrics).toContain('http_route="/api/labs/:lab/items/:item"');
      expect(metrics).toContain('http_route="unmatched"');
      expect(await service.stop(), service.output()).toBe(0);
    } finally {
      await service.stop();
    }
  });
});
