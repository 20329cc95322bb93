// Child processes of the benchmark: each server or micro-benchmark runs in its own Node process
// so one scenario's instrumentation (OTel patches `http` and `express` process-wide) cannot leak
// into another. On a machine with two or more cores the children run on core 1 and this process
// (the load generator) on core 0, so they do not compete for one core.
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, cpus, tmpdir } from 'node:os';
import { join } from 'node:path';

const live = new Set();
const everStarted = new Set([process.pid]);
const PIN = availableParallelism() >= 2 && hasTaskset();
const SERVER_CORE = '1';
const LOADER_CORE = '0';

function hasTaskset() {
  try {
    execFileSync('taskset', ['-V'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Pins this process (all its threads) to the load generator's core; returns whether it did. */
export function pinSelf() {
  if (!PIN) return false;
  execFileSync('taskset', ['-a', '-cp', LOADER_CORE, String(process.pid)], { stdio: 'ignore' });
  return true;
}

/** How processes are placed, for the report. */
export function placement() {
  return PIN
    ? `server/micro-benchmark children pinned to core ${SERVER_CORE}, load generator and OTLP sink to core ${LOADER_CORE} (taskset)`
    : 'not pinned (taskset missing or one core)';
}

/** Where a child's stdout goes; see {@link startChild}. */
export const STDOUT_KINDS = ['null', 'file', 'pipe'];

/**
 * The child's stdout: `null` is /dev/null (Node writes to it like to a file, and the kernel
 * throws the bytes away); `file` a new file in the temp directory (deleted afterwards); `pipe` a
 * FIFO drained by another process (`wc -c`, on the load generator's core), what a container
 * runtime gives a service; `keep:<path>` the file at `path`, kept afterwards (for traces). For
 * `file`, `keep:` and `pipe` the bytes written are counted.
 */
function stdoutTarget(kind) {
  if (kind === 'null') return { stdio: 'ignore', spawned() {}, bytes: async () => null, cleanup() {} };
  if (kind.startsWith('keep:')) {
    const path = kind.slice(5);
    const fd = openSync(path, 'w');
    return { stdio: fd, spawned: () => closeSync(fd), bytes: async () => statSync(path).size, cleanup() {} };
  }
  if (!STDOUT_KINDS.includes(kind)) throw new Error(`stdout: unknown kind "${kind}"`);
  const dir = mkdtempSync(join(tmpdir(), 'tracseq-bench-'));
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  if (kind === 'file') {
    const path = join(dir, 'stdout.log');
    const fd = openSync(path, 'w');
    return { stdio: fd, spawned: () => closeSync(fd), bytes: async () => statSync(path).size, cleanup };
  }
  const fifo = join(dir, 'stdout.fifo');
  execFileSync('mkfifo', [fifo]);
  const drain = spawn(PIN ? 'taskset' : 'wc', PIN ? ['-c', LOADER_CORE, 'wc', '-c', fifo] : ['-c', fifo], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  live.add(drain);
  everStarted.add(drain.pid);
  let counted = '';
  drain.stdout.on('data', (chunk) => {
    counted += chunk;
  });
  const drained = new Promise((resolve) => drain.once('exit', resolve)).then(() => {
    live.delete(drain);
    return Number.parseInt(counted, 10);
  });
  // Read-write, so the open does not wait for the reader; the child keeps the only writer once
  // this process closes its copy, and the reader sees the end of the file when the child exits.
  const fd = openSync(fifo, 'r+');
  return { stdio: fd, spawned: () => closeSync(fd), bytes: () => drained, cleanup };
}

/**
 * Starts `node [nodeArgs] script [args]` with an IPC channel. stdout goes to /dev/null unless
 * `stdout` says `file` or `pipe` (see {@link stdoutTarget}); stderr is kept for errors.
 * `stdoutBytes()` resolves after the child exited: the bytes it wrote to a file or pipe.
 */
export function startChild(script, args = [], { nodeArgs = [], env = {}, stdout = 'null' } = {}) {
  const command = PIN ? 'taskset' : process.execPath;
  const argv = [...nodeArgs, script, ...args];
  const target = stdoutTarget(stdout);
  /** @type {import('node:child_process').ChildProcess} */
  let child;
  try {
    child = spawn(command, PIN ? ['-c', SERVER_CORE, process.execPath, ...argv] : argv, {
      stdio: ['ignore', /** @type {'ignore' | number} */ (target.stdio), 'pipe', 'ipc'],
      env: { ...cleanEnv(), ...env },
    });
  } finally {
    target.spawned();
  }
  let stderr = '';
  child.stderr?.on('data', (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  live.add(child);
  everStarted.add(child.pid);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  const stdoutBytes = exited.then(async () => {
    live.delete(child);
    try {
      return await target.bytes();
    } finally {
      target.cleanup();
    }
  });
  return { child, exited, stderr: () => stderr, stdoutBytes: () => stdoutBytes };
}

/** Waits for the next IPC message of `type` (rejects when the child exits first or after `ms`). */
export function nextMessage(handle, type, ms = 30_000) {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`child sent no "${type}" within ${ms} ms`)), ms);
    const onMessage = (message) => {
      if (message?.type === 'error') done(new Error(`child failed: ${message.error}`));
      else if (message?.type === type) done(undefined, message);
    };
    const onExit = (code, signal) =>
      done(new Error(`child exited (${signal ?? code}) before "${type}": ${handle.stderr().trim()}`));
    function done(error, message) {
      clearTimeout(timer);
      handle.child.off('message', onMessage);
      handle.child.off('exit', onExit);
      if (error) reject(error);
      else resolve(message);
    }
    handle.child.on('message', onMessage);
    handle.child.once('exit', onExit);
  });
}

/** Sends `{type: request}` and waits for `{type: reply}`. */
export function ask(handle, request, reply, ms) {
  const answer = nextMessage(handle, reply, ms);
  handle.child.send({ type: request });
  return answer;
}

/**
 * Asks the child to exit by itself (so `--cpu-prof` can write its profile), and kills it if it
 * has not within `ms`.
 */
export async function stopChild(handle, ms = 5_000) {
  if (handle.child.exitCode !== null || handle.child.signalCode !== null) return;
  if (handle.child.connected) handle.child.send({ type: 'stop' });
  const timer = setTimeout(() => handle.child.kill('SIGKILL'), ms);
  await handle.exited;
  clearTimeout(timer);
}

/**
 * A process started by other code (e.g. Prometheus, through @tracseq/testkit): counted as ours in
 * the neighbours report. It inherited this process's pinning (the load generator's core); with
 * pinning on, it is moved with all its threads to `cores` (a taskset CPU list; default: every
 * core). Returns the CPU list it runs on, or undefined when it was left alone.
 */
export function adoptProcess(pid, cores = `0-${cpus().length - 1}`) {
  everStarted.add(pid);
  if (!PIN) return undefined;
  try {
    execFileSync('taskset', ['-a', '-cp', cores, String(pid)], { stdio: 'ignore' });
    return cores;
  } catch {
    return undefined;
  }
}

/** Pids of this process and every child it started (to tell our CPU use from neighbours'). */
export function ownPids() {
  return everStarted;
}

/** Kills every child still running (on exit, SIGINT, SIGTERM, or an error). */
export function killAll() {
  for (const child of live) child.kill('SIGKILL');
  live.clear();
}

/**
 * Runs a standalone bench script's `main`: its children are killed when this process exits, on
 * Ctrl-C (exit 130) and when `main` fails (logged with `log`, exit 1).
 */
export function runScript(main, log) {
  process.on('exit', killAll);
  process.on('SIGINT', () => {
    killAll();
    process.exit(130);
  });
  main().catch((error) => {
    log(`failed: ${error?.stack ?? error}`);
    killAll();
    process.exit(1);
  });
}

// OTEL_* / TRACSEQ_* variables of the caller's shell would change what a scenario does.
function cleanEnv() {
  return Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !key.startsWith('OTEL_') && !key.startsWith('TRACSEQ_')),
  );
}
