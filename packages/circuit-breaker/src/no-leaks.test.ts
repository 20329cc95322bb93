import { execFile } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const DIST = join(dirname(fileURLToPath(import.meta.url)), '../dist/index.js');

// Runs in a child process so "exits on its own" is observable. opossum unrefs its timers, which
// then neither keep the process alive nor show in getActiveResourcesInfo, so an async hook
// counts every Timeout created and not yet destroyed.
const SCRIPT = `
import { createHook } from 'node:async_hooks';
const timers = new Set();
createHook({ init(id, type) { if (type === 'Timeout') timers.add(id); }, destroy(id) { timers.delete(id); } }).enable();
const { BreakerRegistry, parseBreakerConfig } = await import(${JSON.stringify(DIST)});
const registry = new BreakerRegistry(parseBreakerConfig({
  defaults: { timeout: '1s', volumeThreshold: 2 },
  rules: [{ match: { instrument: 'i-7' }, maintenance: [{ window: '2099-01-01T00:00:00Z/2099-01-02T00:00:00Z' }] }],
}));
let ok = 0, failed = 0;
for (let i = 0; i < 10000; i++) {
  const key = { lab: 'lab-a', instrument: 'i-' + i, operation: 'read' };
  await registry.call(key, async (signal) => signal.aborted ? 'aborted' : 'ok').then(() => ok++);
  await registry.call(key, async () => { throw new Error('down'); }).catch(() => failed++);
  await registry.call(key, async () => { throw new Error('down'); }).catch(() => failed++);
  if (i % 1000 === 999) registry.dispose();
}
registry.dispose();
await new Promise((resolve) => setImmediate(resolve));
const left = process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap' && r !== 'PipeWrap');
console.log(JSON.stringify({ ok, failed, left, timers: timers.size }));
`;

describe('breaker lifecycle', () => {
  it('creates, uses and disposes 10,000 breakers and leaves no timer or handle behind', async () => {
    const output = await new Promise<string>((resolve, reject) => {
      execFile(
        process.execPath,
        ['--input-type=module', '-e', SCRIPT],
        { timeout: 60_000 },
        (error, stdout, stderr) =>
          error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
      );
    });
    expect(JSON.parse(output)).toEqual({ ok: 10_000, failed: 20_000, left: [], timers: 0 });
  }, 90_000);
});
