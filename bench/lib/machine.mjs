// What the numbers were measured on: they mean little without the machine and the versions.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { availableParallelism, cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

function versionOf(name) {
  // Some packages do not export ./package.json; walk up from their entry instead.
  try {
    let dir = dirname(require.resolve(name));
    while (dir !== '/') {
      try {
        const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
        if (pkg.name === name) return pkg.version;
      } catch {}
      dir = dirname(dir);
    }
  } catch {}
  return 'unknown';
}

const PACKAGES = [
  'express',
  'autocannon',
  '@tracseq/telemetry',
  '@tracseq/circuit-breaker',
  '@opentelemetry/sdk-node',
  '@opentelemetry/instrumentation-http',
  '@opentelemetry/instrumentation-express',
  '@opentelemetry/exporter-trace-otlp-http',
  '@opentelemetry/sdk-trace',
  '@opentelemetry/exporter-trace-otlp-proto',
  'express-prom-bundle',
  'pino',
  'pino-http',
  'prom-client',
  'opossum',
];

export function describeMachine() {
  return {
    nproc: availableParallelism(),
    cpu: cpus()[0]?.model ?? 'unknown',
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    packages: Object.fromEntries(PACKAGES.map((name) => [name, versionOf(name)])),
  };
}
