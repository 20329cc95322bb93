import { type ParseArgsOptionsConfig, parseArgs } from 'node:util';

/** Exit codes of `tracseq-dashboards`. */
export const EXIT = {
  ok: 0,
  /** Invalid input, lint findings, stale output. */
  invalid: 1,
  /** Unknown command or flag, missing argument. */
  usage: 2,
  /** The package is not built (the bin script's own check). */
  notBuilt: 3,
} as const;

/** The command line is wrong: exit 2 with the usage on stderr. */
export class UsageError extends Error {}

/** An input file is missing or invalid: exit 1 with this one-line message. */
export class InputError extends Error {}

/** Values of parsed flags for an options table (typed like `parseArgs` returns them). */
export type FlagValues<O extends ParseArgsOptionsConfig> = ReturnType<
  typeof parseArgs<{ options: O; allowPositionals: true }>
>['values'];

/** One verb of the CLI, as the dispatcher sees it. */
export interface Command {
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** Full usage, printed by `help VERB`, `VERB --help` and on usage errors. */
  readonly usage: string;
  /** Parses the verb's arguments and runs it; resolves to the exit code. */
  run(args: readonly string[]): Promise<number>;
}

/** What a command module declares: its flags and what it does with them. */
export interface CommandSpec<O extends ParseArgsOptionsConfig> {
  readonly name: string;
  readonly summary: string;
  readonly usage: string;
  readonly options: O;
  run(values: FlagValues<O>, positionals: string[]): Promise<number> | number;
}

const HELP_OPTIONS = { help: { type: 'boolean', short: 'h' } } as const;

/**
 * A {@link Command} from its spec: flags are parsed strictly with `node:util` parseArgs (an unknown
 * flag is a usage error), and `--help`/`-h` print the usage on stdout instead of running.
 */
export function defineCommand<const O extends ParseArgsOptionsConfig>(spec: CommandSpec<O>): Command {
  return {
    name: spec.name,
    summary: spec.summary,
    usage: spec.usage,
    async run(args) {
      let parsed: { values: Record<string, unknown>; positionals: string[] };
      try {
        parsed = parseArgs({
          args: [...args],
          options: { ...spec.options, ...HELP_OPTIONS },
          allowPositionals: true,
          strict: true,
        });
      } catch (error) {
        // parseArgs reports unknown or malformed flags as TypeErrors with an ERR_PARSE_ARGS code.
        const code = (error as NodeJS.ErrnoException).code;
        if (typeof code === 'string' && code.startsWith('ERR_PARSE_ARGS')) {
          // Node's message for an unknown flag is three lines of advice about `--`.
          const unknown = /^Unknown option '([^']+)'/.exec((error as Error).message)?.[1];
          throw new UsageError(
            unknown === undefined ? (error as Error).message : `unknown option ${unknown}`,
          );
        }
        throw error;
      }
      if (parsed.values.help === true) {
        print(spec.usage);
        return EXIT.ok;
      }
      // The same table parsed them: the values have the types FlagValues<O> describes.
      return spec.run(parsed.values as FlagValues<O>, parsed.positionals);
    },
  };
}

/** Writes a line to stdout (what a command did, its results). */
export function print(text: string): void {
  process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** Writes a line to stderr (problems). */
export function printError(text: string): void {
  process.stderr.write(text.endsWith('\n') ? text : `${text}\n`);
}

/** `1 file`, `2 files`. */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}
