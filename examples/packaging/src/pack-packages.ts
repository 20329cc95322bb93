import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { npm } from './npm.ts';

/** The repository root. */
export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');

/** The fields of a package.json this check reads. */
export interface Manifest {
  readonly name: string;
  readonly version: string;
  readonly private?: boolean;
  readonly bin?: Record<string, string>;
  readonly exports?: unknown;
  readonly files?: string[];
  readonly dependencies?: Record<string, string>;
  readonly devDependencies?: Record<string, string>;
  readonly peerDependencies?: Record<string, string>;
}

/** A public workspace package: its folder (relative to the root) and manifest. */
export interface PublicPackage {
  readonly dir: string;
  readonly manifest: Manifest;
}

/** Every package under packages/ that is not private, i.e. every package a service installs. */
export function publicPackages(): PublicPackage[] {
  return readdirSync(join(ROOT, 'packages'))
    .sort()
    .map((name) => ({
      dir: `packages/${name}`,
      manifest: JSON.parse(readFileSync(join(ROOT, 'packages', name, 'package.json'), 'utf8')) as Manifest,
    }))
    .filter((p) => p.manifest.private !== true);
}

/** One tarball `npm pack` wrote, with the paths it holds (relative to the package root). */
export interface Tarball {
  readonly name: string;
  readonly version: string;
  readonly path: string;
  readonly files: readonly string[];
}

/** `npm pack`s the given workspace packages (already built) into `dest`, as a release would. */
export async function packPackages(packages: readonly PublicPackage[], dest: string): Promise<Tarball[]> {
  mkdirSync(dest, { recursive: true });
  const args = ['pack', '--json', '--pack-destination', dest, ...packages.flatMap((p) => ['-w', p.dir])];
  const packed = JSON.parse(await npm(args, ROOT)) as {
    name: string;
    version: string;
    filename: string;
    files: { path: string }[];
  }[];
  return packed.map((p) => ({
    name: p.name,
    version: p.version,
    path: join(dest, p.filename),
    files: p.files.map((f) => f.path),
  }));
}
