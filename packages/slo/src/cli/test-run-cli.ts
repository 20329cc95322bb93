import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

// Test fixture (not built: test-*.ts): the built `tracseq-slo` CLI as the Prometheus-backed
// tests run it, in a child process like a user's shell would.

/** The built CLI entry point (`npm run build` first). */
export const CLI = join(dirname(fileURLToPath(import.meta.url)), '../../dist/cli/main.js');

/** Result of one CLI run. */
export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI with `args`; resolves with its exit code and output, never rejects. */
export function runCli(args: readonly string[]): Promise<CliRun> {
  return new Promise((resolve) => {
    // JSON output of a month of history runs to megabytes: well past execFile's 1 MiB default.
    execFile(process.execPath, [CLI, ...args], { maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? ((error.code as number | undefined) ?? 1) : 0, stdout, stderr });
    });
  });
}
