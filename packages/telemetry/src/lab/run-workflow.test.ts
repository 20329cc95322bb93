import { describe, expect, it } from 'vitest';
import { createTestTelemetry } from '../testing/create-test-telemetry.js';
import { WorkflowError } from './run-workflow.js';

describe('workflow (saga)', () => {
  it('runs steps in order and compensates completed steps in reverse when one fails', async () => {
    const telemetry = await createTestTelemetry({ serviceName: 'sample-service' });
    const calls: string[] = [];
    const step = (name: string, fail = false) => ({
      name,
      run: async () => {
        calls.push(`run ${name}`);
        if (fail) throw new Error(`${name} refused`);
      },
      compensate: async () => {
        calls.push(`undo ${name}`);
      },
    });
    const error = await telemetry
      .workflow(
        'sample_submission',
        [
          step('validate'),
          step('reserve_storage'),
          step('update_inventory'),
          step('schedule_processing', true),
        ],
        {},
      )
      .catch((e) => e);
    expect(error).toBeInstanceOf(WorkflowError);
    expect(error.step).toBe('schedule_processing');
    expect(error.message).toBe(
      'workflow sample_submission failed at step schedule_processing: schedule_processing refused',
    );
    expect(calls).toEqual([
      'run validate',
      'run reserve_storage',
      'run update_inventory',
      'run schedule_processing',
      'undo update_inventory',
      'undo reserve_storage',
      'undo validate',
    ]);
    expect(await telemetry.metricValue('tracseq_workflow_compensations_total', { step: 'other' })).toBe(3);
    const spans = await telemetry.spans();
    expect(spans.map((s) => s.name)).toContain('sample_submission schedule_processing');
    expect(spans.find((s) => s.name === 'sample_submission schedule_processing')?.status.code).toBe(2);
    await telemetry.shutdown();
  });
});
