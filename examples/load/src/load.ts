/**
 * Fault `storage-fill`: a batch transfer fills the smaller freezer, which the storage alerts
 * watch first, short of full on purpose: a full zone answers 409, and rejected samples are a
 * data-quality failure, a different lesson.
 */
const STORAGE_FILL = { zone: 'freezer_minus_80', share: 0.97, seconds: 20 } as const;

/** Fault `sequencer-slow`: how long sequencer-1 takes, past its slowCallDuration of 5 s. */
const SEQUENCER_SLOW_MS = 6_000;

/** Faults the generator can inject into the example services, with what each one does. */
export const FAULTS = {
  none: 'no fault',
  errors: 'sample-service answers 5 % of API requests 500',
  latency: 'sample-service takes 250 ms longer for every API request',
  outage: 'sample-service answers every API request 500',
  'sequencer-outage': 'sequencer-1 stops responding: its breaker opens, submissions fail',
  'sequencer-maintenance': 'sequencer-1 in declared maintenance: breaker forced open, 503s, no budget spent',
  'sequencer-slow':
    'sequencer-1 answers, but in 6 s instead of 5 ms: its breaker opens on slow calls (outcome slow)',
  'storage-outage': 'storage-service answers every request 503: submissions fail, its breaker opens',
  'storage-fill': `a batch transfer fills ${STORAGE_FILL.zone} to ${STORAGE_FILL.share * 100} % in ${STORAGE_FILL.seconds} s; it leaves when the fault ends`,
  contamination: 'a bad reagent lot: 30 % of processed samples fail QC as contaminated (usually 1 in 400)',
} as const;

/** A fault the generator can inject (a key of {@link FAULTS}). */
export type FaultKind = keyof typeof FAULTS;

/** True when `value` names a fault of {@link FAULTS}. */
export function isFaultKind(value: string): value is FaultKind {
  return Object.hasOwn(FAULTS, value);
}

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

/** Counts of one kind of request the generator sent. */
export interface RequestStats {
  sent: number;
  /** Responses by HTTP status code. */
  byStatus: Record<string, number>;
  /** Requests that got no response (connection refused, reset). */
  errors: number;
}

/** Counts of what the generator saw: sample submissions, plus `processing` of the accepted ones. */
export interface LoadStats extends RequestStats {
  processing: RequestStats;
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

async function postJson(url: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, body: parsed };
}

/** Posts a fault switch; throws with the service's reason when it refuses it. */
async function postFault(url: string, body: unknown): Promise<void> {
  const { status, body: answer } = await postJson(url, body);
  if (status < 200 || status >= 300)
    throw new Error(`${url} answered ${status}: ${(answer as { error?: string } | undefined)?.error ?? ''}`);
}

/** Sends one request, counting its status (or its failure to get one) in `stats`. */
async function counted<T>(
  stats: RequestStats,
  send: () => Promise<{ status: number; body: T }>,
): Promise<T | undefined> {
  stats.sent++;
  try {
    const { status, body } = await send();
    stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
    return status >= 200 && status < 300 ? body : undefined;
  } catch {
    stats.errors++;
    return undefined;
  }
}

/** Sets or clears a fault on the services; throws when a service refuses the switch. */
export async function setFault(options: LoadOptions, fault: FaultKind): Promise<void> {
  const sample = `${options.sampleServiceUrl}/admin/faults`;
  const storage = `${options.storageServiceUrl}/admin/faults`;
  await Promise.all([
    postFault(sample, {
      errorRatio: fault === 'errors' ? 0.05 : fault === 'outage' ? 1 : 0,
      latencyMs: fault === 'latency' ? 250 : 0,
      sequencerOutage: fault === 'sequencer-outage',
      // A declared maintenance window (not an outage): rejections stay out of the SLIs.
      sequencerMaintenanceMinutes: fault === 'sequencer-maintenance' ? 60 : 0,
      // Past the sequencer's slowCallDuration (5 s), well within its timeout (30 s).
      sequencerSlowMs: fault === 'sequencer-slow' ? SEQUENCER_SLOW_MS : 0,
      contaminatedReagents: fault === 'contamination',
    }),
    postFault(storage, {
      errorRatio: fault === 'storage-outage' ? 1 : 0,
      latencyMs: 0,
      ...(fault === 'storage-fill'
        ? { fillZone: STORAGE_FILL.zone, fillTo: STORAGE_FILL.share, fillSeconds: STORAGE_FILL.seconds }
        : { fillZone: null }),
    }),
  ]);
}

/**
 * Submits samples at a fixed rate for a fixed time and processes every accepted one right away
 * (which frees its storage slot), injecting the fault in its window; stops early when `signal`
 * aborts. Always clears faults before returning.
 */
export async function runLoad(
  options: LoadOptions,
  signal?: AbortSignal,
  onTick?: (stats: LoadStats) => void,
  onFault?: (fault: FaultKind, active: boolean) => void,
): Promise<LoadStats> {
  checkLoadOptions(options);
  const stats: LoadStats = {
    sent: 0,
    byStatus: {},
    errors: 0,
    processing: { sent: 0, byStatus: {}, errors: 0 },
  };
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
        // A refused switch is a broken run (say, services older than this generator): stop.
        await setFault(options, inWindow ? options.fault : 'none');
        onFault?.(options.fault, inWindow);
      }
      const n = stats.sent;
      const request = (async () => {
        const accepted = await counted(stats, () =>
          postJson(`${options.sampleServiceUrl}/api/samples`, {
            barcode: `S-${(n % 100_000).toString().padStart(6, '0')}`,
            sampleType: SAMPLE_TYPES[n % SAMPLE_TYPES.length],
            zone: ZONES[n % ZONES.length],
          }),
        );
        const id = (accepted as { id?: unknown } | undefined)?.id;
        if (typeof id !== 'string') return;
        await counted(stats.processing, () =>
          postJson(`${options.sampleServiceUrl}/api/samples/${encodeURIComponent(id)}/process`, {}),
        );
      })();
      pending.add(request);
      request.finally(() => pending.delete(request));
      if (n % options.rate === 0) onTick?.(stats);
      const wait = next + interval - Date.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    }
    await Promise.all(pending);
  } finally {
    if (faultOn) {
      await setFault(options, 'none').catch(() => undefined);
      onFault?.(options.fault, false);
    }
  }
  return stats;
}
