import type { SpecError } from '@tracseq/contract';

/** Wrong verbs, flags or arguments: exit 2 with the usage on stderr. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
  /** The verb whose usage to print; the overall usage when absent. */
  readonly verb: string | undefined;
  constructor(message: string, verb?: string) {
    super(message);
    this.verb = verb;
  }
}

/**
 * Bad input or output the CLI found itself (unreadable or unwritable paths, outputs another
 * input owns): exit 1, one located line per problem, never a stack trace.
 */
export class InputError extends Error {
  override readonly name = 'InputError';
  readonly errors: readonly SpecError[];
  /** Warnings found on the way, printed before the errors. */
  readonly warnings: readonly SpecError[];
  constructor(errors: readonly SpecError[], warnings: readonly SpecError[] = []) {
    super(errors.map((e) => `${e.file}: ${e.message}`).join('\n'));
    this.errors = errors;
    this.warnings = warnings;
  }
}

/** A located problem with no line and column: the file as a whole, or a path that is not a spec. */
export function fileProblem(file: string, message: string, hint: string): SpecError {
  return { file, line: 0, column: 0, path: '', message, hint };
}

/** A needed external tool (promtool) is not installed: exit 3. */
export class MissingToolError extends Error {
  override readonly name = 'MissingToolError';
}
