import { type ChildProcess, spawn } from 'node:child_process';

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // A test that forgets stop(), or a worker torn down mid-test, must not leave servers behind.
  process.once('exit', () => {
    for (const child of live) child.kill('SIGKILL');
  });
}

/** A child process started by the kit, killed when the test process exits at the latest. */
export interface ManagedProcess {
  readonly child: ChildProcess;
  /** The last few KiB of stdout and stderr, for error messages. */
  output(): string;
  /** Whether the process has exited. */
  exited(): boolean;
  /** SIGTERM, then SIGKILL after `graceMs` (default 5 s); resolves once the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

const OUTPUT_TAIL_BYTES = 16_384;

/** Spawns `command` with stdio captured and registers it for guaranteed teardown. */
export function startManagedProcess(command: string, args: readonly string[], cwd?: string): ManagedProcess {
  installExitHook();
  const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let tail = '';
  const append = (chunk: Buffer) => {
    tail = (tail + chunk.toString('utf8')).slice(-OUTPUT_TAIL_BYTES);
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  let hasExited = false;
  // 'error' without 'exit' happens when the spawn itself fails.
  const exitPromise = new Promise<void>((resolve) => {
    child.once('exit', () => resolve());
    child.once('error', () => resolve());
  }).then(() => {
    hasExited = true;
    live.delete(child);
  });
  child.on('error', (error) => {
    append(Buffer.from(`spawn error: ${error.message}\n`));
  });
  return {
    child,
    output: () => tail,
    exited: () => hasExited || child.exitCode !== null,
    async stop(graceMs = 5_000) {
      if (hasExited || child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exitPromise;
      clearTimeout(timer);
    },
  };
}
