import { formatSpecError, type SpecError } from '@tracseq/contract';

/** Writes a line (a trailing newline is added when missing) to stdout. */
export function print(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** Writes a line to stderr: what the command did when stdout carries data, and problems. */
export function note(text: string): void {
  process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** Warnings, one per line on stderr as `warning: FILE:LINE:COL: path: problem. Fix: hint`. */
export function printWarnings(warnings: readonly SpecError[]): void {
  for (const warning of warnings) note(`warning: ${formatSpecError(warning)}`);
}

/**
 * Prints a result: with `json`, `{ok, errors, warnings, ...extra}` on stdout; otherwise the
 * warnings and errors one per line on stderr (the caller prints its own summary).
 */
export function printResult(
  json: boolean,
  errors: readonly SpecError[],
  warnings: readonly SpecError[] = [],
  extra: Record<string, unknown> = {},
): void {
  if (json) {
    print(JSON.stringify({ ok: errors.length === 0, errors, warnings, ...extra }, null, 2));
    return;
  }
  printWarnings(warnings);
  for (const error of errors) note(formatSpecError(error));
}
