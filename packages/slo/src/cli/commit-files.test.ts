import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatSpecError } from '@tracseq/contract';
import { makeTempDir } from '@tracseq/testkit';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from './cli-errors.js';
import { commitFiles } from './commit-files.js';

const tmp = makeTempDir('slo-commit');
afterAll(() => tmp.remove());

/** Every file under `dir` with its content, hidden staging directories included. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    const path = join(entry.parentPath, entry.name);
    out[path.slice(dir.length + 1)] = entry.isFile() ? readFileSync(path, 'utf8') : '<dir>';
  }
  return out;
}

function failure(run: () => void): string[] {
  try {
    run();
  } catch (error) {
    if (error instanceof InputError) return error.errors.map(formatSpecError);
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('commitFiles', () => {
  it('writes, replaces and deletes, creating directories, and leaves no staging behind', () => {
    const out = join(tmp.path, 'ok');
    mkdirSync(join(out, 'rules'), { recursive: true });
    writeFileSync(join(out, 'rules/a.yml'), 'old a');
    writeFileSync(join(out, 'rules/gone.yml'), 'gone');
    commitFiles([
      { path: join(out, 'rules/a.yml'), content: 'new a' },
      { path: join(out, 'tests/t.yml'), content: 'test' },
      { path: join(out, 'rules/gone.yml'), content: undefined },
    ]);
    expect(snapshot(out)).toEqual({
      rules: '<dir>',
      'rules/a.yml': 'new a',
      tests: '<dir>',
      'tests/t.yml': 'test',
    });
  });

  it('reliability row 13: `tests` being a file leaves everything as it was (ENOTDIR)', () => {
    const out = join(tmp.path, 'enotdir');
    mkdirSync(join(out, 'rules'), { recursive: true });
    writeFileSync(join(out, 'rules/a.yml'), 'old a');
    writeFileSync(join(out, 'tests'), 'a file where a directory belongs');
    const before = snapshot(out);
    const errors = failure(() =>
      commitFiles([
        { path: join(out, 'rules/a.yml'), content: 'new a' },
        { path: join(out, 'k8s/a.yml'), content: 'crd' },
        { path: join(out, 'tests/t.yml'), content: 'test' },
      ]),
    );
    expect(errors).toEqual([
      `${join(out, 'tests')}: is a file, not a directory, so ${join(out, 'tests/t.yml')} cannot be written; nothing was written. Fix: move it away or choose another --out directory`,
    ]);
    expect(snapshot(out)).toEqual(before);
  });

  it('reliability row 13: a directory where a generated file belongs leaves everything as it was', () => {
    const out = join(tmp.path, 'eisdir');
    mkdirSync(join(out, 'rules/b.yml'), { recursive: true });
    writeFileSync(join(out, 'rules/a.yml'), 'old a');
    const before = snapshot(out);
    const errors = failure(() =>
      commitFiles([
        { path: join(out, 'rules/a.yml'), content: 'new a' },
        { path: join(out, 'rules/b.yml'), content: 'b' },
      ]),
    );
    expect(errors[0]).toContain(
      'rules/b.yml: is a directory, where a generated file belongs; nothing was written',
    );
    expect(snapshot(out)).toEqual(before);
  });
});
