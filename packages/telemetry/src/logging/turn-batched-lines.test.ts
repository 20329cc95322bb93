import { describe, expect, it } from 'vitest';
import { TurnBatchedLines } from './turn-batched-lines.js';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('TurnBatchedLines', () => {
  it('writes the lines of one event-loop turn in one call, when the turn ends', async () => {
    const writes: string[] = [];
    const lines = new TurnBatchedLines((text) => writes.push(text));
    lines.write('{"n":1}\n');
    lines.write('{"n":2}\n');
    lines.write('{"n":3}\n');
    expect(writes).toEqual([]);
    expect(lines.pendingChars).toBe(24);
    await nextTurn();
    expect(writes).toEqual(['{"n":1}\n{"n":2}\n{"n":3}\n']);
    lines.write('{"n":4}\n');
    await nextTurn();
    expect(writes).toEqual(['{"n":1}\n{"n":2}\n{"n":3}\n', '{"n":4}\n']);
    expect(lines.pendingChars).toBe(0);
  });

  it('writes at once past the size bound, keeping the order', async () => {
    const writes: string[] = [];
    const lines = new TurnBatchedLines((text) => writes.push(text), 20);
    lines.write('{"n":1}\n');
    lines.write('{"n":2}\n');
    expect(writes).toEqual([]);
    lines.write('{"n":3}\n');
    expect(writes).toEqual(['{"n":1}\n{"n":2}\n{"n":3}\n']);
    lines.write('{"n":4}\n');
    await nextTurn();
    expect(writes.join('')).toBe('{"n":1}\n{"n":2}\n{"n":3}\n{"n":4}\n');
  });

  it('flush() writes what is held synchronously; nothing is written twice', async () => {
    const writes: string[] = [];
    const lines = new TurnBatchedLines((text) => writes.push(text));
    lines.write('a\n');
    lines.flush();
    expect(writes).toEqual(['a\n']);
    lines.flush();
    await nextTurn();
    expect(writes).toEqual(['a\n']);
  });

  it('after writeThrough() every line is written at once', () => {
    const writes: string[] = [];
    const lines = new TurnBatchedLines((text) => writes.push(text));
    lines.write('a\n');
    lines.writeThrough();
    lines.write('b\n');
    expect(writes).toEqual(['a\n', 'b\n']);
  });
});
