import { type Dirent, readdirSync, type Stats, statSync } from 'node:fs';
import { join } from 'node:path';
import type { SpecError } from '@tracseq/contract';
import type { SpecSource } from '../spec/load-specs.js';
import { fileProblem, InputError } from './cli-errors.js';
import { describeFsError } from './fs-errors.js';
import { fileKind, readInputFile } from './read-input-file.js';

const SPEC_FILE = /\.ya?ml$/;

function walk(dir: string, problems: SpecError[]): string[] {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    problems.push(
      fileProblem(dir, `cannot list the directory: ${describeFsError(error)}`, 'check its permissions'),
    );
    return [];
  }
  return entries
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) return walk(path, problems);
      // Only regular files: a FIFO or socket named *.yaml in a spec directory is not a spec.
      return entry.isFile() && SPEC_FILE.test(entry.name) ? [path] : [];
    });
}

/**
 * Reads spec files from files and directories (recursively, `*.yaml`/`*.yml`), in a stable
 * order. A PATH that is missing, unreadable, not a regular file or over the size limit is an
 * {@link InputError} listing every such PATH.
 */
export function readSpecSources(paths: readonly string[]): SpecSource[] {
  const problems: SpecError[] = [];
  const files = paths.flatMap((path) => {
    let stat: Stats | undefined;
    try {
      stat = statSync(path, { throwIfNoEntry: false });
    } catch (error) {
      problems.push(fileProblem(path, `cannot read it: ${describeFsError(error)}`, 'check its permissions'));
      return [];
    }
    if (!stat) {
      problems.push(
        fileProblem(path, 'no such file or directory', 'give a spec file or a directory of specs'),
      );
      return [];
    }
    if (stat.isDirectory()) return walk(path, problems);
    if (!stat.isFile()) {
      problems.push(
        fileProblem(
          path,
          `is ${fileKind(stat)}, not a spec file`,
          'give a regular YAML file or a directory of specs',
        ),
      );
      return [];
    }
    return [path];
  });
  const sources: SpecSource[] = [];
  for (const path of new Set(files)) {
    try {
      sources.push({ path, text: readInputFile(path, 'spec file') });
    } catch (error) {
      if (!(error instanceof InputError)) throw error;
      problems.push(...error.errors);
    }
  }
  if (problems.length > 0) throw new InputError(problems);
  return sources;
}
