import { context, SpanStatusCode, type Tracer, trace } from '@opentelemetry/api';
import type { LabSettings } from '@tracseq/contract';
import { OTHER_LABEL_VALUE } from '@tracseq/contract';
import type { ContractMetrics } from '../metrics/create-metrics-registry.js';

/** One saga step: `run` does the work, `compensate` undoes it if a later step fails. */
export interface WorkflowStep<C> {
  readonly name: string;
  run(state: C): Promise<void> | void;
  compensate?(state: C): Promise<void> | void;
}

/** Thrown when a step fails; carries the step name and any compensation failures. */
export class WorkflowError extends Error {
  readonly step: string;
  readonly compensationErrors: readonly unknown[];
  constructor(workflow: string, step: string, cause: unknown, compensationErrors: unknown[]) {
    super(
      `workflow ${workflow} failed at step ${step}: ${cause instanceof Error ? cause.message : String(cause)}`,
      {
        cause,
      },
    );
    this.name = 'WorkflowError';
    this.step = step;
    this.compensationErrors = compensationErrors;
  }
}

/** Runs saga workflows with a span and a duration sample per step. */
export type WorkflowRunner = <C>(name: string, steps: readonly WorkflowStep<C>[], state: C) => Promise<C>;

/**
 * Creates the saga runner: steps run in order, each in its own span and recorded in
 * `tracseq_workflow_step_duration_seconds`; when one fails, the completed steps' compensations
 * run in reverse order (each counted in `tracseq_workflow_compensations_total`) and the error
 * reaches the caller as a {@link WorkflowError}.
 */
export function createWorkflowRunner(
  tracer: Tracer,
  metrics: ContractMetrics,
  settings: LabSettings,
): WorkflowRunner {
  const allowed = (list: string, value: string) =>
    settings.allowLists[list]?.includes(value) ? value : OTHER_LABEL_VALUE;
  const timed = async (
    workflow: string,
    step: string,
    outcome: (ok: boolean) => string,
    fn: () => Promise<void> | void,
  ) => {
    const span = tracer.startSpan(`${workflow} ${step}`, {
      attributes: { 'tracseq.workflow': workflow, 'tracseq.workflow.step': step },
    });
    const started = performance.now();
    try {
      await context.with(trace.setSpan(context.active(), span), fn);
      metrics.workflowStepDuration.observe(
        {
          workflow: allowed('workflows', workflow),
          step: allowed('workflow_steps', step),
          outcome: outcome(true),
        },
        (performance.now() - started) / 1000,
      );
    } catch (error) {
      metrics.workflowStepDuration.observe(
        {
          workflow: allowed('workflows', workflow),
          step: allowed('workflow_steps', step),
          outcome: outcome(false),
        },
        (performance.now() - started) / 1000,
      );
      span.recordException(error instanceof Error ? error : new Error(String(error)));
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  };
  return async (name, steps, state) => {
    const done: (typeof steps)[number][] = [];
    for (const step of steps) {
      try {
        await timed(
          name,
          step.name,
          (ok) => (ok ? 'success' : 'failure'),
          () => step.run(state),
        );
        done.push(step);
      } catch (error) {
        const compensationErrors: unknown[] = [];
        for (const completed of done.reverse()) {
          if (!completed.compensate) continue;
          metrics.workflowCompensations.inc({
            workflow: allowed('workflows', name),
            step: allowed('workflow_steps', completed.name),
          });
          try {
            await timed(
              name,
              completed.name,
              (ok) => (ok ? 'compensated' : 'failure'),
              () => completed.compensate?.(state),
            );
          } catch (compensationError) {
            compensationErrors.push(compensationError);
          }
        }
        throw new WorkflowError(name, step.name, error, compensationErrors);
      }
    }
    return state;
  };
}
