import type { SpecPath } from '@tracseq/contract';
import { pointerToPath } from '@tracseq/contract';
import type { ErrorObject } from 'ajv/dist/2020.js';
import * as Ajv2020Module from 'ajv/dist/2020.js';
import { SLO_SPEC_SCHEMA } from './schema.js';

// ajv is CommonJS; under NodeNext its class is the default export's `default`.
const Ajv2020 = Ajv2020Module.Ajv2020;

const ajv = new Ajv2020({ allErrors: true, strict: false, verbose: true });
const validate = ajv.compile(SLO_SPEC_SCHEMA);

/** A schema violation located by path, with a message and a fix. */
export interface SchemaProblem {
  readonly path: SpecPath;
  /** The problem concerns the key itself (unknown field), not its value. */
  readonly atKey: boolean;
  readonly message: string;
  readonly hint: string;
}

const SLI_KINDS = ['preset', 'events', 'raw', 'latency'] as const;

/** A value as an error shows it; YAML's special floats in YAML spelling, not JSON's `null`. */
function show(value: unknown): string {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    return Number.isNaN(value) ? '.nan' : value > 0 ? '.inf' : '-.inf';
  }
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const OBJECTIVE_HINT = 'write the objective as a percentage above 0 and below 100, such as 99.9';

/** Each way an objective can be out of range gets its own explanation. */
function objectiveProblem(path: (string | number)[], value: unknown): SchemaProblem {
  const v = value as number;
  const message = Number.isNaN(v)
    ? 'objective .nan is not a number'
    : !Number.isFinite(v)
      ? `objective ${show(v)} is not a finite number`
      : v <= 0
        ? `objective ${v} is not above 0 %: the objective is the percentage of events that must be good, and at ${v} % every outage would be within budget`
        : v === 100
          ? 'objective 100 % leaves no error budget, so every single error would page'
          : `objective ${v} is over 100 %: it is a percentage of events, and no more than all of them can be good`;
  return {
    path,
    atKey: false,
    message,
    hint:
      v === 100
        ? 'use a percentage such as 99.9 (100 is never achievable; pick what users need)'
        : OBJECTIVE_HINT,
  };
}

function describe(error: ErrorObject, path: (string | number)[]): SchemaProblem {
  const field = path[path.length - 1];
  const p = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const name = String(p.additionalProperty);
      const allowed = Object.keys((error.parentSchema as { properties?: object })?.properties ?? {}).join(
        ', ',
      );
      return {
        path: [...path, name],
        atKey: true,
        message: `unknown field "${name}"`,
        hint: `remove it or correct the spelling; allowed here: ${allowed}`,
      };
    }
    case 'required':
      return {
        path,
        atKey: false,
        message: `missing required field "${String(p.missingProperty)}"`,
        hint: `add ${String(p.missingProperty)}`,
      };
    case 'type': {
      const types = String(p.type).split(',');
      const expected = `${/^[aeiou]/.test(types[0] ?? '') ? 'an' : 'a'} ${types.join(' or ')}`;
      return {
        path,
        atKey: false,
        message: `${show(error.data)} is not ${expected}`,
        hint: `write ${expected} here`,
      };
    }
    case 'const':
    case 'enum': {
      const allowed = (p.allowedValues as unknown[] | undefined) ?? [p.allowedValue];
      return {
        path,
        atKey: false,
        message: `must be one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`,
        hint: `use one of ${allowed.map(String).join(', ')}`,
      };
    }
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
    case 'minimum':
    case 'maximum':
      if (field === 'objective') return objectiveProblem(path, error.data);
      return {
        path,
        atKey: false,
        message: Number.isNaN(error.data)
          ? `${show(error.data)} is not a number`
          : `must be ${String(p.comparison)} ${String(p.limit)}`,
        hint:
          field === 'minBudgetLeft'
            ? 'write the percent of the error budget that must be left, from 0 to below 100, such as 25'
            : 'change the value',
      };
    case 'pattern':
      if (error.propertyName !== undefined) {
        return {
          path: [...path, error.propertyName],
          atKey: true,
          message: `"${error.propertyName}" is not a valid label name`,
          hint: 'use letters, digits and underscores, not starting with a digit',
        };
      }
      if (path.includes('period') || /Window$|sloPeriod/.test(String(field))) {
        return {
          path,
          atKey: false,
          message: 'is not a duration',
          hint: 'use whole numbers with d, h, m, s, e.g. 30d, 1h, 2h24m (no w or y)',
        };
      }
      return {
        path,
        atKey: false,
        message: `must match ${String(p.pattern)}`,
        hint:
          field === 'name' || field === 'service'
            ? 'use lower-case letters, digits and dashes'
            : 'change the value',
      };
    case 'propertyNames':
      return { path, atKey: false, message: 'has an invalid key', hint: 'see the key error above' };
    case 'not':
      return {
        path: [...path, String(error.propertyName)],
        atKey: true,
        message: `label "${String(error.propertyName)}" is reserved for the generator`,
        hint: 'rename the label; slo, service, severity, long_window, short_window and slo_* are set by tracseq-slo',
      };
    case 'minItems':
      return { path, atKey: false, message: 'must not be empty', hint: 'add at least one SLO' };
    default:
      return {
        path,
        atKey: false,
        message: error.message ?? error.keyword,
        hint: 'see the JSON Schema of tracseq.slo/v1',
      };
  }
}

/**
 * Validates a parsed spec against {@link SLO_SPEC_SCHEMA}. The SLI's `oneOf` is reported against
 * the branch the SLI chose (by its key), so a typo in a preset SLI is not drowned in the other
 * branches' complaints.
 */
export function checkSchema(data: unknown): SchemaProblem[] {
  if (validate(data)) return [];
  const slis = new Map<string, number>();
  const problems: SchemaProblem[] = [];
  for (const error of validate.errors ?? []) {
    const path = pointerToPath(error.instancePath);
    const branch = /\/sli\/oneOf\/(\d)\//.exec(error.schemaPath);
    const sliPath = /^(\/slos\/\d+\/sli)/.exec(error.instancePath)?.[1];
    if (sliPath !== undefined) {
      if (!slis.has(sliPath)) {
        const sli = pointerToPath(sliPath).reduce<unknown>(
          (node, key) => (node as Record<string, unknown>)?.[key],
          data,
        );
        const kind = SLI_KINDS.findIndex((k) => sli !== null && typeof sli === 'object' && k in sli);
        slis.set(sliPath, kind);
        if (kind === -1) {
          problems.push({
            path: pointerToPath(sliPath),
            atKey: false,
            message: 'the SLI needs exactly one of preset, events, raw, latency',
            hint: 'e.g. sli: { preset: http-availability }',
          });
        }
      }
      const kind = slis.get(sliPath) as number;
      if (kind === -1 || error.keyword === 'oneOf') continue;
      if (branch && Number(branch[1]) !== kind) continue;
    }
    if (error.keyword === 'propertyNames' || error.keyword === 'if') continue;
    problems.push(describe(error, path));
  }
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path.join('.')}|${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
