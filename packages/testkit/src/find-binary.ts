import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { MissingToolError } from './missing-tool-error.js';

/** Binaries the kit runs, with the Debian package that ships each. */
export const TOOLS = {
  prometheus: 'prometheus',
  promtool: 'prometheus',
  'prometheus-alertmanager': 'prometheus-alertmanager',
  amtool: 'prometheus-alertmanager',
} as const;

/** A binary the kit knows how to find. */
export type ToolName = keyof typeof TOOLS;

/**
 * Absolute path of a tool on PATH. Throws {@link MissingToolError} naming the Debian package
 * when it is absent: a missing tool fails the test loudly instead of skipping it.
 */
export function findBinary(tool: ToolName | (string & {}), debianPackage?: string): string {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, tool);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  throw new MissingToolError(tool, debianPackage ?? TOOLS[tool as ToolName] ?? tool);
}
