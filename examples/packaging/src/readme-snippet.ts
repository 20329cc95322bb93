/**
 * The fenced code blocks of the README section headed `heading` (a `## ` line), in order, so the
 * test runs the snippets users copy rather than a copy of them.
 */
export function codeBlocks(readme: string, heading: string): string[] {
  const start = readme.indexOf(`\n## ${heading}\n`);
  if (start === -1) throw new Error(`README has no "## ${heading}" section`);
  const next = readme.indexOf('\n## ', start + heading.length + 4);
  const section = readme.slice(start, next === -1 ? undefined : next);
  return [...section.matchAll(/^( *)```[a-z]*\n([\s\S]*?)^\1```$/gm)].map((m) =>
    (m[2] as string).replace(new RegExp(`^${m[1]}`, 'gm'), ''),
  );
}
