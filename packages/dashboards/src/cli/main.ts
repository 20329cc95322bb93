// tracseq-dashboards: the only place in @tracseq/dashboards that reads or writes files and exits.
// This file dispatches; each verb lives in commands/.
import { type Command, EXIT, InputError, print, printError, UsageError } from './command.js';
import { generateCommand } from './commands/generate.js';
import { lintCommand } from './commands/lint.js';
import { packageVersion } from './version.js';

const NAME = 'tracseq-dashboards';
const COMMANDS: readonly Command[] = [generateCommand, lintCommand];

const USAGE = `usage: ${NAME} <command> [options]

commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(16)}${c.summary}`).join('\n')}
  ${'help [COMMAND]'.padEnd(16)}this help, or a command's

options:
  -h, --help      this help (COMMAND --help: the command's)
  --version       print the version
  --debug         print the stack trace of an error

exit codes: 0 ok, 1 invalid input / lint findings / stale output, 2 usage,
            3 the package is not built (run npm run build)`;

function commandNamed(name: string): Command | undefined {
  return COMMANDS.find((c) => c.name === name);
}

/** Runs one command line; `onCommand` learns which command's usage applies to usage errors. */
async function run(argv: readonly string[], onCommand: (command: Command) => void): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === undefined) throw new UsageError('no command given');
  if (verb === '--help' || verb === '-h') {
    print(USAGE);
    return EXIT.ok;
  }
  if (verb === '--version') {
    if (rest.length > 0) throw new UsageError(`--version takes no arguments, got ${rest.join(' ')}`);
    print(packageVersion());
    return EXIT.ok;
  }
  if (verb === 'help') {
    const [topic, ...extra] = rest;
    if (topic === undefined || topic === '--help' || topic === '-h') {
      print(USAGE);
      return EXIT.ok;
    }
    const command = commandNamed(topic);
    if (command === undefined) throw new UsageError(`unknown command ${topic}`);
    onCommand(command);
    if (extra.length > 0) throw new UsageError(`help takes one command, got ${rest.join(' ')}`);
    print(command.usage);
    return EXIT.ok;
  }
  const command = commandNamed(verb);
  if (command === undefined) {
    throw new UsageError(verb.startsWith('-') ? `unknown option ${verb}` : `unknown command ${verb}`);
  }
  onCommand(command);
  return command.run(rest);
}

async function main(argv: readonly string[]): Promise<number> {
  // Accepted anywhere on the line, so it can be added to any command that failed.
  const debug = argv.includes('--debug');
  let usage = USAGE;
  try {
    return await run(
      argv.filter((a) => a !== '--debug'),
      (command) => {
        usage = command.usage;
      },
    );
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (error instanceof UsageError) {
      printError(`${NAME}: ${message}\n\n${usage}`);
      return EXIT.usage;
    }
    if (debug) printError(error instanceof Error && error.stack ? error.stack : message);
    if (error instanceof InputError) {
      printError(`${NAME}: ${message}`);
    } else {
      // A bug or an environment problem (disk full, permissions): one line, the stack on request.
      const line = message.split('\n')[0] ?? '';
      printError(`${NAME}: ${line}${debug ? '' : ' (run with --debug for the stack trace)'}`);
    }
    return EXIT.invalid;
  }
}

process.exitCode = await main(process.argv.slice(2));
