import { describe, expect, it } from 'vitest';
import { atTurnEnd, runPendingRecords } from './turn-end.js';

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('atTurnEnd', () => {
  it("runs the turn's records, then its writes, once the turn's callbacks are done", async () => {
    const order: string[] = [];
    atTurnEnd(() => order.push('write 1'), 'write');
    atTurnEnd(() => order.push('record 1'), 'record');
    atTurnEnd(() => {
      order.push('record 2');
      // A record that writes a line: the line leaves in the same turn's write stage.
      atTurnEnd(() => order.push('write from record 2'), 'write');
    }, 'record');
    order.push('rest of the turn');
    await nextTurn();
    expect(order).toEqual(['rest of the turn', 'record 1', 'record 2', 'write 1', 'write from record 2']);
  });

  it('runPendingRecords() runs what waits now, and nothing twice', async () => {
    const order: string[] = [];
    atTurnEnd(() => order.push('record'), 'record');
    atTurnEnd(() => order.push('write'), 'write');
    runPendingRecords();
    expect(order).toEqual(['record']);
    await nextTurn();
    expect(order).toEqual(['record', 'write']);
  });

  it('a task that throws is dropped; the tasks after it still run, in a later turn end', async () => {
    const order: string[] = [];
    const thrown: unknown[] = [];
    const onUncaught = (error: unknown) => thrown.push(error);
    // Vitest reports uncaught exceptions as failures: catch the one this test provokes.
    const listeners = process.listeners('uncaughtException');
    process.removeAllListeners('uncaughtException');
    process.on('uncaughtException', onUncaught);
    try {
      atTurnEnd(() => order.push('record 1'), 'record');
      atTurnEnd(() => {
        throw new Error('record 2 failed');
      }, 'record');
      atTurnEnd(() => order.push('record 3'), 'record');
      atTurnEnd(() => order.push('write'), 'write');
      await nextTurn();
      await nextTurn();
      await nextTurn();
    } finally {
      process.off('uncaughtException', onUncaught);
      for (const listener of listeners) process.on('uncaughtException', listener);
    }
    expect(thrown).toEqual([new Error('record 2 failed')]);
    expect(order).toEqual(['record 1', 'write', 'record 3']);
  });
});
