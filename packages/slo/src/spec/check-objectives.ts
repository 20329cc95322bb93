import { formatNumber } from '@tracseq/contract';
import { alertWindows, type WindowPair } from '../alerting/alert-windows.js';
import { burnThreshold, errorBudget, MAX_OBJECTIVE_PERCENT } from '../alerting/error-budget.js';
import type { SchemaProblem } from './schema-validator.js';
import type { AlertWindowsSpec, SloSpecFile } from './types.js';

/** Objective problems of one spec file: errors stop generation, warnings do not. */
export interface ObjectiveProblems {
  readonly errors: SchemaProblem[];
  readonly warnings: SchemaProblem[];
}

const percent = (ratio: number) => `${formatNumber(ratio * 100)} %`;

/** Lowest objective (percent, rounded up to 4 decimals) at which a pair with `factor` can fire. */
function lowestFiring(factor: number): string {
  return formatNumber(Math.ceil(100 * (1 - 1 / factor) * 10_000) / 10_000);
}

const pairName = (pair: WindowPair) => `${pair.kind} ${pair.longWindow}/${pair.shortWindow}`;

function thresholdText(pair: WindowPair, budget: number): string {
  return `${pairName(pair)}: ${formatNumber(pair.factor)} × ${percent(budget)} = ${percent(burnThreshold(pair.factor, budget))}`;
}

/**
 * Checks each SLO's objective against what the generator can do with it. Errors: an objective
 * above {@link MAX_OBJECTIVE_PERCENT} (the rules' and tests' arithmetic is no longer exact), or
 * one whose alerts that matter can never fire (pages, or tickets when pages are disabled): a burn
 * alert fires above factor × (1 − objective), and an error ratio never exceeds 100 %. Warnings:
 * each other enabled window pair that can never fire. Assumes schema and semantics passed.
 */
export function checkObjectives(file: SloSpecFile): ObjectiveProblems {
  const errors: SchemaProblem[] = [];
  const warnings: SchemaProblem[] = [];
  file.slos.forEach((slo, i) => {
    const path = ['slos', i, 'objective'];
    if (slo.objective > MAX_OBJECTIVE_PERCENT) {
      errors.push({
        path,
        atKey: false,
        message: `objective ${slo.objective} is above ${MAX_OBJECTIVE_PERCENT} %, the highest objective tracseq-slo generates rules and promtool tests for (an error budget under 1e-9, one bad event in a billion, is lost in the floating-point noise of the generated tests)`,
        hint: `use an objective of at most ${MAX_OBJECTIVE_PERCENT}, e.g. 99.99`,
      });
      return;
    }
    const budget = errorBudget(slo.objective);
    const pairs = alertWindows(slo.period ?? '30d', slo.alertWindows as AlertWindowsSpec | undefined).filter(
      (pair) => slo.alerting?.[pair.kind]?.enabled !== false,
    );
    const canFire = (pair: WindowPair) => burnThreshold(pair.factor, budget) < 1;
    const page = pairs.filter((pair) => pair.kind === 'page');
    const decisive = page.length > 0 ? page : pairs;
    if (decisive.length > 0 && !decisive.some(canFire)) {
      const kind = page.length > 0 ? 'page' : 'ticket';
      const lowest = Math.min(...decisive.map((pair) => pair.factor));
      errors.push({
        path,
        atKey: false,
        message:
          `objective ${slo.objective} leaves an error budget of ${percent(budget)}, so no ${kind} alert can ever fire: ` +
          `even a full outage (100 % errors) stays under every ${kind} threshold, factor × budget ` +
          `(${decisive.map((pair) => thresholdText(pair, budget)).join('; ')})`,
        hint: `raise the objective above ${lowestFiring(lowest)} %, or give alertWindows with ${kind} factors below ${formatNumber(Math.floor(10_000 / budget) / 10_000)}`,
      });
      return;
    }
    for (const pair of pairs.filter((p) => !canFire(p))) {
      warnings.push({
        path,
        atKey: false,
        message: `the ${pairName(pair)} alert can never fire: it needs an error ratio above ${thresholdText(pair, budget).slice(pairName(pair).length + 2)}, more than 100 %`,
        hint: `raise the objective above ${lowestFiring(pair.factor)} % for it to fire; the other alerts still do`,
      });
    }
  });
  return { errors, warnings };
}
