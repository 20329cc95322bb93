// Scrape cost: does a /metrics scrape stall the service? A @tracseq/telemetry server (child, server
// core) holds N label sets of the HTTP histogram; autocannon loads its API route while a scraper
// (curl, a process of its own on the load generator's core) fetches /metrics back to back. The
// server reports the longest event-loop delay during the load alone and during load + scrapes;
// also the time prom-client takes to render everything in one go (what one scrape blocked the
// event loop for before rendering was sliced). DESIGN §9: no block over 20 ms at 10,000 label sets.
import { execFile } from 'node:child_process';
import { runLoad } from '../http/load.mjs';
import { startOtlpSink } from '../http/otlp-sink.mjs';
import { REQUEST_PATH } from '../http/route.mjs';
import { ask, nextMessage, startChild, stopChild } from '../lib/children.mjs';
import { median, round } from '../lib/stats.mjs';

const SERVER = new URL('./scrape-server.mjs', import.meta.url).pathname;
const OPENMETRICS = 'application/openmetrics-text; version=1.0.0';

/** The default series cap, and 10,000 label sets with the cap raised. */
export const SCRAPE_CASES = [
  { labelSets: 2000, seriesLimit: undefined, label: '2,000 (the default series cap)' },
  { labelSets: 10_000, seriesLimit: 12_000, label: '10,000 (cap raised to 12,000)' },
];

/** DESIGN §9: the longest event-loop block during a scrape, ms. */
export const SCRAPE_TARGET_MS = 20;

/** One scrape by curl; resolves to its wall time (ms) and size, or rejects on failure. */
function scrapeOnce(url, openMetrics) {
  const args = ['-s', '-o', '/dev/null', '-w', '%{http_code} %{time_total} %{size_download}'];
  if (openMetrics) args.push('-H', `Accept: ${OPENMETRICS}`);
  return new Promise((resolve, reject) => {
    execFile('curl', [...args, url], (error, stdout) => {
      if (error) {
        reject(error);
        return;
      }
      const [status, seconds, bytes] = stdout.trim().split(' ');
      if (status !== '200') reject(new Error(`/metrics answered ${status}`));
      else resolve({ ms: Number(seconds) * 1000, bytes: Number(bytes) });
    });
  });
}

/** Scrapes back to back (100 ms apart) until `until` resolves. */
async function scrapeWhile(url, openMetrics, until) {
  let done = false;
  until.then(() => {
    done = true;
  });
  const scrapes = [];
  while (!done) {
    scrapes.push(await scrapeOnce(url, openMetrics));
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return scrapes;
}

async function measureCase(scrapeCase, sink, settings, log) {
  const env = { BENCH_RENDERS: String(settings.renders) };
  if (scrapeCase.seriesLimit) env.TRACSEQ_SERIES_LIMIT = String(scrapeCase.seriesLimit);
  // Diagnostics: BENCH_SCRAPE_NODE_ARGS (e.g. `--trace-gc`) for the server, whose stdout is then
  // kept in BENCH_SCRAPE_STDOUT-<label sets>.log when that is set.
  const keep = process.env.BENCH_SCRAPE_STDOUT;
  const handle = startChild(SERVER, [sink.url, String(scrapeCase.labelSets)], {
    env,
    stdout: keep ? `keep:${keep}-${scrapeCase.labelSets}.log` : 'file',
    nodeArgs: (process.env.BENCH_SCRAPE_NODE_ARGS ?? '').split(' ').filter(Boolean),
  });
  try {
    const { port } = await nextMessage(handle, 'ready');
    const base = `http://127.0.0.1:${port}`;
    const load = { seconds: settings.loadSeconds, connections: settings.connections };
    await runLoad(`${base}${REQUEST_PATH}`, { ...load, seconds: 2 });
    // The first scrape of each format, alone, measured apart: it fills the per-series text caches
    // (a service fills them as its label sets appear; here all 10,000 exist before any scrape).
    const first = [];
    for (const openMetrics of [false, true]) {
      await ask(handle, 'eld:reset', 'eld:reset:done');
      await scrapeOnce(`${base}/metrics`, openMetrics);
      first.push(await ask(handle, 'eld', 'eld:done'));
    }
    const formats = [];
    for (const openMetrics of [false, true]) {
      await ask(handle, 'eld:reset', 'eld:reset:done');
      const alone = await runLoad(`${base}${REQUEST_PATH}`, load);
      const delayAlone = await ask(handle, 'eld', 'eld:done');
      await ask(handle, 'eld:reset', 'eld:reset:done');
      const loaded = runLoad(`${base}${REQUEST_PATH}`, load);
      const scrapes = await scrapeWhile(`${base}/metrics`, openMetrics, loaded);
      const withScrapes = await loaded;
      const delayScraping = await ask(handle, 'eld', 'eld:done');
      formats.push({ openMetrics, alone, withScrapes, scrapes, delayAlone, delayScraping });
    }
    // Without load, after the measured phases (the old generation it fills with garbage would
    // otherwise be collected during them): how long rendering everything in one piece takes.
    const whole = await ask(handle, 'render', 'render:done', 600_000);
    return {
      ...scrapeCase,
      formats: formats.map(({ openMetrics, alone, withScrapes, scrapes, delayAlone, delayScraping }) => {
        const format = {
          format: openMetrics ? 'OpenMetrics' : 'Prometheus text',
          firstScrapeDelay: first[openMetrics ? 1 : 0],
          wholeRenderMs: (openMetrics ? whole.openMetrics : whole.text).medianMs,
          bytes: (openMetrics ? whole.openMetrics : whole.text).bytes,
          scrapes: scrapes.length,
          scrapeMs: round(median(scrapes.map((s) => s.ms)), 0),
          scrapedBytes: median(scrapes.map((s) => s.bytes)),
          loadAlone: { rps: round(alone.rps, 0), delay: delayAlone },
          loadScraping: { rps: round(withScrapes.rps, 0), delay: delayScraping },
          failed: alone.failed + withScrapes.failed,
        };
        log(
          `scrape ${scrapeCase.labelSets} label sets, ${format.format}: whole render ${format.wholeRenderMs} ms; ` +
            `${format.scrapes} scrapes of ${format.scrapeMs} ms; longest event-loop delay ${delayAlone.maxMs} ms ` +
            `under load alone, ${delayScraping.maxMs} ms while scraping (longest GC pause ${delayAlone.gcMaxMs} / ` +
            `${delayScraping.gcMaxMs} ms)`,
        );
        return format;
      }),
    };
  } finally {
    await stopChild(handle);
  }
}

/** Every case, one child each. */
export async function runScrapeBench(settings, log) {
  const sink = await startOtlpSink();
  try {
    const cases = [];
    for (const scrapeCase of SCRAPE_CASES) cases.push(await measureCase(scrapeCase, sink, settings, log));
    return { settings, cases, targetMs: SCRAPE_TARGET_MS };
  } finally {
    await sink.close();
  }
}
