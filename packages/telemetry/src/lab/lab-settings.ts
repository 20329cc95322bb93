import { parse } from 'yaml';

/** A storage zone of the lab. */
export interface StorageZone {
  readonly name: string;
  /** Target temperature, °C. */
  readonly temperature: number;
  /** Slots the zone holds. */
  readonly capacity: number;
}

/** The lab settings telemetry reads (the `laboratory_settings` key of the `lab-config` ConfigMap). */
export interface LabSettings {
  readonly lab: string;
  readonly storageZones: readonly StorageZone[];
  /** Allowed values per bounded label (`sample_types`, `stages`, `error_reasons`, ...). */
  readonly allowLists: Readonly<Record<string, readonly string[]>>;
  /** The raw document, for other consumers (e.g. the `breakers` section). */
  readonly raw: Readonly<Record<string, unknown>>;
}

/** Settings used when none are configured: one lab, no zones, empty allow-lists. */
export const DEFAULT_LAB_SETTINGS: LabSettings = {
  lab: 'default',
  storageZones: [],
  allowLists: {},
  raw: {},
};

/** A lab settings problem naming the source and field. */
export class LabSettingsError extends Error {
  constructor(source: string, field: string, problem: string) {
    super(`${source}: ${field}: ${problem}`);
    this.name = 'LabSettingsError';
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Parses and validates the lab settings YAML. */
export function parseLabSettings(text: string, source = 'laboratory_settings'): LabSettings {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (error) {
    throw new LabSettingsError(
      source,
      '(document)',
      `YAML syntax error: ${(error as Error).message.split('\n')[0]}`,
    );
  }
  if (!isObject(doc))
    throw new LabSettingsError(
      source,
      '(document)',
      'must be a mapping with lab, storage_zones, allow_lists',
    );
  if (typeof doc.lab !== 'string' || doc.lab === '')
    throw new LabSettingsError(source, 'lab', 'must name the lab, e.g. lab: lab-a');
  const zones = doc.storage_zones ?? [];
  if (!Array.isArray(zones))
    throw new LabSettingsError(source, 'storage_zones', 'must be a list of {name, temperature, capacity}');
  const seen = new Set<string>();
  const storageZones = zones.map((zone, i) => {
    const at = `storage_zones[${i}]`;
    if (!isObject(zone) || typeof zone.name !== 'string' || !/^[a-z0-9_]+$/.test(zone.name)) {
      throw new LabSettingsError(source, `${at}.name`, 'must be a name of lower-case letters, digits and _');
    }
    if (seen.has(zone.name))
      throw new LabSettingsError(source, `${at}.name`, `zone ${zone.name} is listed twice`);
    seen.add(zone.name);
    if (typeof zone.temperature !== 'number')
      throw new LabSettingsError(source, `${at}.temperature`, 'must be a number (°C)');
    if (typeof zone.capacity !== 'number' || !Number.isInteger(zone.capacity) || zone.capacity <= 0) {
      throw new LabSettingsError(source, `${at}.capacity`, 'must be a whole number of slots above 0');
    }
    return { name: zone.name, temperature: zone.temperature, capacity: zone.capacity };
  });
  const lists = doc.allow_lists ?? {};
  if (!isObject(lists))
    throw new LabSettingsError(source, 'allow_lists', 'must map a label to a list of allowed values');
  const allowLists: Record<string, string[]> = {};
  for (const [key, values] of Object.entries(lists)) {
    if (!Array.isArray(values) || !values.every((v) => typeof v === 'string')) {
      throw new LabSettingsError(source, `allow_lists.${key}`, 'must be a list of strings');
    }
    allowLists[key] = values as string[];
  }
  allowLists.storage_zones = storageZones.map((z) => z.name);
  if (!allowLists.labs) allowLists.labs = [doc.lab];
  return { lab: doc.lab, storageZones, allowLists, raw: doc };
}
