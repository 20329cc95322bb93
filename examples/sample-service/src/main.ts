// Example sample-service: POST /api/samples runs the submission saga (validate -> reserve storage
// -> update inventory -> schedule processing) through lab circuit breakers; POST
// /api/samples/:id/process sequences a sample (1 in 400 fails QC as contaminated), which consumes
// it and frees its storage slot.
// Run: PORT=3001 STORAGE_SERVICE_URL=http://127.0.0.1:3002 node src/main.ts
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  BreakerRegistry,
  breakerMetricsFrom,
  MaintenanceError,
  parseBreakerConfigYaml,
} from '@tracseq/circuit-breaker';
import { startTelemetry, WorkflowError } from '@tracseq/telemetry';
import express from 'express';
import { type Faults, NO_FAULTS, parseFaults } from '../../shared/faults.ts';

const here = dirname(fileURLToPath(import.meta.url));
const settingsPath = process.env.TRACSEQ_LAB_SETTINGS ?? join(here, '../../lab-settings.yaml');
const storageUrl = process.env.STORAGE_SERVICE_URL ?? 'http://127.0.0.1:3002';
const telemetry = await startTelemetry({ serviceName: 'sample-service', labSettingsPath: settingsPath });
const { lab } = telemetry;
const breakerConfig = parseBreakerConfigYaml(readFileSync(settingsPath, 'utf8'), settingsPath);
const breakers = new BreakerRegistry(breakerConfig, {
  metrics: breakerMetricsFrom(telemetry.metrics),
  logger: telemetry.logger,
});
telemetry.addReadinessCheck('circuit-breakers', () => breakers.readiness());

interface Sample {
  id: string;
  barcode: string;
  sampleType: string;
  zone: string;
  status: 'scheduled' | 'processed' | 'failed';
  receivedAt: number;
  reservationId?: string;
}
/** Samples kept for GET /api/samples/:id; the oldest are forgotten past this many. */
const MAX_SAMPLES = 50_000;
const samples = new Map<string, Sample>();
const inventory = new Map<string, number>();
let faults: Faults & { sequencerOutage: boolean; sequencerSlowMs: number; contaminatedReagents: boolean } = {
  ...NO_FAULTS,
  sequencerOutage: false,
  sequencerSlowMs: 0,
  contaminatedReagents: false,
};

/**
 * Share of processed samples that fail QC as contaminated: the lab's usual rate, or a bad reagent
 * lot's (fault `contaminatedReagents`). Spread evenly rather than drawn at random, so a run's
 * first few hundred samples never show a rate the lab does not have.
 */
const CONTAMINATION = { usual: 1 / 400, badReagents: 0.3 } as const;
let contaminationDue = 0;
function contaminated(): boolean {
  contaminationDue += faults.contaminatedReagents ? CONTAMINATION.badReagents : CONTAMINATION.usual;
  // 400 additions of 1/400 land a hair under 1 in floating point.
  if (contaminationDue < 1 - 1e-9) return false;
  contaminationDue -= 1;
  return true;
}

class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

async function storageCall(path: string, init: RequestInit, signal: AbortSignal): Promise<Response> {
  const response = await fetch(`${storageUrl}${path}`, {
    ...init,
    signal,
    headers: { 'content-type': 'application/json' },
  });
  if (!response.ok && response.status !== 204) {
    const body = (await response.json().catch(() => ({}))) as { error?: string };
    throw new HttpError(
      response.status,
      `storage-service ${response.status}: ${body.error ?? response.statusText}`,
    );
  }
  return response;
}

const sampleTypes = lab.settings.allowLists.sample_types ?? [];
const zoneNames = lab.settings.storageZones.map((z) => z.name);

const app = express();
telemetry.instrumentExpress(app);
app.use(express.json());
const api = express.Router();
api.use(async (_req, res, next) => {
  if (faults.latencyMs > 0) await new Promise((r) => setTimeout(r, faults.latencyMs));
  if (Math.random() < faults.errorRatio) {
    res.status(500).json({ error: 'injected fault' });
    return;
  }
  next();
});

api.post('/', async (req, res) => {
  const { barcode, sampleType, zone } = (req.body ?? {}) as Record<string, unknown>;
  const problems = [
    typeof barcode === 'string' && /^[A-Z0-9-]{4,32}$/.test(barcode)
      ? ''
      : 'barcode must be 4-32 of A-Z, 0-9 and -',
    typeof sampleType === 'string' && sampleTypes.includes(sampleType)
      ? ''
      : `sampleType must be one of ${sampleTypes.join(', ')}`,
    typeof zone === 'string' && zoneNames.includes(zone) ? '' : `zone must be one of ${zoneNames.join(', ')}`,
  ].filter(Boolean);
  if (problems.length > 0) {
    lab.sampleError({ reason: 'label_mismatch' });
    res.status(400).json({ error: 'invalid sample', problems });
    return;
  }
  const sample: Sample = {
    id: randomUUID(),
    barcode: barcode as string,
    sampleType: sampleType as string,
    zone: zone as string,
    status: 'scheduled',
    receivedAt: Date.now(),
  };
  lab.sampleReceived({ sampleType: sample.sampleType });
  const key = (instrument: string, operation: string) => ({ lab: lab.settings.lab, instrument, operation });
  try {
    await telemetry.workflow(
      'sample_submission',
      [
        { name: 'validate', run: () => undefined },
        {
          name: 'reserve_storage',
          run: async (s: Sample) => {
            const response = await breakers.call(key('storage-service', 'reserve'), (signal) =>
              storageCall(
                '/api/storage/reservations',
                { method: 'POST', body: JSON.stringify({ zone: s.zone, sampleId: s.id }) },
                signal,
              ),
            );
            s.reservationId = ((await response.json()) as { reservationId: string }).reservationId;
          },
          compensate: async (s: Sample) => {
            await breakers.call(key('storage-service', 'release'), (signal) =>
              storageCall(`/api/storage/reservations/${s.reservationId}`, { method: 'DELETE' }, signal),
            );
          },
        },
        {
          name: 'update_inventory',
          run: (s: Sample) => {
            inventory.set(s.sampleType, (inventory.get(s.sampleType) ?? 0) + 1);
          },
          compensate: (s: Sample) => {
            inventory.set(s.sampleType, (inventory.get(s.sampleType) ?? 1) - 1);
          },
        },
        {
          name: 'schedule_processing',
          run: () =>
            breakers.call(key('sequencer-1', 'schedule'), async (signal) => {
              if (faults.sequencerOutage) throw new HttpError(503, 'sequencer-1 is not responding');
              // A slow sequencer still answers: the breaker counts the call slow, not failed.
              await new Promise((r) => setTimeout(r, faults.sequencerSlowMs || 5));
              signal.throwIfAborted();
            }),
        },
      ],
      sample,
    );
    samples.set(sample.id, sample);
    if (samples.size > MAX_SAMPLES) samples.delete(samples.keys().next().value as string);
    res.status(201).json({ id: sample.id, status: sample.status });
  } catch (error) {
    const cause = error instanceof WorkflowError ? error.cause : error;
    if (cause instanceof MaintenanceError) {
      // Planned maintenance: the sample was not processed, so it is no data-quality failure, and
      // the breaker already left this request out of the HTTP SLIs.
      res.setHeader(
        'retry-after',
        String(Math.max(1, Math.ceil((cause.until.getTime() - Date.now()) / 1000))),
      );
      res.status(503).json({ error: cause.message });
      return;
    }
    const status = cause instanceof HttpError && cause.status === 409 ? 409 : 503;
    lab.sampleProcessed({ sampleType: sample.sampleType, outcome: status === 409 ? 'rejected' : 'failed' });
    telemetry.logger.warn({ err: cause, step: (error as WorkflowError).step }, 'sample submission failed');
    res.status(status).json({ error: (cause as Error).message });
  }
});

api.get('/:id', (req, res) => {
  const sample = samples.get(req.params.id);
  if (!sample) res.status(404).json({ error: 'no such sample' });
  else res.json(sample);
});

api.post('/:id/process', async (req, res) => {
  const sample = samples.get(req.params.id);
  if (!sample) {
    res.status(404).json({ error: 'no such sample' });
    return;
  }
  if (sample.status !== 'scheduled') {
    res.status(409).json({ error: `sample ${sample.id} is already ${sample.status}` });
    return;
  }
  // Simulated lab time: minutes of sequencing compressed into the request.
  const sequencing = 600 + Math.random() * 3_000;
  lab.processingDuration({ sampleType: sample.sampleType, stage: 'sequencing' }, sequencing);
  lab.processingDuration(
    { sampleType: sample.sampleType, stage: 'total' },
    sequencing + 1_800 + Math.random() * 9_000,
  );
  const ok = !contaminated();
  sample.status = ok ? 'processed' : 'failed';
  lab.sampleProcessed({ sampleType: sample.sampleType, outcome: ok ? 'success' : 'failed' });
  if (!ok) lab.sampleError({ reason: 'contaminated' });
  // Sequencing consumes the sample (a contaminated one is discarded): its slot is free again.
  // The result stands even when storage-service cannot be told; the slot then stays taken.
  let storageReleased = false;
  try {
    await breakers.call(
      { lab: lab.settings.lab, instrument: 'storage-service', operation: 'release' },
      (signal) =>
        storageCall(`/api/storage/reservations/${sample.reservationId}`, { method: 'DELETE' }, signal),
    );
    storageReleased = true;
    delete sample.reservationId;
  } catch (error) {
    telemetry.logger.warn(
      { err: error, sampleId: sample.id },
      'storage slot of a processed sample not released',
    );
  }
  res.json({ id: sample.id, status: sample.status, storageReleased });
});
app.use('/api/samples', api);

app.post('/admin/faults', (req, res) => {
  const next = parseFaults(req.body, faults);
  if (typeof next === 'string') {
    res.status(400).json({ error: next });
    return;
  }
  const {
    sequencerOutage: outage,
    sequencerMaintenanceMinutes: minutes,
    sequencerSlowMs: slowMs,
    contaminatedReagents: badReagents,
  } = req.body as {
    sequencerOutage?: unknown;
    sequencerMaintenanceMinutes?: unknown;
    sequencerSlowMs?: unknown;
    contaminatedReagents?: unknown;
  };
  if (slowMs !== undefined && (typeof slowMs !== 'number' || slowMs < 0 || slowMs > 60_000)) {
    res.status(400).json({ error: 'sequencerSlowMs must be 0..60000 (0 ends it)' });
    return;
  }
  if (badReagents !== undefined && typeof badReagents !== 'boolean') {
    res.status(400).json({ error: 'contaminatedReagents must be true or false' });
    return;
  }
  if (minutes !== undefined && (typeof minutes !== 'number' || minutes < 0 || minutes > 1_440)) {
    res.status(400).json({ error: 'sequencerMaintenanceMinutes must be 0..1440 (0 ends it)' });
    return;
  }
  if (typeof minutes === 'number') {
    // Declares (or ends) a maintenance window for sequencer-1 live, as a lab-config reload would.
    const now = Date.now();
    const window = { instrument: 'sequencer-1', start: new Date(now), end: new Date(now + minutes * 60_000) };
    breakers.update({
      ...breakerConfig,
      maintenanceWindows: [
        ...breakerConfig.maintenanceWindows,
        ...(minutes > 0 ? [{ ...window, reason: 'maintenance declared through /admin/faults' }] : []),
      ],
    });
  }
  faults = {
    ...next,
    sequencerOutage: typeof outage === 'boolean' ? outage : faults.sequencerOutage,
    sequencerSlowMs: typeof slowMs === 'number' ? slowMs : faults.sequencerSlowMs,
    contaminatedReagents: badReagents ?? faults.contaminatedReagents,
  };
  telemetry.logger.warn({ faults }, 'fault injection changed');
  res.json(faults);
});

const port = Number(process.env.PORT ?? 3001);
app.listen(port, process.env.HOST ?? '127.0.0.1', () => {
  telemetry.logger.info({ port }, `sample-service listening on ${port}`);
});
