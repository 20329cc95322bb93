import { readFileSync } from 'node:fs';
import { type BreakerConfig, BreakerConfigError, parseBreakerConfigYaml } from '../breaker-config.js';
import { InputError } from './command.js';

/**
 * Reads and validates the breakers of a lab settings YAML file. Every problem becomes one line
 * naming the file and the field; an unreadable file one line naming the file.
 */
export function readSettings(file: string): BreakerConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : String(code);
    throw new InputError(
      `${file}: cannot read the lab settings (${why}). Fix: give the lab settings YAML file`,
    );
  }
  try {
    return parseBreakerConfigYaml(text, file);
  } catch (error) {
    if (error instanceof BreakerConfigError)
      throw new InputError(error.message, error.problems, { cause: error });
    throw error;
  }
}
