// One bounded autocannon run against a URL from this (the parent) process: fixed connections,
// no pipelining, keep-alive, a fixed duration.
import autocannon from 'autocannon';
import { createLatencyHistogram } from './latency-histogram.mjs';

/** Runs load for `seconds`; resolves to throughput, latency percentiles (µs) and failures. */
export function runLoad(url, { seconds, connections }) {
  const histogram = createLatencyHistogram();
  return new Promise((resolve, reject) => {
    const instance = autocannon({ url, connections, pipelining: 1, duration: seconds }, (error, result) => {
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
      });
    });
    instance.on('response', (_client, statusCode, _bytes, responseTimeMs) => {
      if (statusCode < 300) histogram.record(responseTimeMs);
    });
  });
}
