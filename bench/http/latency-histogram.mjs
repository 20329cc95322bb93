// Response-time histogram at 1 µs resolution. autocannon's own histogram counts whole
// milliseconds, and a bare Express request here takes well under one, so p50/p99 from it would
// read 0 or 1 ms for every scenario. One array increment per response keeps the load generator
// cheap.

const MAX_US = 1_000_000; // responses slower than 1 s land in the last bucket

export function createLatencyHistogram() {
  const counts = new Uint32Array(MAX_US + 1);
  let total = 0;
  return {
    /** Records one response time in milliseconds (autocannon's unit). */
    record(ms) {
      counts[Math.min(MAX_US, Math.max(0, Math.round(ms * 1000)))]++;
      total++;
    },
    /** The q-quantile (0..1) in microseconds, or null without samples. */
    quantileUs(q) {
      if (total === 0) return null;
      const rank = Math.ceil(q * total);
      let seen = 0;
      for (let us = 0; us <= MAX_US; us++) {
        seen += counts[us];
        if (seen >= rank) return us;
      }
      return MAX_US;
    },
    count: () => total,
  };
}
