import type { Command, FlagSpec } from './command.js';
import { COMMON_FLAGS } from './common-flags.js';

const EXIT_CODES =
  'exit codes: 0 ok, 1 invalid input / stale output / failing test, 2 usage, 3 a needed tool is missing';

function flagWord(name: string, spec: FlagSpec): string {
  return `--${name}${spec.type === 'string' ? ` ${spec.value ?? 'VALUE'}` : ''}`;
}

function flagLines(flags: Readonly<Record<string, FlagSpec>>): string[] {
  const words = Object.entries(flags).map(([name, spec]) => [
    name === 'help' ? '-h, --help' : flagWord(name, spec),
    spec.description,
  ]);
  const width = Math.max(...words.map(([word]) => (word as string).length));
  return words.map(([word, description]) => `  ${(word as string).padEnd(width)}  ${description}`);
}

/** `validate PATH... [--out DIR]`: a verb with its arguments and flags. */
export function synopsis(command: Command): string {
  const flags = Object.entries(command.flags).map(([name, spec]) =>
    spec.required ? ` ${flagWord(name, spec)}` : ` [${flagWord(name, spec)}]`,
  );
  return `${command.name} ${command.synopsis}${flags.join('')}`.replace(/ +$/, '');
}

/** The overview: every verb, the common flags, exit codes. */
export function overallUsage(commands: readonly Command[]): string {
  return [
    'usage: tracseq-slo <command> [options]',
    '       tracseq-slo help <command> | --help | --version',
    '',
    'commands:',
    ...commands.flatMap((c) => [`  ${synopsis(c)}`, `      ${c.summary}`]),
    '',
    'options of every command:',
    ...flagLines(COMMON_FLAGS),
    '',
    `${EXIT_CODES}; gate: 4 below an error-budget policy, 5 budget unknown`,
  ].join('\n');
}

/** One verb's help: synopsis, what it does, its flags. */
export function commandUsage(command: Command): string {
  return [
    `usage: tracseq-slo ${synopsis(command)}`,
    '',
    command.summary,
    ...(command.details === undefined ? [] : ['', command.details]),
    '',
    'options:',
    ...flagLines({ ...command.flags, ...COMMON_FLAGS }),
    '',
    command.exitCodes ?? EXIT_CODES,
  ].join('\n');
}
