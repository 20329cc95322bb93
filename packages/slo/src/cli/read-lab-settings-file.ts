import { type LabSettings, parseLabSettings } from '@tracseq/contract';
import { readInputFile } from './read-input-file.js';

/**
 * Reads and validates a lab settings file (regular file, size-limited). Throws the contract's
 * `LabSettingsError` (located errors) or an `InputError` (unreadable file).
 */
export function readLabSettingsFile(path: string): LabSettings {
  return parseLabSettings(readInputFile(path, 'lab settings file'), path);
}
