import { spawnSync } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const HERE = dirname(fileURLToPath(import.meta.url));
const RUNTIME = /\/node_modules\/(@opentelemetry\/|pino|opossum|prom-client)/;

/** Every module URL a fresh Node process resolves while importing `specifier`. */
function modulesLoadedBy(specifier: string): string[] {
  const probe = `
    import { registerHooks } from 'node:module';
    const seen = [];
    registerHooks({ resolve(spec, context, next) { const r = next(spec, context); seen.push(r.url); return r; } });
    await import(${JSON.stringify(specifier)});
    process.stdout.write(JSON.stringify(seen));
  `;
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', probe], {
    cwd: HERE,
    encoding: 'utf8',
  });
  expect(run.status, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as string[];
}

// The generators run in CI jobs and CLIs: they must not pay for (or depend on) the service
// runtime that @tracseq/telemetry and @tracseq/circuit-breaker bring.
describe('importing a generator loads no service runtime', () => {
  it('the probe sees the runtime when it is loaded (control)', () => {
    expect(modulesLoadedBy('@tracseq/telemetry').filter((url) => RUNTIME.test(url)).length).toBeGreaterThan(
      0,
    );
  });

  it.each(['@tracseq/slo', '@tracseq/dashboards', '@tracseq/oncall', '@tracseq/contract'])(
    '%s loads neither opossum, pino, prom-client nor @opentelemetry/*',
    (specifier) => {
      const loaded = modulesLoadedBy(specifier);
      expect(loaded.length).toBeGreaterThan(5);
      expect(loaded.filter((url) => RUNTIME.test(url))).toEqual([]);
    },
  );
});
