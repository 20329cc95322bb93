#!/usr/bin/env node
// tracseq-slo: the dispatcher. Finds the verb, parses its flags (node:util parseArgs, strict),
// runs it, and turns every failure into an exit code and one line per problem. The verbs live
// in ./commands; this and they are the only code of @tracseq/slo that touches files and exits.
import { readFileSync } from 'node:fs';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { SpecValidationError } from '@tracseq/contract';
import { InputError, MissingToolError, UsageError } from './cli-errors.js';
import { type Command, EXIT, type FlagSpec } from './command.js';
import { COMMANDS } from './commands/index.js';
import { COMMON_FLAGS } from './common-flags.js';
import { joinNegativeValues } from './join-negative-values.js';
import { note, print, printResult } from './print.js';
import { commandUsage, overallUsage } from './usage.js';

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
    version: string;
  };
  return pkg.version;
}

function find(name: string): Command | undefined {
  return COMMANDS.find((command) => command.name === name);
}

function parseOptions(flags: Readonly<Record<string, FlagSpec>>): NonNullable<ParseArgsConfig['options']> {
  return Object.fromEntries(
    Object.entries(flags).map(([name, spec]) => [
      name,
      name === 'help' ? { type: 'boolean' as const, short: 'h' } : { type: spec.type },
    ]),
  );
}

async function dispatch(argv: readonly string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) throw new UsageError('give a command');
  if (first === '--help' || first === '-h') {
    print(overallUsage(COMMANDS));
    return EXIT.ok;
  }
  if (first === '--version') {
    print(version());
    return EXIT.ok;
  }
  if (first === 'help') {
    const [verb, ...extra] = rest;
    if (extra.length > 0) throw new UsageError('help takes at most one command');
    if (verb === undefined) {
      print(overallUsage(COMMANDS));
      return EXIT.ok;
    }
    const command = find(verb);
    if (command === undefined) throw new UsageError(`unknown command "${verb}"`);
    print(commandUsage(command));
    return EXIT.ok;
  }
  if (first.startsWith('-')) throw new UsageError(`give a command before the option ${first}`);
  const command = find(first);
  if (command === undefined) throw new UsageError(`unknown command "${first}"`);
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      args: joinNegativeValues(rest, command.flags),
      allowPositionals: true,
      strict: true,
      options: parseOptions({ ...command.flags, ...COMMON_FLAGS }),
    });
  } catch (error) {
    // parseArgs adds advice about '--' that does not apply to these verbs.
    throw new UsageError((error as Error).message.split('. To specify')[0] as string, command.name);
  }
  const { values, positionals } = parsed;
  if (values.help === true) {
    print(commandUsage(command));
    return EXIT.ok;
  }
  return command.run({
    positionals,
    flags: values as Record<string, string | boolean | undefined>,
    json: values.json === true,
    args: rest,
  });
}

/** Runs `tracseq-slo` with the arguments after the program name; resolves to the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const json = argv.includes('--json');
  const debug = argv.includes('--debug');
  try {
    return await dispatch(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      const usage =
        error.verb === undefined ? overallUsage(COMMANDS) : commandUsage(find(error.verb) as Command);
      note(`tracseq-slo: ${error.message}\n\n${usage}`);
      return EXIT.usage;
    }
    if (error instanceof InputError) {
      printResult(json, error.errors, error.warnings);
      return EXIT.invalid;
    }
    if (error instanceof SpecValidationError) {
      printResult(json, error.errors);
      return EXIT.invalid;
    }
    if (error instanceof MissingToolError) {
      note(`tracseq-slo: ${error.message}`);
      return EXIT.missingTool;
    }
    const message = error instanceof Error ? error.message : String(error);
    if (debug) note(`tracseq-slo: ${error instanceof Error ? (error.stack ?? message) : message}`);
    else
      note(`tracseq-slo: unexpected error: ${message.split('\n')[0]} (run with --debug for the stack trace)`);
    return EXIT.invalid;
  }
}

process.exitCode = await main(process.argv.slice(2));
