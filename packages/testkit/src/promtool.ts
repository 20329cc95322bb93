import { execFile } from 'node:child_process';
import { findBinary } from './find-binary.js';

/** Result of a promtool/amtool run. */
export interface ToolResult {
  readonly ok: boolean;
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs a tool to completion, feeding `input` on stdin; never throws on a non-zero exit. */
export function runTool(
  binary: string,
  args: readonly string[],
  options: { input?: string; cwd?: string; timeoutMs?: number } = {},
): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      binary,
      args,
      { cwd: options.cwd, timeout: options.timeoutMs ?? 120_000, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(new Error(`${binary} ${args.join(' ')}: ${error.message}`));
          return;
        }
        const code = error ? (error.code as unknown as number) : 0;
        resolve({ ok: code === 0, code, stdout, stderr });
      },
    );
    child.stdin?.end(options.input ?? '');
  });
}

/** `promtool check rules FILE...`. */
export function promtoolCheckRules(files: readonly string[]): Promise<ToolResult> {
  return runTool(findBinary('promtool'), ['check', 'rules', ...files]);
}

/** `promtool check metrics` on an exposition in the Prometheus text format. */
export function promtoolCheckMetrics(exposition: string): Promise<ToolResult> {
  return runTool(findBinary('promtool'), ['check', 'metrics'], { input: exposition });
}

/** `promtool test rules FILE...` (paths in the test files resolve relative to `cwd`). */
export function promtoolTestRules(files: readonly string[], cwd?: string): Promise<ToolResult> {
  return runTool(findBinary('promtool'), ['test', 'rules', ...files], { cwd });
}

/** `amtool check-config FILE...`. */
export function amtoolCheckConfig(files: readonly string[]): Promise<ToolResult> {
  return runTool(findBinary('amtool'), ['check-config', ...files]);
}
