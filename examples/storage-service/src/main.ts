// Example storage-service: zones from the lab settings, slot reservations with capacity errors,
// simulated freezer temperatures. Run: PORT=3002 node src/main.ts
import { randomUUID } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startTelemetry } from '@tracseq/telemetry';
import express from 'express';
import { type Faults, NO_FAULTS, parseFaults } from '../../shared/faults.ts';

const here = dirname(fileURLToPath(import.meta.url));
const telemetry = await startTelemetry({
  serviceName: 'storage-service',
  labSettingsPath: process.env.TRACSEQ_LAB_SETTINGS ?? join(here, '../../lab-settings.yaml'),
});
const zones = telemetry.lab.settings.storageZones;
const used = new Map(zones.map((z) => [z.name, 0]));
const reservations = new Map<string, { zone: string; sampleId: string }>();
let faults: Faults = { ...NO_FAULTS };

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
  used.set(config.name, inUse + 1);
  telemetry.lab.setStorageUsed(config.name, inUse + 1);
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
  const left = Math.max(0, (used.get(reservation.zone) ?? 1) - 1);
  used.set(reservation.zone, left);
  telemetry.lab.setStorageUsed(reservation.zone, left);
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
  faults = next;
  telemetry.logger.warn({ faults }, 'fault injection changed');
  res.json(faults);
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
