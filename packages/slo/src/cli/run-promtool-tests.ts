import { readdirSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { OUTPUT_DIRS } from '@tracseq/contract';
import { fileProblem, InputError } from './cli-errors.js';
import { note } from './print.js';
import { promtool } from './promtool.js';

/** What `promtool check rules` and `promtool test rules` said about an output directory. */
export interface PromtoolTestResult {
  readonly ok: boolean;
  readonly ruleFiles: number;
  readonly testFiles: number;
  readonly failed: number;
  readonly summary: string;
}

function listFiles(dir: string, suffix: string): string[] {
  if (!statSync(dir, { throwIfNoEntry: false })?.isDirectory()) return [];
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith(suffix))
    .map((entry) => entry.name)
    .sort()
    .map((name) => join(dir, name));
}

/**
 * Runs `promtool check rules` on every rule file of `outDir` and `promtool test rules` on every
 * test file, as many test files at once as there are cores (promtool is single-threaded per
 * file). promtool's own output for failures goes to stderr.
 */
export async function runPromtoolTests(outDir: string): Promise<PromtoolTestResult> {
  const rules = listFiles(join(outDir, OUTPUT_DIRS.rules), '.yml');
  const tests = listFiles(join(outDir, OUTPUT_DIRS.tests), '.yml');
  if (rules.length === 0) {
    throw new InputError([
      fileProblem(
        join(outDir, OUTPUT_DIRS.rules),
        'holds no generated rule files',
        'run tracseq-slo generate first',
      ),
    ]);
  }
  const checked = await promtool(['check', 'rules', ...rules]);
  if (!checked.ok) {
    note(checked.output);
    return {
      ok: false,
      ruleFiles: rules.length,
      testFiles: tests.length,
      failed: 0,
      summary: `promtool check rules failed on ${outDir}`,
    };
  }
  const queue = [...tests];
  let failed = 0;
  const worker = async () => {
    for (let test = queue.shift(); test !== undefined; test = queue.shift()) {
      const result = await promtool(['test', 'rules', relative(dirname(test), test)], dirname(test));
      if (!result.ok) {
        failed++;
        note(`${test}:\n${result.output}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, availableParallelism()) }, worker));
  return {
    ok: failed === 0,
    ruleFiles: rules.length,
    testFiles: tests.length,
    failed,
    summary: `${rules.length} rule file(s) pass promtool check rules; ${tests.length - failed} passed, ${failed} failed promtool rule test file(s)`,
  };
}
