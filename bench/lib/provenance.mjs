// Which build of our packages was measured: the commit, whether their sources differ from it,
// and a hash of their built dist/ (taken at the start and end of the run, so a rebuild in the
// middle of a run is visible instead of silently mixing two versions into one table).
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const ROOT = new URL('../../', import.meta.url).pathname;
const PACKAGES = ['packages/telemetry', 'packages/circuit-breaker'];

function git(args) {
  try {
    return execFileSync('git', args, {
      cwd: ROOT,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
  } catch {
    return undefined;
  }
}

/** sha256 (12 hex) over the .js files of the packages' dist/ folders, in a stable order. */
export function distHash(packages = PACKAGES) {
  const hash = createHash('sha256');
  for (const pkg of packages) {
    const dist = join(ROOT, pkg, 'dist');
    let files = [];
    try {
      files = readdirSync(dist, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'));
    } catch {}
    for (const file of files.sort()) hash.update(file).update(readFileSync(join(dist, file)));
  }
  return hash.digest('hex').slice(0, 12);
}

/** Commit, uncommitted files under `packages` and their dist hash (default: telemetry, breaker). */
export function describeBuild(packages = PACKAGES) {
  const changed = git(['status', '--porcelain', '--', ...packages]);
  return {
    commit: git(['rev-parse', '--short', 'HEAD']) ?? 'unknown',
    uncommittedFilesInPackages: changed === undefined ? null : changed.split('\n').filter(Boolean).length,
    distHashAtStart: distHash(packages),
  };
}
