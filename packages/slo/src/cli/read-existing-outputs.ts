import { type Dirent, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { OUTPUT_DIRS } from '@tracseq/contract';
import { fileProblem, InputError } from './cli-errors.js';
import { describeFsError } from './fs-errors.js';

/**
 * The regular files in the output sub-directories (`rules/`, `tests/`, `k8s/`, `mimir/`) of
 * `outDir`, keyed by path relative to it with POSIX separators. Generated or not: the plan
 * needs both, to update the one and never overwrite the other.
 */
export function readExistingOutputs(outDir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const sub of Object.values(OUTPUT_DIRS)) {
    const dir = join(outDir, sub);
    if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) continue;
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      throw new InputError([
        fileProblem(dir, `cannot list the directory: ${describeFsError(error)}`, 'check its permissions'),
      ]);
    }
    for (const entry of entries.filter((e) => e.isFile()).sort((a, b) => a.name.localeCompare(b.name))) {
      const path = join(dir, entry.name);
      try {
        files.set(`${sub}/${entry.name}`, readFileSync(path, 'utf8'));
      } catch (error) {
        throw new InputError([
          fileProblem(path, `cannot read it: ${describeFsError(error)}`, 'check its permissions'),
        ]);
      }
    }
  }
  return files;
}
