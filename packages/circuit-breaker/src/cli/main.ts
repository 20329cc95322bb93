// tracseq-breakers: validates the breakers of lab settings and exports them as Istio
// DestinationRules. Run through bin/tracseq-breakers.js; this module only exports `run`.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type CliOutput, type Command, InputError, UsageError } from './command.js';
import { istioCommand } from './istio-command.js';
import { validateCommand } from './validate-command.js';

const NAME = 'tracseq-breakers';
const COMMANDS: readonly Command[] = [validateCommand, istioCommand];

/** Exit codes; 3 (not built) is the bin file's. */
export const EXIT = { ok: 0, invalid: 1, usage: 2, notBuilt: 3 } as const;

const GLOBAL_OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
  debug: { type: 'boolean' },
} as const;

/** The general usage, printed by `--help`, `help` and on usage errors outside a command. */
export const USAGE = `usage: ${NAME} <command> [options]
       ${NAME} help <command>

Validates the circuit-breaker settings of TracSeq lab settings files and exports them as Istio
DestinationRules.

commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`).join('\n')}
  help       print the usage of a command

options:
  -h, --help   print the usage (of a command, after it) and exit
  --version    print the version and exit
  --debug      also print the stack trace of an error

exit codes: 0 ok, 1 invalid input, 2 usage, 3 package not built (run npm run build)`;

/** stdout and stderr of this process. */
const STDIO: CliOutput = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

function version(): string {
  // dist/cli/main.js and src/cli/main.ts both sit two levels below the package root.
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    name: string;
    version: string;
  };
  return `${pkg.name} ${pkg.version}`;
}

/** parseArgs explains an unknown option in two sentences; the first says it all. */
function firstSentence(message: string): string {
  const end = message.indexOf('. ');
  return end === -1 ? message : message.slice(0, end + 1);
}

/** The stack of the error at the root of `error` (an input error wraps what was thrown). */
function stackOf(error: Error): string {
  let root: unknown = error;
  while (root instanceof Error && root.cause instanceof Error) root = root.cause;
  return (root as Error).stack ?? String(root);
}

function usageError(output: CliOutput, where: string, message: string, usage: string): number {
  output.err(`${where}: ${message}`);
  output.err('');
  output.err(usage);
  return EXIT.usage;
}

function runCommand(command: Command, args: string[], output: CliOutput, debug: boolean): number {
  const where = `${NAME} ${command.name}`;
  try {
    let parsed: ReturnType<typeof parseArgs>;
    try {
      parsed = parseArgs({
        args,
        options: { ...GLOBAL_OPTIONS, ...command.options },
        allowPositionals: true,
        strict: true,
      });
    } catch (error) {
      throw new UsageError(firstSentence((error as Error).message));
    }
    if (parsed.values.help) {
      output.out(command.usage);
      return EXIT.ok;
    }
    if (parsed.values.version) {
      output.out(version());
      return EXIT.ok;
    }
    return command.run({ values: parsed.values, positionals: parsed.positionals, output });
  } catch (error) {
    if (error instanceof UsageError) return usageError(output, where, error.message, command.usage);
    if (error instanceof InputError) {
      for (const line of error.lines.length > 0 ? error.lines : [error.message]) output.err(line);
      if (debug) output.err(stackOf(error));
      return EXIT.invalid;
    }
    const err = error instanceof Error ? error : new Error(String(error));
    output.err(`${where}: ${err.message}${debug ? '' : ' (run with --debug for the stack trace)'}`);
    if (debug) output.err(stackOf(err));
    return EXIT.invalid;
  }
}

/**
 * Runs `tracseq-breakers` with `argv` (without `node` and the script) and returns the exit code.
 * Global flags may appear anywhere; the first positional argument is the command.
 */
export function run(argv: readonly string[], output: CliOutput = STDIO): number {
  const args = [...argv];
  const { values, tokens } = parseArgs({
    args,
    options: GLOBAL_OPTIONS,
    allowPositionals: true,
    strict: false,
    tokens: true,
  });
  const positionals = tokens.filter((t) => t.kind === 'positional');
  const verb = positionals[0];
  if (verb === undefined) {
    if (values.help) {
      output.out(USAGE);
      return EXIT.ok;
    }
    if (values.version) {
      output.out(version());
      return EXIT.ok;
    }
    const unknown = tokens.find((t) => t.kind === 'option' && !(t.name in GLOBAL_OPTIONS));
    const problem = unknown?.kind === 'option' ? `unknown option '${unknown.rawName}'` : 'no command given';
    return usageError(output, NAME, problem, USAGE);
  }
  if (verb.value === 'help') {
    const topic = positionals[1]?.value;
    if (topic === undefined) {
      output.out(USAGE);
      return EXIT.ok;
    }
    const command = COMMANDS.find((c) => c.name === topic);
    if (!command) return usageError(output, NAME, `help: unknown command "${topic}"`, USAGE);
    output.out(command.usage);
    return EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === verb.value);
  if (!command) return usageError(output, NAME, `unknown command "${verb.value}"`, USAGE);
  args.splice(verb.index, 1);
  return runCommand(command, args, output, values.debug === true);
}
