import { createSourceMap, formatSpecPath, type SourceMap, type SpecError } from '@tracseq/contract';
import { LineCounter, parseDocument } from 'yaml';
import { checkSemantics } from './check-semantics.js';
import { checkSchema, type SchemaProblem } from './schema-validator.js';
import { type SloSpecFile, SPEC_VERSION } from './types.js';

/** A spec file's path and text; reading files is the caller's job. */
export interface SpecSource {
  readonly path: string;
  readonly text: string;
}

/** A spec that passed validation. */
export interface LoadedSpec {
  readonly path: string;
  readonly spec: SloSpecFile;
}

/** What {@link loadSpecs} found: valid specs only when `errors` is empty. */
export interface LoadResult {
  readonly specs: readonly LoadedSpec[];
  readonly errors: readonly SpecError[];
}

const FOREIGN_FORMATS: Readonly<Record<string, string>> = {
  'prometheus/v1': 'sloth',
  'sloth.slok.dev/v1': 'sloth',
  'openslo/v1alpha': 'openslo',
  'openslo/v1': 'openslo',
};

function toError(file: string, map: SourceMap, p: SchemaProblem): SpecError {
  const { line, column } = map.locate(p.path, p.atKey);
  return { file, line, column, path: formatSpecPath(p.path), message: p.message, hint: p.hint };
}

function loadOne(source: SpecSource): { spec?: SloSpecFile; errors: SpecError[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(source.text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  if (doc.errors.length > 0) {
    return {
      errors: doc.errors.map((e) => {
        const pos = e.linePos?.[0] ?? { line: 1, col: 1 };
        return {
          file: source.path,
          line: pos.line,
          column: pos.col,
          path: '',
          message: `YAML syntax error: ${e.message.split('\n')[0]}`,
          hint: 'fix the YAML (indentation, quoting, duplicate keys)',
        };
      }),
    };
  }
  const map = createSourceMap(doc, lineCounter);
  const data = doc.toJS() as unknown;
  const version =
    data !== null && typeof data === 'object'
      ? String(
          (data as Record<string, unknown>).version ?? (data as Record<string, unknown>).apiVersion ?? '',
        )
      : '';
  const importer = FOREIGN_FORMATS[version];
  if (importer) {
    const key = 'version' in (data as object) ? 'version' : 'apiVersion';
    return {
      errors: [
        toError(source.path, map, {
          path: [key],
          atKey: false,
          message: `${version} is not the native format ${SPEC_VERSION}`,
          hint: `convert it once with: tracseq-slo import ${importer} ${source.path} > NEW_FILE.yaml`,
        }),
      ],
    };
  }
  const schemaProblems = checkSchema(data);
  if (schemaProblems.length > 0) return { errors: schemaProblems.map((p) => toError(source.path, map, p)) };
  const spec = data as SloSpecFile;
  const semantic = checkSemantics(spec).map((p) => toError(source.path, map, p));
  return semantic.length > 0 ? { errors: semantic } : { spec, errors: [] };
}

/**
 * Parses and validates spec files: YAML syntax, the JSON Schema, semantics (PromQL, windows,
 * thresholds, selectors) and SLO names unique per service across all files. Every error has file,
 * line, column, field path and a fix. Pure: no file I/O.
 */
export function loadSpecs(sources: readonly SpecSource[]): LoadResult {
  const specs: LoadedSpec[] = [];
  const errors: SpecError[] = [];
  const seen = new Map<string, string>();
  for (const source of sources) {
    const result = loadOne(source);
    errors.push(...result.errors);
    if (!result.spec) continue;
    const spec = result.spec;
    const lineCounter = new LineCounter();
    const map = createSourceMap(parseDocument(source.text, { lineCounter }), lineCounter);
    let duplicate = false;
    spec.slos.forEach((slo, i) => {
      const key = `${spec.service}/${slo.name}`;
      const first = seen.get(key);
      if (first !== undefined) {
        duplicate = true;
        errors.push(
          toError(source.path, map, {
            path: ['slos', i, 'name'],
            atKey: false,
            message: `SLO name "${slo.name}" is already used for service ${spec.service} in ${first}`,
            hint: 'SLO names are unique per service across all spec files; rename one',
          }),
        );
      } else {
        seen.set(key, source.path);
      }
    });
    if (!duplicate) specs.push({ path: source.path, spec });
  }
  return { specs: errors.length > 0 ? [] : specs, errors };
}
