const SAFE = /^[A-Za-z0-9_./:=@%+,-]+$/;

/** Spells a command so it can be pasted into a POSIX shell: unsafe words in single quotes. */
export function shellCommand(words: readonly string[]): string {
  return words.map((word) => (SAFE.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`)).join(' ');
}
