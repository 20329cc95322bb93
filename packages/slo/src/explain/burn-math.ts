import { parseDuration } from '@tracseq/contract';
import type { WindowPair } from '../alerting/alert-windows.js';

/** Timing figures of one burn-rate alert, in seconds; `undefined` where the alert never fires. */
export interface AlertTiming {
  /** Time from the start of a full outage (every event bad) to firing. */
  readonly detectFullOutage: number | undefined;
  /** Time from the start of a burn at `burnRate`× the sustainable rate to firing. */
  readonly detect: (burnRate: number) => number | undefined;
  /** Share of the period's budget spent by a full outage before the alert fires (0..1). */
  readonly budgetSpentFullOutage: number | undefined;
  /** Share of the budget spent by a burn at exactly the alert's factor before it fires (0..1). */
  readonly budgetSpentAtThreshold: number;
  /** Time from full recovery to the alert resolving. */
  readonly reset: number;
}

/** What is added to the window math: the rule's `for` and one evaluation interval. */
export interface EvaluationDelays {
  readonly forSeconds: number;
  readonly evaluationIntervalSeconds: number;
}

/**
 * The window math of a multiwindow burn-rate alert after a steady period with no errors. A burn
 * at B× the sustainable rate makes the long-window ratio reach the threshold factor × budget
 * after factor × long / B; the short window, being shorter, is there sooner. After recovery the
 * short window clears within its own length, which resolves the alert.
 */
export function alertTiming(
  pair: WindowPair,
  budget: number,
  periodSeconds: number,
  delays: EvaluationDelays,
): AlertTiming {
  const long = parseDuration(pair.longWindow);
  const short = parseDuration(pair.shortWindow);
  const extra = delays.forSeconds + delays.evaluationIntervalSeconds;
  const detect = (burnRate: number) => {
    if (burnRate <= pair.factor || burnRate * budget > 1) return undefined;
    return (pair.factor * long) / burnRate + extra;
  };
  const fullOutage = detect(1 / budget);
  return {
    detectFullOutage: fullOutage,
    detect,
    budgetSpentFullOutage: fullOutage === undefined ? undefined : fullOutage / (budget * periodSeconds),
    budgetSpentAtThreshold: (pair.factor * long) / periodSeconds,
    reset: short + delays.evaluationIntervalSeconds,
  };
}
