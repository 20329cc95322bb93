// Example storage-service: zones from the lab settings, slot reservations with capacity errors,
// simulated freezer temperatures. Run: PORT=3002 node src/main.ts
// STORAGE_INITIAL_FILL=0.6 starts every zone 60 % full (a lab's freezers are never empty; a real
// service would load its slots from a database).
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTelemetry } from '@tracseq/telemetry';
import express from 'express';
import { type Faults, NO_FAULTS, parseFaults } from '../../shared/faults.ts';

const here = dirname(fileURLToPath(import.meta.url));
const initialFill = Number(process.env.STORAGE_INITIAL_FILL ?? 0);
if (!(initialFill >= 0 && initialFill <= 1)) {
  process.stderr.write(
    `storage-service: STORAGE_INITIAL_FILL=${process.env.STORAGE_INITIAL_FILL} is not a share of capacity. Fix: give a number from 0 to 1, e.g. 0.6\n`,
  );
  process.exit(2);
}
const telemetry = await startTelemetry({
  serviceName: 'storage-service',
  labSettingsPath: process.env.TRACSEQ_LAB_SETTINGS ?? join(here, '../../lab-settings.yaml'),
});
const zones = telemetry.lab.settings.storageZones;
const used = new Map(zones.map((z) => [z.name, Math.floor(z.capacity * initialFill)]));
for (const [zone, slots] of used) telemetry.lab.setStorageUsed(zone, slots);
const reservations = new Map<string, { zone: string; sampleId: string }>();
let faults: Faults = { ...NO_FAULTS };

function setUsed(zone: string, slots: number): void {
  used.set(zone, slots);
  telemetry.lab.setStorageUsed(zone, slots);
}

/**
 * Injected fault `fillZone`: a batch transfer from another freezer takes one zone from its fill
 * at the start to `fillTo` of its capacity, linearly over `fillSeconds`, and holds it there
 * (topping up as regular samples leave) until the fault is cleared, when the batch moves out.
 */
interface FillRequest {
  readonly zone: string;
  readonly to: number;
  readonly seconds: number;
}
interface ZoneFill extends FillRequest {
  readonly from: number;
  readonly startedAt: number;
  /** Slots the batch occupies now. */
  slots: number;
}
let fill: ZoneFill | undefined;

/** The fill a fault request asks for: undefined = unchanged, null = end it, a string = a 400. */
function parseFill(body: Record<string, unknown>): FillRequest | null | undefined | string {
  const { fillZone, fillTo = 0.97, fillSeconds = 20 } = body;
  if (fillZone === undefined) return undefined;
  if (fillZone === null) return null;
  const zone = zones.find((z) => z.name === fillZone);
  if (!zone) return `fillZone must be one of ${zones.map((z) => z.name).join(', ')}, or null to end the fill`;
  if (typeof fillTo !== 'number' || !(fillTo > 0 && fillTo <= 1))
    return 'fillTo must be a share of capacity, 0 < fillTo <= 1';
  if (typeof fillSeconds !== 'number' || !(fillSeconds >= 1 && fillSeconds <= 600))
    return 'fillSeconds must be 1..600';
  return { zone: zone.name, to: Math.floor(zone.capacity * fillTo), seconds: fillSeconds };
}

function advanceFill(): void {
  if (!fill) return;
  const progress = Math.min(1, (Date.now() - fill.startedAt) / (fill.seconds * 1000));
  const goal = Math.round(fill.from + (fill.to - fill.from) * progress);
  const now = used.get(fill.zone) ?? 0;
  if (now < goal) {
    fill.slots += goal - now;
    setUsed(fill.zone, goal);
  }
}

function endFill(): void {
  if (!fill) return;
  setUsed(fill.zone, Math.max(0, (used.get(fill.zone) ?? 0) - fill.slots));
  fill = undefined;
}

function startFill(request: FillRequest): void {
  const from = used.get(request.zone) ?? 0;
  fill = { ...request, to: Math.max(from, request.to), from, startedAt: Date.now(), slots: 0 };
}
const filling = setInterval(advanceFill, 250);
filling.unref();

const app = express();
telemetry.instrumentExpress(app);
app.use(express.json());

const storage = express.Router();
storage.use(async (_req, res, next) => {
  if (faults.latencyMs > 0) await new Promise((r) => setTimeout(r, faults.latencyMs));
  if (Math.random() < faults.errorRatio) {
    res.status(503).json({ error: 'storage controller unavailable (injected fault)' });
    return;
  }
  next();
});
storage.get('/zones', (_req, res) => {
  res.json(zones.map((z) => ({ ...z, used: used.get(z.name) ?? 0 })));
});
storage.post('/reservations', (req, res) => {
  const { zone, sampleId } = (req.body ?? {}) as { zone?: unknown; sampleId?: unknown };
  const config = zones.find((z) => z.name === zone);
  if (!config || typeof sampleId !== 'string' || sampleId === '') {
    res
      .status(400)
      .json({ error: `zone must be one of ${zones.map((z) => z.name).join(', ')} and sampleId a string` });
    return;
  }
  const inUse = used.get(config.name) ?? 0;
  if (inUse >= config.capacity) {
    res.status(409).json({ error: `zone ${config.name} is full (${config.capacity} slots)` });
    return;
  }
  setUsed(config.name, inUse + 1);
  const id = randomUUID();
  reservations.set(id, { zone: config.name, sampleId });
  res.status(201).json({ reservationId: id, zone: config.name });
});
storage.delete('/reservations/:id', (req, res) => {
  const reservation = reservations.get(req.params.id);
  if (!reservation) {
    res.status(404).json({ error: 'no such reservation' });
    return;
  }
  reservations.delete(req.params.id);
  setUsed(reservation.zone, Math.max(0, (used.get(reservation.zone) ?? 1) - 1));
  res.status(204).end();
});
app.use('/api/storage', storage);

// Fault injection for the load generator and the demo; only reachable on loopback.
app.post('/admin/faults', (req, res) => {
  const next = parseFaults(req.body, faults);
  if (typeof next === 'string') {
    res.status(400).json({ error: next });
    return;
  }
  const nextFill = parseFill(req.body as Record<string, unknown>);
  if (typeof nextFill === 'string') {
    res.status(400).json({ error: nextFill });
    return;
  }
  faults = next;
  if (nextFill !== undefined) {
    endFill();
    if (nextFill !== null) startFill(nextFill);
  }
  const state = { ...faults, fillZone: fill?.zone ?? null };
  telemetry.logger.warn({ faults: state }, 'fault injection changed');
  res.json(state);
});

const temperatures = setInterval(() => {
  for (const zone of zones)
    telemetry.lab.setStorageTemperature(zone.name, zone.temperature + (Math.random() - 0.5) * 1.5);
}, 2_000);
temperatures.unref();

const port = Number(process.env.PORT ?? 3002);
app.listen(port, process.env.HOST ?? '127.0.0.1', () => {
  telemetry.logger.info({ port }, `storage-service listening on ${port}`);
});
