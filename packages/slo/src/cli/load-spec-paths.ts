import type { SpecError } from '@tracseq/contract';
import { type LoadedSpec, loadSpecs, type SpecSource } from '../spec/load-specs.js';
import { fileProblem, InputError, UsageError } from './cli-errors.js';
import { readSpecSources } from './read-spec-sources.js';

/** Valid specs read from PATH arguments, with the warnings validation gave. */
export interface LoadedSpecPaths {
  readonly sources: readonly SpecSource[];
  readonly specs: readonly LoadedSpec[];
  readonly warnings: readonly SpecError[];
}

/**
 * Reads and validates the specs under PATH arguments. No PATH is a usage error; PATHs without
 * any spec file, unreadable files and invalid specs are an {@link InputError} (exit 1), so a
 * command never acts on an empty set of specs (a generate run would otherwise delete outputs).
 */
export function loadSpecPaths(paths: readonly string[], verb: string): LoadedSpecPaths {
  if (paths.length === 0) throw new UsageError('give at least one spec file or directory', verb);
  const sources = readSpecSources(paths);
  if (sources.length === 0) {
    throw new InputError([
      fileProblem(
        paths.join(' '),
        'no SLO spec files (*.yaml, *.yml) found',
        'give the files or directories that hold your tracseq.slo/v1 specs',
      ),
    ]);
  }
  const result = loadSpecs(sources);
  if (result.errors.length > 0) throw new InputError(result.errors, result.warnings);
  return { sources, specs: result.specs, warnings: result.warnings };
}
