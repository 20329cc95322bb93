// One bounded autocannon run against a URL from this (the parent) process: fixed connections,
// no pipelining, keep-alive, a fixed duration.
import autocannon from 'autocannon';
import { createLatencyHistogram } from './latency-histogram.mjs';

/**
 * Runs load for `seconds`; resolves to throughput, latency percentiles (µs) and failures. With
 * `timelineMs`, also `timeline`: responses completed in each `timelineMs` window since the start.
 * `headers` are sent with every request.
 * @param {string} url
 * @param {{seconds: number, connections: number, timelineMs?: number, headers?: Record<string, string>}} options
 * @returns {Promise<{requests: number, seconds: number, rps: number, p50us: number | null,
 *   p99us: number | null, failed: number, timeline?: number[]}>}
 */
export function runLoad(url, { seconds, connections, timelineMs, headers }) {
  const histogram = createLatencyHistogram();
  const timeline = timelineMs ? new Array(Math.ceil((seconds * 1000) / timelineMs)).fill(0) : undefined;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      { url, connections, pipelining: 1, duration: seconds, ...(headers ? { headers } : {}) },
      (error, result) => {
        if (error) {
          reject(error);
          return;
        }
        resolve({
          requests: result.requests.total,
          seconds: result.duration,
          rps: result.requests.total / result.duration,
          p50us: histogram.quantileUs(0.5),
          p99us: histogram.quantileUs(0.99),
          failed: result.errors + result.timeouts + result.non2xx,
          ...(timeline ? { timeline } : {}),
        });
      },
    );
    instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
      if (statusCode < 300) histogram.record(responseTimeMs);
      if (timeline) {
        const slot = Math.floor((performance.now() - started) / timelineMs);
        if (slot < timeline.length) timeline[slot]++;
      }
    });
  });
}
