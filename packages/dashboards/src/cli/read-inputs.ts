import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { type LabSettings, LabSettingsError, parseLabSettings } from '@tracseq/contract';
import { formatSpecError, loadSpecs, type SpecSource } from '@tracseq/slo';
import type { DashboardsConfigInput } from '../config.js';
import { InputError } from './command.js';

/** A file's text; a missing or unreadable file is an {@link InputError} naming it. */
export function readText(path: string, what: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError(`${path}: cannot read the ${what}: ${(error as Error).message}`);
  }
}

const SPEC_FILE = /\.ya?ml$/;

function specFiles(path: string): string[] {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) throw new InputError(`${path}: no such file or directory`);
  if (!stat.isDirectory()) return [path];
  return readdirSync(path, { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((entry) => {
      const full = join(path, entry.name);
      if (entry.isDirectory()) return specFiles(full);
      return entry.isFile() && SPEC_FILE.test(entry.name) ? [full] : [];
    });
}

/** SLO specs from files and directories (`*.yaml`/`*.yml`, recursively); errors name file and field. */
export function loadSlos(paths: readonly string[]): DashboardsConfigInput['slos'] {
  const sources: SpecSource[] = [...new Set(paths.flatMap(specFiles))].map((path) => ({
    path,
    text: readText(path, 'SLO spec'),
  }));
  const result = loadSpecs(sources);
  if (result.errors.length > 0) throw new InputError(result.errors.map(formatSpecError).join('\n'));
  return result.specs.map((s) => s.spec);
}

/**
 * What the dashboards take from a lab settings file (read through the contract's one parser):
 * the storage zones and, when the lab sets them, the Grafana URL, runbook base URL and uid prefix.
 */
export function loadLabInputs(path: string): DashboardsConfigInput {
  let settings: LabSettings;
  try {
    settings = parseLabSettings(readText(path, 'lab settings'), path);
  } catch (error) {
    if (error instanceof LabSettingsError) throw new InputError(error.message);
    throw error;
  }
  return {
    storageZones: settings.storageZones,
    ...(settings.grafanaUrl === undefined ? {} : { grafanaUrl: settings.grafanaUrl }),
    ...(settings.runbookBaseUrl === undefined ? {} : { runbookBaseUrl: settings.runbookBaseUrl }),
    ...(settings.dashboardUidPrefix === undefined ? {} : { uidPrefix: settings.dashboardUidPrefix }),
  };
}

/** A JSON `DashboardsConfig` (any part of one). */
export function loadConfigFile(path: string): DashboardsConfigInput {
  const text = readText(path, 'config');
  try {
    const value = JSON.parse(text) as unknown;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new Error('must be a JSON object');
    }
    return value as DashboardsConfigInput;
  } catch (error) {
    throw new InputError(`${path}: ${(error as Error).message}`);
  }
}
