import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The process's stdout gets the lines of one event-loop turn in one write at the end of the turn.
// These tests prove, one real process per way out, that the lines of the last turn still arrive:
// each child logs N lines and leaves in the same turn.

const PACKAGE = join(dirname(fileURLToPath(import.meta.url)), '../..');
const DIST = join(PACKAGE, 'dist/index.js');
/** ~330 KB of lines: more than a pipe or socket buffer holds, and several batches' worth. */
const N = 1500;

// `process.stdout` is touched first so Node turns fd 1 non-blocking (as it does in any service
// that ever calls console.log): the writer must then wait out a full socket instead of losing lines.
const PREAMBLE = `
const { createLogger, startTelemetry } = await import(${JSON.stringify(DIST)});
void process.stdout;
const N = ${N};
const pad = 'x'.repeat(150);
const logLines = (logger, tag) => { for (let i = 0; i < N; i++) logger.info({ i, pad }, tag); };
`;

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  lines: Record<string, unknown>[];
  stderr: string;
}

/**
 * Runs `source` (after the preamble) as a module. `onStderr`/`onStdout` see the output so far
 * and may send signals; resolves when the child exited and its output ended.
 */
async function run(
  source: string,
  hooks: { onStderr?: (text: string, signal: (s: NodeJS.Signals) => void) => void } = {},
  onStdout?: (text: string, signal: (s: NodeJS.Signals) => void) => void,
): Promise<Outcome> {
  const child = spawn(process.execPath, ['--input-type=module', '-e', PREAMBLE + source], {
    cwd: PACKAGE,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const signal = (s: NodeJS.Signals) => child.kill(s);
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    onStdout?.(stdout, signal);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    hooks.onStderr?.(stderr, signal);
  });
  const [code, exitSignal] = (await once(child, 'close')) as [number | null, NodeJS.Signals | null];
  const lines = stdout
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { code, signal: exitSignal, lines, stderr };
}

/** The `i` of every line with `message` tag, in order. */
function numbered(lines: Record<string, unknown>[], tag: string): unknown[] {
  return lines.filter((l) => l.message === tag).map((l) => l.i);
}

const ALL = Array.from({ length: N }, (_, i) => i);

describe('stdout lines on every way out of the process', () => {
  it('normal exit: the program ends after logging', async () => {
    const out = await run(`
const { logger } = createLogger({ serviceName: 'svc' });
logLines(logger, 'last');
`);
    expect(out.code).toBe(0);
    expect(numbered(out.lines, 'last')).toEqual(ALL);
  });

  it('process.exit() in the same turn', async () => {
    const out = await run(`
const { logger } = createLogger({ serviceName: 'svc' });
setTimeout(() => {
  logLines(logger, 'last');
  process.exit(3);
}, 10);
`);
    expect(out.code).toBe(3);
    expect(numbered(out.lines, 'last')).toEqual(ALL);
  });

  // A request's span, metrics and line are recorded at the end of the turn its response left in
  // (atTurnEnd): a process that leaves in that turn still writes them.
  it.each([
    ['process.exit()', 'process.exit(4)', 4],
    ['an uncaught exception', "throw new Error('boom after the response')", 1],
  ])('%s in the turn a response left in: the request line is written', async (_way, leave, code) => {
    const out = await run(`
const { createRequire } = await import('node:module');
const express = createRequire(${JSON.stringify(DIST)})('express');
const telemetry = await startTelemetry({ serviceName: 'svc', tracesExporter: 'none', handleSignals: false });
const app = express();
telemetry.instrumentExpress(app);
app.get('/api/samples/:id', (req, res) => {
  // Registered after the instrumentation's own 'close' listener: it runs right after it.
  res.on('close', () => { ${leave}; });
  res.json({ id: req.params.id });
});
const server = app.listen(0, '127.0.0.1', () => {
  fetch('http://127.0.0.1:' + server.address().port + '/api/samples/S-1').catch(() => {});
});
`);
    expect(out.code).toBe(code);
    expect(out.lines.filter((l) => l.message === 'GET /api/samples/:id 200')).toEqual([
      expect.objectContaining({ url: { path: '/api/samples/S-1' }, 'http.route': '/api/samples/:id' }),
    ]);
  });

  it('SIGTERM: the shutdown of startTelemetry, down to its last line, written right before process.exit(0)', async () => {
    const out = await run(
      `
const telemetry = await startTelemetry({ serviceName: 'svc', tracesExporter: 'none', shutdownTimeoutMs: 200 });
process.on('SIGTERM', () => logLines(telemetry.logger, 'last'));
setInterval(() => {}, 1000);
process.stderr.write('READY\\n');
`,
      {
        onStderr: (text, signal) => {
          if (text === 'READY\n') signal('SIGTERM');
        },
      },
    );
    expect(out.code).toBe(0);
    expect(numbered(out.lines, 'last')).toEqual(ALL);
    expect(out.lines.some((l) => l.message === 'received SIGTERM: draining')).toBe(true);
    expect(out.lines.at(-1)).toMatchObject({ message: expect.stringContaining('telemetry stopped') });
  });

  it('SIGINT twice: the second exits at once (130), with the lines of its turn', async () => {
    let sent = 0;
    const out = await run(
      `
process.on('SIGINT', () => logLines(telemetry.logger, 'signal ' + (++signals)));
let signals = 0;
const telemetry = await startTelemetry({ serviceName: 'svc', tracesExporter: 'none', shutdownTimeoutMs: 60000 });
setInterval(() => {}, 1000);
process.stderr.write('READY\\n');
`,
      {
        onStderr: (text, signal) => {
          if (text === 'READY\n' && sent === 0) {
            sent = 1;
            signal('SIGINT');
          }
        },
      },
      (text, signal) => {
        // The first signal's turn is on stdout: its handler ran, so a second one is not merged.
        if (sent === 1 && text.includes('received SIGINT: draining')) {
          sent = 2;
          signal('SIGINT');
        }
      },
    );
    expect(out.code).toBe(130);
    expect(numbered(out.lines, 'signal 1')).toEqual(ALL);
    expect(numbered(out.lines, 'signal 2')).toEqual(ALL);
  });

  it('uncaught exception: exit code 1, every line of the throwing turn', async () => {
    const out = await run(`
const { logger } = createLogger({ serviceName: 'svc' });
setTimeout(() => {
  logLines(logger, 'last');
  throw new Error('boom from the handler');
}, 10);
`);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('boom from the handler');
    expect(numbered(out.lines, 'last')).toEqual(ALL);
  });

  it('unhandled rejection: exit code 1, every line of the rejecting turn', async () => {
    const out = await run(`
const { logger } = createLogger({ serviceName: 'svc' });
setTimeout(() => {
  logLines(logger, 'last');
  Promise.reject(new Error('rejected, nobody listening'));
}, 10);
`);
    expect(out.code).toBe(1);
    expect(out.stderr).toContain('rejected, nobody listening');
    expect(numbered(out.lines, 'last')).toEqual(ALL);
  });

  it('a fatal line is written at once, with the lines before it, even when the process is killed right after', async () => {
    const out = await run(`
const { logger } = createLogger({ serviceName: 'svc' });
setTimeout(() => {
  logLines(logger, 'last');
  logger.fatal('cannot go on');
  process.kill(process.pid, 'SIGKILL');
}, 10);
`);
    expect(out.signal).toBe('SIGKILL');
    expect(numbered(out.lines, 'last')).toEqual(ALL);
    expect(out.lines.at(-1)).toMatchObject({ 'log.level': 'fatal', message: 'cannot go on' });
  });

  it('SIGKILL loses at most the lines of the turn it interrupts', async () => {
    const out = await run(`
const { logger } = createLogger({ serviceName: 'svc' });
logLines(logger, 'earlier turn');
setTimeout(() => {
  logger.info('killed in this turn');
  process.kill(process.pid, 'SIGKILL');
}, 50);
`);
    expect(out.signal).toBe('SIGKILL');
    expect(numbered(out.lines, 'earlier turn')).toEqual(ALL);
    // The documented limit: a death without 'exit' takes the current turn's lines with it.
    expect(out.lines.some((l) => l.message === 'killed in this turn')).toBe(false);
  });
});
