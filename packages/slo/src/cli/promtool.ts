import { execFile } from 'node:child_process';
import { MissingToolError } from './cli-errors.js';

/** What one promtool run said. */
export interface PromtoolResult {
  readonly ok: boolean;
  readonly output: string;
}

/** Runs promtool; a missing binary is a {@link MissingToolError} (exit 3), a failing check is `ok: false`. */
export function promtool(args: readonly string[], cwd?: string): Promise<PromtoolResult> {
  return new Promise((done, fail) => {
    execFile('promtool', [...args], { cwd, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if ((error as NodeJS.ErrnoException | null)?.code === 'ENOENT') {
        fail(
          new MissingToolError(
            "promtool is not installed: it comes from the Debian package 'prometheus' (apt-get install prometheus) or a Prometheus release",
          ),
        );
        return;
      }
      done({ ok: !error, output: `${stdout}${stderr}` });
    });
  });
}
