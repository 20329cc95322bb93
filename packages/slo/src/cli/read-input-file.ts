import { readFileSync, type Stats, statSync } from 'node:fs';
import { inputSizeTooLarge } from '@tracseq/contract';
import { fileProblem, InputError } from './cli-errors.js';
import { describeFsError } from './fs-errors.js';

/** What a non-regular file is, for the error that refuses it. */
export function fileKind(stat: Stats): string {
  if (stat.isFile()) return 'a file';
  if (stat.isDirectory()) return 'a directory';
  if (stat.isFIFO()) return 'a FIFO (named pipe)';
  if (stat.isSocket()) return 'a socket';
  if (stat.isCharacterDevice() || stat.isBlockDevice()) return 'a device';
  return 'a special file';
}

/**
 * Reads one input file (spec, lab settings, import source) as UTF-8, refusing what would hang
 * or exhaust memory: anything but a regular file (a FIFO blocks forever) and files over the
 * contract's `MAX_INPUT_BYTES`, judged from the size before reading. Throws {@link InputError}.
 */
export function readInputFile(path: string, what: string): string {
  let stat: Stats;
  try {
    stat = statSync(path);
  } catch (error) {
    throw new InputError([
      fileProblem(path, `cannot read the ${what}: ${describeFsError(error)}`, 'check the path'),
    ]);
  }
  if (!stat.isFile()) {
    throw new InputError([
      fileProblem(
        path,
        `the ${what} is ${fileKind(stat)}, not a regular file`,
        `give the ${what} as a regular YAML file`,
      ),
    ]);
  }
  const tooLarge = inputSizeTooLarge(stat.size);
  if (tooLarge !== undefined) {
    throw new InputError([
      fileProblem(path, `the ${what} ${tooLarge}`, 'split it into several files or remove generated bulk'),
    ]);
  }
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new InputError([
      fileProblem(
        path,
        `cannot read the ${what}: ${describeFsError(error)}`,
        'check the path and its permissions',
      ),
    ]);
  }
}
