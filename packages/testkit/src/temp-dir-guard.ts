import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Prefix of every temporary folder the kit (`makeTempDir`) and the suites create. */
export const TEMP_DIR_PREFIX = 'tracseq-';

/**
 * Vitest global setup (`globalSetup: ['@tracseq/testkit/temp-dir-guard']`): runs the whole suite
 * with `TMPDIR` pointing at a fresh folder, and fails the run when the suite leaves `tracseq-*`
 * folders behind in it. A fresh folder keeps the count exact while other suites run on the same
 * machine; the folder is removed either way, so a leak never reaches the real temp dir.
 *
 * @returns the teardown, which throws naming every folder left behind
 */
export default function guardTempDirs(): () => void {
  const previous = process.env.TMPDIR;
  const root = mkdtempSync(join(tmpdir(), `${TEMP_DIR_PREFIX}suite-`));
  // Traversable by other users, like the TMPDIR it stands in for: tests that run a child as
  // `nobody` (to check real permission errors as root) must reach their folders inside it.
  chmodSync(root, 0o755);
  // Workers are forked after global setup and inherit it; os.tmpdir() reads TMPDIR on every call.
  process.env.TMPDIR = root;
  return () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    const left = readdirSync(root).filter((name) => name.startsWith(TEMP_DIR_PREFIX));
    rmSync(root, { recursive: true, force: true });
    if (left.length > 0) {
      throw new Error(
        `the suite left ${left.length} temporary folder(s) behind: ${left.sort().join(', ')}. ` +
          'Fix: remove each one when its test ends (makeTempDir(...).remove() in afterAll, or onTestFinished)',
      );
    }
  };
}
