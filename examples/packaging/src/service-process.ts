import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { getFreePort, waitFor } from '@tracseq/testkit';
import { cleanEnv } from './npm.ts';

/** A service started from a file of the temp app, listening on 127.0.0.1. */
export interface ServiceProcess {
  readonly baseUrl: string;
  /** Everything the service wrote to stdout and stderr so far. */
  output(): string;
  /** SIGTERM, then the exit code (null when a signal ended it); SIGKILL after 15 s. */
  stop(): Promise<number | null>;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/**
 * Starts `node [nodeArgs] file` in `cwd` with `PORT` set to a free port and waits until
 * `/health/live` answers 200.
 */
export async function startService(
  file: string,
  cwd: string,
  env: Record<string, string>,
  nodeArgs: readonly string[] = [],
): Promise<ServiceProcess> {
  const port = await getFreePort();
  const child = spawn(process.execPath, [...nodeArgs, file], {
    cwd,
    env: cleanEnv({ ...env, PORT: String(port) }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  child.stderr.on('data', (chunk: Buffer) => {
    output += chunk.toString('utf8');
  });
  const exited = once(child, 'exit').then(([code]) => {
    running.delete(child);
    return code as number | null;
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  const state = await waitFor(
    async () => {
      if (child.exitCode !== null) return 'exited';
      const response = await fetch(`${baseUrl}/health/live`).catch(() => undefined);
      return response?.status === 200 ? 'live' : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 100, description: `${file} to answer /health/live` },
  ).catch((error: Error) => error.message);
  if (state !== 'live') {
    const code = await stop();
    throw new Error(`${file} is not live on ${baseUrl} (${state}, exit ${code}):\n${output}`);
  }
  return { baseUrl, output: () => output, stop };
}
