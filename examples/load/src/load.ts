/** Faults the generator can inject into the example services. */
export type FaultKind =
  | 'none'
  | 'errors'
  | 'latency'
  | 'outage'
  | 'sequencer-outage'
  | 'sequencer-maintenance'
  | 'storage-outage';

/** Options of {@link runLoad}; rate and duration are bounded so a run always stops by itself. */
export interface LoadOptions {
  /** Base URL of sample-service (loopback only). */
  readonly sampleServiceUrl: string;
  /** Base URL of storage-service (loopback only). */
  readonly storageServiceUrl: string;
  /** Sample submissions per second, 1..200. */
  readonly rate: number;
  /** Seconds to run, 1..3600. */
  readonly durationSeconds: number;
  readonly fault: FaultKind;
  /** Seconds after the start the fault begins and how long it lasts. */
  readonly faultAfterSeconds: number;
  readonly faultForSeconds: number;
}

/** Counts of what the generator saw. */
export interface LoadStats {
  sent: number;
  byStatus: Record<string, number>;
  errors: number;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]', '::1']);
const SAMPLE_TYPES = ['blood', 'saliva', 'tissue', 'dna'];
const ZONES = ['freezer_minus_80', 'freezer_minus_20'];

/** Throws unless every URL is on this machine and the bounds hold. */
export function checkLoadOptions(options: LoadOptions): void {
  for (const [name, value] of [
    ['sampleServiceUrl', options.sampleServiceUrl],
    ['storageServiceUrl', options.storageServiceUrl],
  ] as const) {
    const host = new URL(value).hostname;
    if (!LOOPBACK.has(host))
      throw new Error(
        `${name}: ${value} is not a loopback address; the load generator only targets this machine`,
      );
  }
  if (!(options.rate >= 1 && options.rate <= 200))
    throw new Error(`rate: ${options.rate} is outside 1..200 requests/s`);
  if (!(options.durationSeconds >= 1 && options.durationSeconds <= 3600)) {
    throw new Error(`duration: ${options.durationSeconds} is outside 1..3600 s`);
  }
}

async function post(url: string, body: unknown): Promise<number> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await response.arrayBuffer();
  return response.status;
}

/** Sets or clears a fault on the services. */
export async function setFault(options: LoadOptions, fault: FaultKind): Promise<void> {
  const sample = `${options.sampleServiceUrl}/admin/faults`;
  const storage = `${options.storageServiceUrl}/admin/faults`;
  await Promise.all([
    post(sample, {
      errorRatio: fault === 'errors' ? 0.05 : fault === 'outage' ? 1 : 0,
      latencyMs: fault === 'latency' ? 250 : 0,
      sequencerOutage: fault === 'sequencer-outage',
      // A declared maintenance window (not an outage): rejections stay out of the SLIs.
      sequencerMaintenanceMinutes: fault === 'sequencer-maintenance' ? 60 : 0,
    }),
    post(storage, { errorRatio: fault === 'storage-outage' ? 1 : 0, latencyMs: 0 }),
  ]);
}

/**
 * Submits samples at a fixed rate for a fixed time (and processes some of them), injecting the
 * fault in its window; stops early when `signal` aborts. Always clears faults before returning.
 */
export async function runLoad(
  options: LoadOptions,
  signal?: AbortSignal,
  onTick?: (stats: LoadStats) => void,
): Promise<LoadStats> {
  checkLoadOptions(options);
  const stats: LoadStats = { sent: 0, byStatus: {}, errors: 0 };
  const started = Date.now();
  const end = started + options.durationSeconds * 1000;
  const interval = 1000 / options.rate;
  let faultOn = false;
  const pending = new Set<Promise<void>>();
  try {
    for (let next = started; Date.now() < end && !signal?.aborted; next += interval) {
      const elapsed = (Date.now() - started) / 1000;
      const inWindow =
        options.fault !== 'none' &&
        elapsed >= options.faultAfterSeconds &&
        elapsed < options.faultAfterSeconds + options.faultForSeconds;
      if (inWindow !== faultOn) {
        faultOn = inWindow;
        await setFault(options, inWindow ? options.fault : 'none').catch(() => undefined);
      }
      const n = stats.sent++;
      const request = (async () => {
        try {
          const status = await post(`${options.sampleServiceUrl}/api/samples`, {
            barcode: `S-${(n % 100_000).toString().padStart(6, '0')}`,
            sampleType: SAMPLE_TYPES[n % SAMPLE_TYPES.length],
            zone: ZONES[n % ZONES.length],
          });
          stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
        } catch {
          stats.errors++;
        }
      })();
      pending.add(request);
      request.finally(() => pending.delete(request));
      if (n % options.rate === 0) onTick?.(stats);
      const wait = next + interval - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    await Promise.all(pending);
  } finally {
    if (faultOn) await setFault(options, 'none').catch(() => undefined);
  }
  return stats;
}
