import type { ParseArgsConfig } from 'node:util';

/** Where a command writes: one call per line, without the trailing newline. */
export interface CliOutput {
  out(line: string): void;
  err(line: string): void;
}

/** What a command receives after its flags were parsed against its own options. */
export interface CommandInput {
  readonly values: Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>;
  readonly positionals: readonly string[];
  readonly output: CliOutput;
}

/** One verb of `tracseq-breakers`, in a module of its own. */
export interface Command {
  readonly name: string;
  /** One line for the command list of the general usage. */
  readonly summary: string;
  /** The verb's own usage, printed by `help VERB`, `VERB --help` and on its usage errors. */
  readonly usage: string;
  /** Its flags (the global `--help`, `--version` and `--debug` are added by `main`). */
  readonly options: NonNullable<ParseArgsConfig['options']>;
  /** Does the work and reports what it did; returns the exit code. */
  run(input: CommandInput): number;
}

/** Wrong use of the command line (exit 2, with the verb's usage on stderr). */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Input that cannot be used: a file that cannot be read, invalid settings (exit 1). */
export class InputError extends Error {
  override name = 'InputError';
  /** One line each; the message when empty. */
  readonly lines: readonly string[];
  constructor(message: string, lines: readonly string[] = [], options?: ErrorOptions) {
    super(message, options);
    this.lines = lines;
  }
}
