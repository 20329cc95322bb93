import { formatNumber } from '@tracseq/contract';
import { DEFAULT_PERIOD, sloRecordedWindows } from '../rules/slo-plan.js';
import type { SchemaProblem } from './schema-validator.js';
import type { SloSpec, SloSpecFile } from './types.js';

/** A composite problem and the file it belongs to. */
export interface LocatedCompositeProblem {
  /** Index of the file in the list given to {@link checkComposites}. */
  readonly file: number;
  readonly problem: SchemaProblem;
}

/** Problems of the composites across all files of a run: errors stop generation, warnings do not. */
export interface CompositeProblems {
  readonly errors: LocatedCompositeProblem[];
  readonly warnings: LocatedCompositeProblem[];
}

/** The SLO a `<service>/<name>` names, with its file. */
interface Known {
  readonly file: number;
  readonly index: number;
  readonly slo: SloSpec;
}

const componentsOf = (slo: SloSpec): readonly string[] =>
  'composite' in slo.sli ? slo.sli.composite.components.map((c) => c.slo) : [];

/** The first cycle through `start` along component edges, as refs from `start` back to it. */
function cycleFrom(start: string, known: ReadonlyMap<string, Known>): string[] | undefined {
  const onPath: string[] = [];
  const done = new Set<string>();
  const visit = (ref: string): string[] | undefined => {
    if (ref === start && onPath.length > 0) return [...onPath, ref];
    if (done.has(ref) || onPath.includes(ref)) return undefined;
    const entry = known.get(ref);
    if (entry === undefined) return undefined;
    onPath.push(ref);
    for (const next of componentsOf(entry.slo)) {
      const found = visit(next);
      if (found) return found;
    }
    onPath.pop();
    done.add(ref);
    return undefined;
  };
  return visit(start);
}

/**
 * Checks every composite SLI against the SLOs of all files of the run: each component names an
 * existing SLO other than the composite itself; no composite reaches itself through its
 * components (a cycle would make its recordings read themselves); each component records every
 * window the composite reads (its alert windows, 5m and its period), since the composite is
 * built from the components' recorded ratios of the same window. Warns when a serial
 * composite's objective is above the product of its components' objectives: the journey would
 * burn while every step meets its own SLO.
 */
export function checkComposites(files: readonly SloSpecFile[]): CompositeProblems {
  const known = new Map<string, Known>();
  files.forEach((spec, file) => {
    spec.slos.forEach((slo, index) => {
      const ref = `${spec.service}/${slo.name}`;
      if (!known.has(ref)) known.set(ref, { file, index, slo });
    });
  });
  const errors: LocatedCompositeProblem[] = [];
  const warnings: LocatedCompositeProblem[] = [];
  files.forEach((spec, file) => {
    spec.slos.forEach((slo, i) => {
      if (!('composite' in slo.sli)) return;
      const self = `${spec.service}/${slo.name}`;
      const error = (path: (string | number)[], message: string, hint: string) =>
        errors.push({ file, problem: { path, atKey: false, message, hint } });
      const needs = [...sloRecordedWindows(slo), slo.period ?? DEFAULT_PERIOD];
      let complete = true;
      slo.sli.composite.components.forEach((component, j) => {
        const at = ['slos', i, 'sli', 'composite', 'components', j, 'slo'];
        const target = known.get(component.slo);
        if (component.slo === self) {
          complete = false;
          error(
            at,
            `${component.slo} is this composite itself`,
            'remove it: a journey cannot be one of its own steps',
          );
          return;
        }
        if (target === undefined) {
          complete = false;
          error(
            at,
            `no SLO ${component.slo} in the spec files given (${[...known.keys()].sort().join(', ')})`,
            'name an existing <service>/<name>, or pass the spec file that defines it too',
          );
          return;
        }
        const has = new Set([...sloRecordedWindows(target.slo), target.slo.period ?? DEFAULT_PERIOD]);
        const missing = needs.filter((w) => !has.has(w));
        if (missing.length > 0) {
          complete = false;
          error(
            at,
            `${component.slo} records no error ratio over ${missing.join(', ')}, which this composite reads (it records ${[...has].join(', ')})`,
            `give the composite the same period and alertWindows as its components (period ${target.slo.period ?? DEFAULT_PERIOD})`,
          );
        }
      });
      const cycle = cycleFrom(self, known);
      if (cycle !== undefined && !slo.sli.composite.components.some((c) => c.slo === self)) {
        complete = false;
        const first = slo.sli.composite.components.findIndex((c) => c.slo === cycle[1]);
        error(
          ['slos', i, 'sli', 'composite', 'components', Math.max(0, first), 'slo'],
          `composites form a cycle: ${cycle.join(' → ')}`,
          'a journey cannot contain itself; remove one composite from the other',
        );
      }
      if (!complete || slo.sli.composite.mode !== 'serial') return;
      const product = slo.sli.composite.components.reduce(
        (p, c) => p * ((known.get(c.slo) as Known).slo.objective / 100),
        1,
      );
      if (slo.objective / 100 > product + 1e-12) {
        const bound = Math.floor(product * 100 * 10_000) / 10_000;
        warnings.push({
          file,
          problem: {
            path: ['slos', i, 'objective'],
            atKey: false,
            message: `objective ${slo.objective} is above ${formatNumber(bound)} %, the product of the components' objectives: the journey would burn its budget while every step meets its own SLO`,
            hint: `use an objective of at most ${formatNumber(bound)}, or raise the components' objectives`,
          },
        });
      }
    });
  });
  return { errors, warnings };
}
