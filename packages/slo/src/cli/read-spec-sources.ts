import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SpecSource } from '../spec/load-specs.js';

const SPEC_FILE = /\.ya?ml$/;

function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return walk(path);
      return entry.isFile() && SPEC_FILE.test(entry.name) ? [path] : [];
    });
}

/** Reads spec files from files and directories (recursively, `*.yaml`/`*.yml`), in a stable order. */
export function readSpecSources(paths: readonly string[]): SpecSource[] {
  const files = paths.flatMap((path) => {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) throw new Error(`${path}: no such file or directory`);
    return stat.isDirectory() ? walk(path) : [path];
  });
  return [...new Set(files)].map((path) => ({ path, text: readFileSync(path, 'utf8') }));
}
