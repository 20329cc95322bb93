import type { ErrorObject } from 'ajv/dist/2020.js';
import type { SpecPath } from './spec-error.js';

/** A schema violation located by path, with a message and a fix. */
export interface SchemaProblem {
  readonly path: SpecPath;
  /** The problem concerns the key itself (unknown field), not its value. */
  readonly atKey: boolean;
  readonly message: string;
  readonly hint: string;
}

/** Splits a JSON pointer (`/slos/0/objective`) into a path (`['slos', 0, 'objective']`). */
export function pointerToPath(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((part) => (/^\d+$/.test(part) ? Number(part) : part));
}

type SchemaNode = {
  readonly 'x-hint'?: string;
  readonly 'x-problem'?: string;
  readonly properties?: Record<string, SchemaNode>;
};

function hintOf(schema: unknown, fallback: string): string {
  const hint = (schema as SchemaNode | undefined)?.['x-hint'];
  return typeof hint === 'string' ? hint : fallback;
}

/** What is wrong with a value that fails a pattern or a `oneOf`: the node's `x-problem`, else generic. */
function problemOf(schema: unknown): string {
  const problem = (schema as SchemaNode | undefined)?.['x-problem'];
  return typeof problem === 'string' ? problem : 'is not valid here';
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

/**
 * Turns ajv errors (compiled with `allErrors` and `verbose`) into located problems whose fix
 * comes from the failing schema node's `x-hint`. Errors inside the branches of a `oneOf` are
 * folded into one problem on the `oneOf` itself.
 */
export function schemaProblems(errors: readonly ErrorObject[]): SchemaProblem[] {
  const problems: SchemaProblem[] = [];
  for (const error of errors) {
    if (/\/oneOf\/\d+\//.test(error.schemaPath) || error.keyword === 'propertyNames') continue;
    const path = pointerToPath(error.instancePath);
    const p = error.params as Record<string, unknown>;
    const hint = (fallback: string) => hintOf(error.parentSchema, fallback);
    switch (error.keyword) {
      case 'additionalProperties': {
        const name = String(p.additionalProperty);
        const allowed = Object.keys((error.parentSchema as SchemaNode | undefined)?.properties ?? {});
        problems.push({
          path: [...path, name],
          atKey: true,
          message: `unknown field "${name}"`,
          hint: `remove it or correct the spelling; allowed here: ${allowed.join(', ')}`,
        });
        break;
      }
      case 'required': {
        const name = String(p.missingProperty);
        const property = (error.parentSchema as SchemaNode | undefined)?.properties?.[name];
        problems.push({
          path,
          atKey: false,
          message: `missing required field "${name}"`,
          hint: hintOf(property, `add ${name}`),
        });
        break;
      }
      case 'type':
        problems.push({
          path,
          atKey: false,
          message: `${show(error.data)} is not ${/^[aeiou]/.test(String(p.type)) ? 'an' : 'a'} ${String(p.type).replace(',', ' or ')}`,
          hint: hint(`write ${String(p.type).replace(',', ' or ')} here`),
        });
        break;
      case 'oneOf':
        problems.push({
          path,
          atKey: false,
          message: `${show(error.data)} ${problemOf(error.parentSchema)}`,
          hint: hint('see the schema'),
        });
        break;
      case 'const':
      case 'enum': {
        const allowed = (p.allowedValues as unknown[] | undefined) ?? [p.allowedValue];
        problems.push({
          path,
          atKey: false,
          message: `${show(error.data)} is not one of ${allowed.map((v) => JSON.stringify(v)).join(', ')}`,
          hint: `use one of ${allowed.map(String).join(', ')}`,
        });
        break;
      }
      case 'exclusiveMinimum':
      case 'exclusiveMaximum':
      case 'minimum':
      case 'maximum':
        problems.push({
          path,
          atKey: false,
          message: `${show(error.data)} is not ${String(p.comparison)} ${String(p.limit)}`,
          hint: hint('change the value'),
        });
        break;
      case 'pattern':
        problems.push({
          path,
          atKey: false,
          message: `${show(error.data)} ${problemOf(error.parentSchema)}`,
          hint: hint(`match ${String(p.pattern)}`),
        });
        break;
      case 'minProperties':
      case 'minItems':
        problems.push({
          path,
          atKey: false,
          message: 'must not be empty',
          hint: hint('add at least one entry'),
        });
        break;
      default:
        problems.push({
          path,
          atKey: false,
          message: error.message ?? error.keyword,
          hint: hint('see the JSON Schema'),
        });
    }
  }
  const seen = new Set<string>();
  return problems.filter((problem) => {
    const key = `${problem.path.join('.')}|${problem.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
