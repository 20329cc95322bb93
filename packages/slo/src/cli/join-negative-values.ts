import type { FlagSpec } from './command.js';

/**
 * `util.parseArgs` takes `--from -30d` for two options and refuses it; relative times and
 * negative numbers are values, so `--flag -<digit>…` of a string flag becomes `--flag=-<digit>…`
 * before parsing. Anything else starting with a dash stays an option.
 */
export function joinNegativeValues(
  args: readonly string[],
  flags: Readonly<Record<string, FlagSpec>>,
): string[] {
  const joined: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const next = args[i + 1];
    const name = arg.startsWith('--') ? arg.slice(2) : undefined;
    if (name !== undefined && flags[name]?.type === 'string' && next !== undefined && /^-\d/.test(next)) {
      joined.push(`${arg}=${next}`);
      i++;
    } else joined.push(arg);
  }
  return joined;
}
