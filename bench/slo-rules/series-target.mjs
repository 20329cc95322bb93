// The synthetic input of the SLO-rule benchmark: for every SLO, the series the Sloth conformance
// suite's model (`synthesiseInput`) feeds it, served live from a /metrics endpoint on 127.0.0.1.
// The model writes promtool input series; one input step here is one second of wall time, so a
// counter that gains 999 per step gains 999 per second, and gauges keep their value.
import { createServer } from 'node:http';

const NUMBER = String.raw`-?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?`;
const EXPANDING = new RegExp(`^(${NUMBER})([+-])(${NUMBER.slice(2)})x(\\d+)$`);

/** Expands promtool's `a+bxn`, `a`, `_` and `_xn` notation into samples (undefined = none). */
export function expandValues(values) {
  const out = [];
  for (const token of values.trim().split(/\s+/)) {
    const blank = /^_(?:x(\d+))?$/.exec(token);
    if (blank) {
      out.push(...Array.from({ length: Number(blank[1] ?? 1) }, () => undefined));
      continue;
    }
    const run = EXPANDING.exec(token);
    if (!run) {
      out.push(Number(token));
      continue;
    }
    const [, start, sign, step, times] = run;
    const delta = (sign === '-' ? -1 : 1) * Number(step);
    for (let i = 0; i <= Number(times); i++) out.push(Number(start) + i * delta);
  }
  return out;
}

/**
 * The live series of one SLO at a steady error ratio: counters (0, then a constant increase per
 * step) gain that increase per second; anything else is a gauge holding its last value.
 */
export function liveSeries(model, errorRatio) {
  return model.build([{ steps: 4, errorRatio }], 1).map(({ series, values }) => {
    const samples = expandValues(values);
    const step = samples[1] - samples[0];
    const even = (v, i) => i === 0 || Math.abs(v - samples[i - 1] - step) <= 1e-9 * step;
    const counter = samples[0] === 0 && step > 0 && samples.every(even);
    return counter
      ? { series, kind: 'counter', perSecond: step }
      : { series, kind: 'gauge', value: samples.at(-1) };
  });
}

/** Serves `series` (deduplicated by name and labels; the first definition wins) on 127.0.0.1. */
export async function startSeriesTarget(series) {
  const unique = [...new Map(series.map((s) => [s.series, s])).values()];
  const started = performance.now();
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    const seconds = (performance.now() - started) / 1000;
    const lines = unique
      .filter((s) => s.kind === 'counter' || s.value !== undefined)
      .map((s) => `${s.series} ${s.kind === 'counter' ? s.perSecond * seconds : s.value}`);
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
    res.end(`${lines.join('\n')}\n`);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(undefined));
  });
  return {
    address: `127.0.0.1:${/** @type {import('node:net').AddressInfo} */ (server.address()).port}`,
    seriesCount: unique.length,
    counters: unique.filter((s) => s.kind === 'counter').length,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
