import { execFile } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from './temp-dir.js';
import guardTempDirs from './temp-dir-guard.js';

const HERE = dirname(fileURLToPath(import.meta.url));

describe('temp dir guard', () => {
  it('runs the suite in a fresh TMPDIR and removes it when nothing was left behind', () => {
    const before = tmpdir();
    const teardown = guardTempDirs();
    const fresh = tmpdir();
    expect(fresh).not.toBe(before);
    expect(fresh.startsWith(before)).toBe(true);
    const used = makeTempDir('guard-clean');
    expect(used.path.startsWith(fresh)).toBe(true);
    used.remove();
    expect(() => teardown()).not.toThrow();
    expect(tmpdir()).toBe(before);
    expect(existsSync(fresh)).toBe(false);
  });

  it('fails naming each tracseq-* folder a suite leaves behind, and still removes it', () => {
    const teardown = guardTempDirs();
    const leaked = makeTempDir('guard-leak');
    expect(() => teardown()).toThrow(/left 1 temporary folder\(s\) behind: tracseq-guard-leak-\w+\. Fix:/);
    expect(existsSync(leaked.path)).toBe(false);
  });

  it('makes a real vitest run fail when a test file leaks a folder from a worker', async () => {
    const fixture = makeTempDir('guard-fixture');
    try {
      // Worker processes must see the guard's TMPDIR, or the leak would land outside it unseen.
      writeFileSync(
        join(fixture.path, 'vitest.config.mjs'),
        `export default { test: { include: ['*.test.mjs'], globalSetup: [${JSON.stringify(join(HERE, '../dist/temp-dir-guard.js'))}] } };\n`,
      );
      writeFileSync(
        join(fixture.path, 'leak.test.mjs'),
        [
          "import { mkdtempSync } from 'node:fs';",
          "import { tmpdir } from 'node:os';",
          "import { join } from 'node:path';",
          "import { expect, it } from 'vitest';",
          "it('leaks', () => { const dir = mkdtempSync(join(tmpdir(), 'tracseq-leaky-')); console.log('LEAK', dir); expect(dir).toBeTruthy(); });",
          '',
        ].join('\n'),
      );
      const vitest = join(
        dirname(createRequire(import.meta.url).resolve('vitest/package.json')),
        'vitest.mjs',
      );
      const result = await new Promise<{ code: number | null; output: string }>((resolve) => {
        execFile(
          process.execPath,
          [vitest, 'run', '--root', fixture.path],
          { cwd: fixture.path, env: { ...process.env, CI: 'true', NO_COLOR: '1' }, timeout: 60_000 },
          (error, stdout, stderr) => {
            resolve({ code: error ? ((error as { code?: number }).code ?? 1) : 0, output: stdout + stderr });
          },
        );
      });
      const leak = /LEAK (\S+)/.exec(result.output)?.[1];
      try {
        expect(result.output).toContain('1 passed');
        expect(result.output).toMatch(/left 1 temporary folder\(s\) behind: tracseq-leaky-/);
        expect(result.code, result.output).not.toBe(0);
        expect(leak && existsSync(leak)).toBe(false);
      } finally {
        if (leak) rmSync(leak, { recursive: true, force: true });
      }
    } finally {
      fixture.remove();
    }
  });
});
