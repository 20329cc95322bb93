import { LineCounter, parseDocument } from 'yaml';
import { inputTooLarge } from './input-limits.js';
import { createSourceMap, type SourceMap } from './source-map.js';
import type { SpecError } from './spec-error.js';

/** A YAML document read for validation: its data and where each field sits. */
export interface LocatedDocument {
  readonly data: unknown;
  readonly map: SourceMap;
}

/**
 * Parses one YAML document for validation: size-limited, duplicate keys refused, every syntax
 * error located at its own line and column (not at 1:1).
 *
 * @returns the document, or the errors that kept it from parsing.
 */
export function parseYamlDocument(text: string, file: string): LocatedDocument | { errors: SpecError[] } {
  const tooLarge = inputTooLarge(text);
  if (tooLarge !== undefined) {
    return {
      errors: [
        {
          file,
          line: 1,
          column: 1,
          path: '',
          message: `the file ${tooLarge}`,
          hint: 'split it into several files or remove generated bulk',
        },
      ],
    };
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      errors: doc.errors.map((e) => {
        const { line, col } = lineCounter.linePos(e.pos[0]);
        const duplicate = e.code === 'DUPLICATE_KEY';
        return {
          file,
          line,
          column: col,
          path: '',
          message: `YAML syntax error: ${e.message.split('\n')[0]?.replace(/ at line \d+, column \d+.*$/, '')}`,
          hint: duplicate
            ? 'keep one of the duplicate keys'
            : 'fix the YAML (indentation, quoting, brackets)',
        };
      }),
    };
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    // yaml refuses documents whose aliases expand exponentially ("billion laughs").
    return {
      errors: [
        {
          file,
          line: 1,
          column: 1,
          path: '',
          message: `YAML document refused: ${(error as Error).message}`,
          hint: 'write the values out instead of nesting aliases',
        },
      ],
    };
  }
  return { data, map: createSourceMap(doc, lineCounter) };
}
