/** A path into a spec document: keys and array indexes. */
export type SpecPath = readonly (string | number)[];

/** One problem in a spec file, located by file, line, column and field path. */
export interface SpecError {
  readonly file: string;
  /** 1-based; 0 when the problem has no position (e.g. an unreadable file). */
  readonly line: number;
  readonly column: number;
  /** Field path like `slos[0].objective`; empty for the whole file. */
  readonly path: string;
  readonly message: string;
  readonly hint: string;
}

/** Spells a path the way errors show it: `slos[0].sli.events.errorQuery`. */
export function formatSpecPath(path: SpecPath): string {
  return path.reduce<string>(
    (text, part) => (typeof part === 'number' ? `${text}[${part}]` : text === '' ? part : `${text}.${part}`),
    '',
  );
}

/** One error per line: `FILE:LINE:COL: PATH: problem. Fix: hint`. */
export function formatSpecError(error: SpecError): string {
  const where = error.path === '' ? '' : ` ${error.path}:`;
  const message = error.message.replace(/\.$/, '');
  // No position (data, not a file; an unreadable file): say so by leaving it out, not as 0:0.
  const at = error.line > 0 ? `${error.file}:${error.line}:${error.column}` : error.file;
  return `${at}:${where} ${message}. Fix: ${error.hint}`;
}

/** Thrown by APIs that accept specs when any is invalid; carries every error found. */
export class SpecValidationError extends Error {
  readonly errors: readonly SpecError[];
  constructor(errors: readonly SpecError[]) {
    super(errors.map(formatSpecError).join('\n'));
    this.name = 'SpecValidationError';
    this.errors = errors;
  }
}
