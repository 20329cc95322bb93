import { type Document, isMap, isScalar, LineCounter, type Node } from 'yaml';
import type { SpecPath } from './spec-error.js';

/** Maps field paths of one parsed YAML document to 1-based line and column. */
export interface SourceMap {
  /** Position of the value at `path`, or of its key when `atKey`; falls back to the nearest parent. */
  locate(path: SpecPath, atKey?: boolean): { line: number; column: number };
}

/** Builds a {@link SourceMap} for a document parsed with the given line counter. */
export function createSourceMap(doc: Document, lineCounter: LineCounter): SourceMap {
  const position = (offset: number) => {
    const { line, col } = lineCounter.linePos(offset);
    return { line, column: col };
  };
  return {
    locate(path, atKey = false) {
      for (let depth = path.length; depth >= 0; depth--) {
        const prefix = path.slice(0, depth);
        const last = prefix[prefix.length - 1];
        if ((atKey || depth < path.length) && typeof last === 'string' && depth > 0) {
          const parent = doc.getIn(prefix.slice(0, -1), true) as Node | undefined;
          if (isMap(parent)) {
            const pair = parent.items.find((item) => isScalar(item.key) && item.key.value === last);
            const keyRange = pair && isScalar(pair.key) ? pair.key.range : undefined;
            if (keyRange) return position(keyRange[0]);
          }
        }
        const node = (prefix.length === 0 ? doc.contents : doc.getIn(prefix, true)) as
          | Node
          | null
          | undefined;
        if (node?.range) return position(node.range[0]);
      }
      return { line: 1, column: 1 };
    },
  };
}

export { LineCounter };
