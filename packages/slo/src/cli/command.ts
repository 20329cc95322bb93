/** One flag of a verb, as `util.parseArgs` takes it plus what the help shows. */
export interface FlagSpec {
  readonly type: 'string' | 'boolean';
  /** Placeholder of the value in the help (`DIR`, `URL`); string flags only. */
  readonly value?: string;
  readonly description: string;
  /** Shown without brackets in the synopsis. */
  readonly required?: boolean;
}

/** What a verb gets: its arguments as parsed, and the raw ones (to echo a command back). */
export interface CommandContext {
  readonly positionals: readonly string[];
  readonly flags: Readonly<Record<string, string | boolean | undefined>>;
  /** `--json`: machine-readable result on stdout. */
  readonly json: boolean;
  /** The arguments after the verb exactly as given. */
  readonly args: readonly string[];
}

/** A `tracseq-slo` verb: its usage and how it runs. Returns the exit code. */
export interface Command {
  readonly name: string;
  /** Arguments after the verb, e.g. `PATH... [--out DIR]`. */
  readonly synopsis: string;
  /** What it does, one line for the overview; the verb's help prints `details` below it. */
  readonly summary: string;
  readonly details?: string;
  /** The verb's own `exit codes: …` line, when they differ from the common ones. */
  readonly exitCodes?: string;
  /** Verb-specific flags; `--json`, `--debug` and `--help` are common to all verbs. */
  readonly flags: Readonly<Record<string, FlagSpec>>;
  run(context: CommandContext): Promise<number>;
}

/**
 * Exit codes of the contract: 0 ok, 1 invalid input / stale output / failing test, 2 usage,
 * 3 missing tool; `gate` adds 4 below an error-budget policy and 5 budget unknown; `replay` uses 5 for a Prometheus
 * it cannot reach (or that refuses a query).
 */
export const EXIT = {
  ok: 0,
  invalid: 1,
  usage: 2,
  missingTool: 3,
  belowPolicy: 4,
  unknown: 5,
  prometheusUnreachable: 5,
} as const;

/** A string flag's value, or `undefined`. */
export function stringFlag(context: CommandContext, name: string): string | undefined {
  const value = context.flags[name];
  return typeof value === 'string' ? value : undefined;
}
