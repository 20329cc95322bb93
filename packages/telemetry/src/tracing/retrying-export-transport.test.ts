import type { ExportResponse, IExporterTransport } from '@opentelemetry/otlp-exporter-base';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { retryAfterMs } from './otlp-http-transport.js';
import { MAX_EXPORT_RETRIES, RetryingExportTransport } from './retrying-export-transport.js';

/** A transport answering from a script (the last answer repeats), recording when it was called. */
function scripted(answers: ExportResponse[]) {
  const calls: number[] = [];
  const transport: IExporterTransport = {
    send: async () => {
      calls.push(Date.now());
      return answers[Math.min(calls.length - 1, answers.length - 1)] as ExportResponse;
    },
    shutdown: () => undefined,
  };
  return { transport, calls };
}

const refused: ExportResponse = {
  status: 'retryable',
  error: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }),
};
const ok: ExportResponse = { status: 'success' };
const noJitter = () => 0.5;

describe('RetryingExportTransport', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('retries a retryable answer with backoff 1 s, 1.5 s, 2.25 s … within the budget', async () => {
    const { transport, calls } = scripted([refused, refused, refused, ok]);
    const sending = new RetryingExportTransport(transport, noJitter).send(new Uint8Array(1), 10_000);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(await sending).toEqual(ok);
    expect(calls).toEqual([0, 1000, 2500, 4750]);
  });

  it('stops after the budget or the retry count, with the last failure', async () => {
    const short = scripted([refused]);
    const withinBudget = new RetryingExportTransport(short.transport, noJitter).send(new Uint8Array(1), 2000);
    await vi.advanceTimersByTimeAsync(5000);
    expect(await withinBudget).toBe(refused);
    // 1 s fits in 2 s, the next 1.5 s does not.
    expect(short.calls).toHaveLength(2);

    const long = scripted([refused]);
    const capped = new RetryingExportTransport(long.transport, noJitter).send(new Uint8Array(1), 600_000);
    await vi.advanceTimersByTimeAsync(600_000);
    expect(await capped).toBe(refused);
    expect(long.calls).toHaveLength(1 + MAX_EXPORT_RETRIES);
  });

  it('waits what Retry-After asks for instead of its own backoff', async () => {
    const { transport, calls } = scripted([{ status: 'retryable', retryInMillis: 3000 }, ok]);
    const sending = new RetryingExportTransport(transport, noJitter).send(new Uint8Array(1), 10_000);
    await vi.advanceTimersByTimeAsync(5000);
    expect(await sending).toEqual(ok);
    expect(calls).toEqual([0, 3000]);
  });

  it('does not retry a failure that is not retryable', async () => {
    const failure: ExportResponse = { status: 'failure', error: new Error('HTTP 400') };
    const { transport, calls } = scripted([failure, ok]);
    expect(await new RetryingExportTransport(transport, noJitter).send(new Uint8Array(1), 10_000)).toBe(
      failure,
    );
    expect(calls).toHaveLength(1);
  });

  it('after giveUp: a backoff in progress ends at once with its failure, and new exports get one attempt', async () => {
    const { transport, calls } = scripted([refused]);
    const retrying = new RetryingExportTransport(transport, noJitter);
    const waiting = retrying.send(new Uint8Array(1), 10_000);
    await vi.advanceTimersByTimeAsync(10);
    expect(calls).toHaveLength(1);
    retrying.giveUp();
    // No timer has to fire: the backoff was cut short.
    expect(await waiting).toBe(refused);
    expect(calls).toHaveLength(1);
    expect(await retrying.send(new Uint8Array(1), 10_000)).toBe(refused);
    expect(calls).toHaveLength(2);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('retryAfterMs', () => {
  it('reads delta-seconds and HTTP dates; ignores what it cannot read', () => {
    expect(retryAfterMs('2')).toBe(2000);
    expect(retryAfterMs('0')).toBe(0);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(retryAfterMs('Thu, 01 Jan 2026 00:00:05 GMT', now)).toBe(5000);
    expect(retryAfterMs('Thu, 01 Jan 2025 00:00:05 GMT', now)).toBe(0);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(undefined)).toBeUndefined();
  });
});
