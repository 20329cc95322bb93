import { describe, expect, it } from 'vitest';
import { startOtlpReceiver } from './otlp-receiver.js';
import { waitFor } from './wait-for.js';

/** An empty OTLP/JSON export: enough for the receiver to answer as a collector would. */
function post(url: string): Promise<Response> {
  return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
}

describe('OTLP receiver failure modes', () => {
  it('answers 500, 503 and 429 (with Retry-After when asked), then recovers', async () => {
    const receiver = await startOtlpReceiver();
    try {
      await receiver.setMode('fail500');
      expect((await post(receiver.tracesUrl)).status).toBe(500);
      await receiver.setMode('fail503');
      const unavailable = await post(receiver.tracesUrl);
      expect(unavailable.status).toBe(503);
      expect(unavailable.headers.get('retry-after')).toBeNull();
      await receiver.setMode('fail429', { retryAfterSeconds: 2 });
      const throttled = await post(receiver.tracesUrl);
      expect(throttled.status).toBe(429);
      expect(throttled.headers.get('retry-after')).toBe('2');
      await receiver.setMode('up');
      expect((await post(receiver.tracesUrl)).status).toBe(200);
      expect(receiver.requests.map((r) => [r.mode, r.status])).toEqual([
        ['fail500', 500],
        ['fail503', 503],
        ['fail429', 429],
        ['up', 200],
      ]);
    } finally {
      await receiver.close();
    }
  });

  it('stalls a request until closed, refuses connections while down, and recovers on the same port', async () => {
    const receiver = await startOtlpReceiver();
    try {
      await receiver.setMode('stall');
      const stalled = post(receiver.tracesUrl).then(
        (r) => r.status,
        () => 'aborted',
      );
      // Wait for the stalled request to arrive (not a fixed pause: a busy machine may take longer).
      await waitFor(() => receiver.requests.length > 0, { description: 'the stalled request arrives' });
      expect(receiver.requests.at(-1)).toMatchObject({ mode: 'stall' });
      expect(receiver.requests.at(-1)?.status).toBeUndefined();
      await receiver.setMode('down');
      await expect(post(receiver.tracesUrl)).rejects.toThrow();
      await receiver.setMode('up');
      expect((await post(receiver.tracesUrl)).status).toBe(200);
      await receiver.close();
      expect(await stalled).toBe('aborted');
    } finally {
      await receiver.close();
    }
  });
});
