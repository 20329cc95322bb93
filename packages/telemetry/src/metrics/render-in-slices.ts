import { setImmediate as nextTurn } from 'node:timers/promises';
import { Counter, Gauge, Histogram, Registry, type RegistryContentType } from 'prom-client';
import { ChunkPool, ChunkWriter } from './byte-chunks.js';
import { type HistogramRecord, HistogramSampleWriter } from './histogram-samples.js';

/** Options of {@link renderInSlices}. */
export interface SliceOptions {
  /**
   * Rendering time after which the full pieces so far are handed out and the event loop gets a turn
   * (default 4 ms). One step always completes, so a slice can run a little longer.
   */
  readonly sliceMs?: number;
  /**
   * Label sets rendered in one step at most (default 64): a label set is always rendered whole. A
   * histogram's step also ends early, within 8 label sets, once the slice's time is up.
   */
  readonly labelSetsPerStep?: number;
  /**
   * Where the pieces' bytes come from (default: a pool of this render's own). Pass a pool shared
   * across scrapes, and give each piece back with `release` once it is written, to reuse them.
   */
  readonly chunks?: ChunkPool;
}

/** Default {@link SliceOptions.sliceMs}. */
export const DEFAULT_SLICE_MS = 4;
/** Default {@link SliceOptions.labelSetsPerStep}. */
export const DEFAULT_LABEL_SETS_PER_STEP = 64;
/** A histogram's step reads the clock after every this many label sets. */
const LABEL_SETS_PER_CLOCK_READ = 8;

/**
 * Histogram writers kept from one scrape to the next, per metric and format: a writer caches the
 * formatted labels of each series for as long as the series exists, so a scrape allocates only
 * the lines it writes. Made per scrape, those ~10,000 cache entries (at 10,000 label sets) were
 * new objects that lived through the scrape: every scavenge during it copied and promoted them.
 */
const histogramWriters = new WeakMap<
  object,
  { text?: HistogramSampleWriter; open?: HistogramSampleWriter }
>();

function histogramWriter(
  metric: RegisteredMetric,
  bounds: readonly number[],
  defaultLabels: Readonly<Record<string, unknown>> | null,
  openMetrics: boolean,
): HistogramSampleWriter {
  let writers = histogramWriters.get(metric);
  if (writers === undefined) {
    writers = {};
    histogramWriters.set(metric, writers);
  }
  const kept = openMetrics ? writers.open : writers.text;
  if (kept?.matches(metric.name, bounds, defaultLabels)) return kept;
  const writer = new HistogramSampleWriter(metric.name, bounds, defaultLabels, openMetrics);
  if (openMetrics) writers.open = writer;
  else writers.text = writer;
  return writer;
}

/** prom-client's formatter of one metric; it exists at runtime but is missing from the typings. */
type RenderMetric = (metric: unknown) => Promise<string>;

/** What a registry holds, as far as rendering goes (prom-client's metric objects). */
interface RegisteredMetric {
  readonly name: string;
  readonly type: string;
  get(): Promise<object>;
  /** Label hash → series record, in Counter, Gauge and Histogram. */
  readonly hashMap?: Record<string, unknown>;
  readonly collect?: () => unknown;
}

/** Whether prom-client renders `metric` from `hashMap` alone (after `collect`). */
function sliceable(metric: RegisteredMetric): boolean {
  return (
    (metric instanceof Histogram || metric instanceof Counter || metric instanceof Gauge) &&
    typeof metric.hashMap === 'object' &&
    metric.hashMap !== null
  );
}

/**
 * `metric` seen through a window: prom-client's own `get`/`getForPromString` of the metric,
 * over `records` only (its `Object.values(hashMap)` of an array is the array), without running
 * `collect` again, under `name` (OpenMetrics renders counters from the name without `_total`
 * and adds it to each sample, and must not rename the shared metric itself).
 */
function windowOf(metric: RegisteredMetric, records: unknown[], name: string): unknown {
  return Object.create(metric, {
    hashMap: { value: records },
    collect: { value: undefined },
    name: { value: name },
  });
}

/**
 * Renders `registry` exactly as its `metrics()` does (Prometheus text or OpenMetrics, as the
 * registry's content type says), but in slices: the text is handed out as UTF-8 pieces (chunks
 * of {@link SliceOptions.chunks}, each valid UTF-8 on its own), and after about `sliceMs` of work
 * the event loop gets a turn before the next piece is rendered. A
 * registry with 10,000 label sets of a histogram takes hundreds of milliseconds to render; in one
 * piece that would be one stall of the service per scrape.
 *
 * The text is prom-client's: each metric's samples come from prom-client's formatter, applied to
 * windows of its label sets, except a histogram's, which {@link HistogramSampleWriter} writes
 * the same way with a fraction of the garbage (the tests compare both with prom-client's
 * output). Label sets are rendered whole, each read in one go: a histogram's buckets, sum and
 * count always agree. Series updated while a scrape is in progress appear with the values
 * they had when their window was rendered; label sets created meanwhile appear in the next scrape.
 */
export async function* renderInSlices(
  registry: Registry<RegistryContentType>,
  options: SliceOptions = {},
): AsyncGenerator<Buffer, void, undefined> {
  const sliceMs = options.sliceMs ?? DEFAULT_SLICE_MS;
  const step = Math.max(1, options.labelSetsPerStep ?? DEFAULT_LABEL_SETS_PER_STEP);
  const render = (registry as unknown as { getMetricsAsString: RenderMetric }).getMetricsAsString.bind(
    registry,
  );
  const openMetrics = (registry.contentType as string) === Registry.OPENMETRICS_CONTENT_TYPE;
  // What prom-client's getMetricsAsString merges into every sample's labels.
  const own = (registry as unknown as { _defaultLabels?: Record<string, unknown> })._defaultLabels ?? {};
  const defaultLabels = Object.keys(own).length > 0 ? own : null;
  // The separators of prom-client's metrics(): a blank line between metrics in the text format.
  const between = openMetrics ? '\n' : '\n\n';
  const out = new ChunkWriter(options.chunks ?? new ChunkPool());
  let started = performance.now();
  const sliceDue = () => performance.now() - started >= sliceMs;
  const pause = async function* () {
    const due = sliceDue();
    if (out.hasReady) yield* out.take();
    if (!due) return;
    await nextTurn();
    started = performance.now();
  };

  let first = true;
  for (const metric of registry.getMetricsAsArray() as unknown as RegisteredMetric[]) {
    if (!first) out.write(between);
    first = false;
    const name = openMetrics && metric.type === 'counter' ? metric.name.replace(/_total$/, '') : metric.name;
    if (!sliceable(metric)) {
      if (name === metric.name) out.write(await render(metric));
      else {
        const item = await metric.get();
        out.write(await render({ get: async () => ({ ...item, name }) }));
      }
      yield* pause();
      continue;
    }
    const collected = metric.collect?.();
    if (collected instanceof Promise) await collected;
    const records = Object.values(metric.hashMap ?? {});
    const bounds = (metric as { upperBounds?: unknown }).upperBounds;
    if (metric instanceof Histogram && Array.isArray(bounds)) {
      // `# HELP` and `# TYPE` from prom-client, the samples from our writer of its format.
      out.write(await render(windowOf(metric, [], name)));
      const writer = histogramWriter(metric, bounds as number[], defaultLabels, openMetrics);
      for (let i = 0; i < records.length; ) {
        const end = Math.min(records.length, i + step);
        while (i < end) {
          out.write(writer.write(records[i++] as HistogramRecord));
          // A step can be many times slower than usual (its first scrape fills the text caches;
          // code V8 has just deoptimized runs interpreted), so the clock is read every few label
          // sets, not only between steps: a due slice ends within a few label sets.
          if (i % LABEL_SETS_PER_CLOCK_READ === 0 && sliceDue()) break;
        }
        yield* pause();
      }
      continue;
    }
    // The first window carries `# HELP` and `# TYPE`; the others only their samples.
    out.write(await render(windowOf(metric, records.slice(0, step), name)));
    yield* pause();
    for (let i = step; i < records.length; i += step) {
      const part = await render(windowOf(metric, records.slice(i, i + step), name));
      // Drop the `# HELP …\n# TYPE …` lines; keep the `\n` that joins the samples to the text.
      const samples = part.indexOf('\n', part.indexOf('\n') + 1);
      if (samples !== -1) out.write(part.slice(samples));
      yield* pause();
    }
  }
  out.write(openMetrics ? '\n# EOF\n' : '\n');
  yield* out.finish();
}
