import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Creates a fresh temporary directory; the returned function removes it. */
export function makeTempDir(prefix: string): { readonly path: string; readonly remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), `tracseq-${prefix}-`));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
