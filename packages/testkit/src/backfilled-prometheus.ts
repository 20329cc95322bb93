import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findBinary } from './find-binary.js';
import { type PrometheusHandle, startPrometheus } from './prometheus.js';
import { runTool } from './promtool.js';

/** Options of {@link startBackfilledPrometheus}. */
export interface BackfilledPrometheusOptions {
  /**
   * Existing directory (usually a `makeTempDir` path) that receives `history.om.txt` and the
   * `tsdb/` data directory; the caller removes it after `stop()`.
   */
  readonly dir: string;
  /** The history in the OpenMetrics text format, ending with `# EOF`. */
  readonly openMetrics: string;
  /**
   * promtool's `--max-block-duration` (e.g. `162h`); omitted means promtool's default of 2h.
   * Long histories want a large value: promtool re-reads the whole input for every block.
   */
  readonly maxBlockDuration?: string;
}

/**
 * Backfills `openMetrics` with `promtool tsdb create-blocks-from openmetrics` into a fresh TSDB
 * under `dir` and starts a real Prometheus on it, retention 90d. Throws with promtool's output
 * when the backfill fails, and with the testkit's MissingToolError when a binary is missing.
 *
 * @example
 * ```ts
 * const tmp = makeTempDir('history');
 * const prometheus = await startBackfilledPrometheus({
 *   dir: tmp.path,
 *   openMetrics: '# TYPE up gauge\nup{job="a"} 1 1735689600\n# EOF\n',
 *   maxBlockDuration: '162h',
 * });
 * ```
 */
export async function startBackfilledPrometheus(
  options: BackfilledPrometheusOptions,
): Promise<PrometheusHandle> {
  const promtool = findBinary('promtool');
  findBinary('prometheus');
  const input = join(options.dir, 'history.om.txt');
  writeFileSync(input, options.openMetrics);
  const dataDir = join(options.dir, 'tsdb');
  const backfill = await runTool(promtool, [
    'tsdb',
    'create-blocks-from',
    ...(options.maxBlockDuration ? [`--max-block-duration=${options.maxBlockDuration}`] : []),
    'openmetrics',
    '-q',
    input,
    dataDir,
  ]);
  if (!backfill.ok) throw new Error(`promtool backfill failed:\n${backfill.stdout}${backfill.stderr}`);
  // Retention counts back from the newest sample: the default 15d would drop older history.
  return startPrometheus({ dataDir, extraArgs: ['--storage.tsdb.retention.time=90d'] });
}
