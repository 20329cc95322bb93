import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { publicPackages, ROOT } from './pack-packages.ts';

// Two copies of an OpenTelemetry SDK package in one process split its state (two `core`s, two
// span processors' worth of globals); the lockfile is where a drifting pin shows first.

/** Packages allowed more than one version, and why. */
const ALLOWED_DUPLICATES: Readonly<Record<string, string>> = {
  // bench only: @opentelemetry/instrumentation-express 0.72.0 (the latest) still asks for
  // instrumentation ^0.300.0 while instrumentation-http and sdk-node 0.301.0 pin 0.301.0.
  '@opentelemetry/instrumentation': 'bench peer stack',
};

interface Lockfile {
  packages: Record<string, { version?: string; dependencies?: Record<string, string> }>;
}

const LOCK = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as Lockfile;

/** Every version the lockfile installs, by package name. */
function lockedVersions(): Map<string, Set<string>> {
  const versions = new Map<string, Set<string>>();
  for (const [path, entry] of Object.entries(LOCK.packages)) {
    const at = path.lastIndexOf('node_modules/');
    if (at === -1 || entry.version === undefined) continue;
    const name = path.slice(at + 'node_modules/'.length);
    versions.set(name, (versions.get(name) ?? new Set()).add(entry.version));
  }
  return versions;
}

describe('workspace dependency versions', () => {
  it('locks one version of each OpenTelemetry package', () => {
    const duplicates = [...lockedVersions()]
      .filter(([name, found]) => name.startsWith('@opentelemetry/') && found.size > 1)
      .filter(([name]) => !(name in ALLOWED_DUPLICATES))
      .map(([name, found]) => `${name}: ${[...found].join(', ')}`);
    expect(duplicates, 'align the pins in every package.json, then run npm install at the root').toEqual([]);
    expect(lockedVersions().get('@opentelemetry/core')?.size).toBe(1);
  });

  it('pins each OpenTelemetry package the public packages use to the version the lockfile holds', () => {
    const locked = lockedVersions();
    for (const { manifest } of publicPackages()) {
      for (const [name, spec] of Object.entries({ ...manifest.dependencies, ...manifest.devDependencies })) {
        if (!name.startsWith('@opentelemetry/')) continue;
        expect([...(locked.get(name) ?? [])], `${manifest.name} → ${name}@${spec}`).toEqual([spec]);
      }
    }
  });
});
