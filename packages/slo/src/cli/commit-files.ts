import { mkdirSync, mkdtempSync, renameSync, rmSync, type Stats, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { SpecError } from '@tracseq/contract';
import { fileProblem, InputError } from './cli-errors.js';
import { describeFsError } from './fs-errors.js';
import { fileKind } from './read-input-file.js';

/** One file to write (`content`) or delete (`content` undefined), by absolute path. */
export interface FileChange {
  readonly path: string;
  readonly content: string | undefined;
}

const STAGING_PREFIX = '.tracseq-slo-staging-';

function statOf(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch (error) {
    // A parent is a file: the path does not exist; nearestDirectory names the culprit.
    if ((error as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
    throw error;
  }
}

/** The nearest directory at or above `dir` that exists; an existing non-directory is a problem. */
function nearestDirectory(dir: string, target: string): string {
  for (let at = dir; ; at = dirname(at)) {
    const stat = statOf(at);
    if (stat?.isDirectory()) return at;
    if (stat) {
      throw new InputError([
        fileProblem(
          at,
          `is ${fileKind(stat)}, not a directory, so ${target} cannot be written; nothing was written`,
          'move it away or choose another --out directory',
        ),
      ]);
    }
    if (dirname(at) === at) return at;
  }
}

function failure(path: string, doing: string, error: unknown): InputError {
  if (error instanceof InputError) return error;
  return new InputError([
    fileProblem(
      path,
      `cannot ${doing}: ${describeFsError(error)}; nothing was written`,
      'check the permissions of the output directory, or choose another --out',
    ),
  ]);
}

interface Step {
  readonly change: FileChange;
  readonly staged?: string;
  readonly backup?: string;
  placed: boolean;
  backedUp: boolean;
}

/**
 * Applies a set of file changes all or nothing. Every new content is first written to a
 * staging directory next to its target (same directory when it exists, so the final rename
 * never crosses file systems); only when all of it is written are the targets replaced by
 * rename, each replaced or deleted file moved aside first. If anything fails (EACCES, ENOTDIR,
 * a full disk, `tests` being a file), every step taken is undone and an {@link InputError}
 * names the path: the output is either fully the new one or untouched.
 */
export function commitFiles(changes: readonly FileChange[]): void {
  if (changes.length === 0) return;
  const stagingDirs = new Map<string, string>();
  const createdDirs: string[] = [];
  const steps: Step[] = [];
  const cleanUp = () => {
    for (const dir of stagingDirs.values()) rmSync(dir, { recursive: true, force: true });
  };
  try {
    // 1. Where each file is staged; refuse targets that are directories or sit under a file.
    changes.forEach((change, i) => {
      const target = statOf(change.path);
      if (target && !target.isFile()) {
        throw new InputError([
          fileProblem(
            change.path,
            `is ${fileKind(target)}, where a generated file belongs; nothing was written`,
            'move it away or choose another --out directory',
          ),
        ]);
      }
      const root = nearestDirectory(dirname(change.path), change.path);
      let staging = stagingDirs.get(root);
      if (staging === undefined) {
        try {
          staging = mkdtempSync(join(root, STAGING_PREFIX));
        } catch (error) {
          throw failure(root, 'write in this directory', error);
        }
        stagingDirs.set(root, staging);
      }
      const staged = change.content === undefined ? undefined : join(staging, `${i}.new`);
      const backup = target ? join(staging, `${i}.old`) : undefined;
      steps.push({
        change,
        ...(staged === undefined ? {} : { staged }),
        ...(backup === undefined ? {} : { backup }),
        placed: false,
        backedUp: false,
      });
    });
    // 2. All new content, staged.
    for (const step of steps) {
      if (step.staged === undefined) continue;
      try {
        writeFileSync(step.staged, step.change.content as string);
      } catch (error) {
        throw failure(step.change.path, 'write it', error);
      }
    }
    // 3. Target directories.
    for (const step of steps) {
      const dir = dirname(step.change.path);
      if (step.staged === undefined || statOf(dir)) continue;
      try {
        const first = mkdirSync(dir, { recursive: true });
        if (first !== undefined) createdDirs.push(first);
      } catch (error) {
        throw failure(dir, 'create the directory', error);
      }
    }
    // 4. Swap: old file aside, new one in.
    for (const step of steps) {
      try {
        if (step.backup !== undefined) {
          renameSync(step.change.path, step.backup);
          step.backedUp = true;
        }
        if (step.staged !== undefined) {
          renameSync(step.staged, step.change.path);
          step.placed = true;
        }
      } catch (error) {
        throw failure(step.change.path, step.staged === undefined ? 'delete it' : 'replace it', error);
      }
    }
  } catch (error) {
    const problems: SpecError[] = [];
    for (const step of [...steps].reverse()) {
      try {
        if (step.placed && step.staged !== undefined) renameSync(step.change.path, step.staged);
        if (step.backedUp && step.backup !== undefined) renameSync(step.backup, step.change.path);
      } catch (undo) {
        problems.push(
          fileProblem(
            step.change.path,
            `could not be restored after the failure: ${describeFsError(undo)}; its previous content is in ${step.backup ?? 'no backup'}`,
            'restore it from the backup or from version control',
          ),
        );
      }
    }
    for (const dir of createdDirs.reverse()) rmSync(dir, { recursive: true, force: true });
    if (problems.length === 0) cleanUp();
    const reported = failure(changes[0]?.path ?? '', 'write the output', error);
    throw problems.length === 0 ? reported : new InputError([...reported.errors, ...problems]);
  }
  cleanUp();
}
