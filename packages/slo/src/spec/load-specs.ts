import { formatSpecPath, parseYamlDocument, type SourceMap, type SpecError } from '@tracseq/contract';
import { checkComposites, type LocatedCompositeProblem } from './check-composites.js';
import { checkObjectives } from './check-objectives.js';
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
  /** Problems that do not stop generation (an alert that can never fire), located like errors. */
  readonly warnings: readonly SpecError[];
}

interface LoadedOne {
  readonly spec?: SloSpecFile;
  readonly map?: SourceMap;
  readonly errors: SpecError[];
  readonly warnings: SpecError[];
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

function loadOne(source: SpecSource): LoadedOne {
  const parsed = parseYamlDocument(source.text, source.path);
  if ('errors' in parsed) return { errors: parsed.errors, warnings: [] };
  const { data, map } = parsed;
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
      warnings: [],
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
  const located = (p: SchemaProblem) => toError(source.path, map, p);
  const schemaProblems = checkSchema(data);
  if (schemaProblems.length > 0) return { errors: schemaProblems.map(located), warnings: [] };
  const spec = data as SloSpecFile;
  const semantic = checkSemantics(spec).map(located);
  if (semantic.length > 0) return { errors: semantic, warnings: [] };
  // Objectives are judged against the alert windows, which need valid periods and windows.
  const objectives = checkObjectives(spec);
  const errors = objectives.errors.map(located);
  return { ...(errors.length > 0 ? {} : { spec, map }), errors, warnings: objectives.warnings.map(located) };
}

/** `dependsOn` entries must name an SLO of some file of the run, other than the SLO itself. */
function checkDependencies(
  files: readonly { path: string; spec: SloSpecFile; map: SourceMap }[],
  known: ReadonlyMap<string, string>,
): SpecError[] {
  const errors: SpecError[] = [];
  for (const { path, spec, map } of files) {
    spec.slos.forEach((slo, i) => {
      (slo.dependsOn ?? []).forEach((target, j) => {
        const self = target === `${spec.service}/${slo.name}`;
        if (!self && known.has(target)) return;
        errors.push(
          toError(path, map, {
            path: ['slos', i, 'dependsOn', j],
            atKey: false,
            message: self
              ? `${target} is this SLO itself`
              : `no SLO ${target} in the spec files given (${[...known.keys()].sort().join(', ')})`,
            hint: self
              ? 'remove it: an SLO cannot mute itself'
              : 'name an existing <service>/<name>, or pass the spec file that defines it too',
          }),
        );
      });
    });
  }
  return errors;
}

/**
 * Parses and validates spec files: size (`MAX_INPUT_BYTES`), YAML syntax and duplicate keys at
 * their own line and column, the JSON Schema, semantics (PromQL, windows, thresholds,
 * selectors), objectives whose alerts could never fire, SLO names unique per service across
 * all files, `dependsOn` targets, and composite components (exist, no cycles, same windows). Every error and warning has file, line, column, field path and a fix. Pure: no
 * file I/O.
 */
export function loadSpecs(sources: readonly SpecSource[]): LoadResult {
  const specs: LoadedSpec[] = [];
  const errors: SpecError[] = [];
  const warnings: SpecError[] = [];
  const seen = new Map<string, string>();
  const mapped: { path: string; spec: SloSpecFile; map: SourceMap }[] = [];
  for (const source of sources) {
    const result = loadOne(source);
    errors.push(...result.errors);
    warnings.push(...result.warnings);
    if (!result.spec || !result.map) continue;
    const { spec, map } = result;
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
    mapped.push({ path: source.path, spec, map });
  }
  errors.push(...checkDependencies(mapped, seen));
  const composites = checkComposites(mapped.map((m) => m.spec));
  const locate = ({ file, problem }: LocatedCompositeProblem) => {
    const { path, map } = mapped[file] as (typeof mapped)[number];
    return toError(path, map, problem);
  };
  errors.push(...composites.errors.map(locate));
  warnings.push(...composites.warnings.map(locate));
  return { specs: errors.length > 0 ? [] : specs, errors, warnings };
}
