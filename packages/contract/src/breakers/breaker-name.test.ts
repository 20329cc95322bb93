import { describe, expect, it } from 'vitest';
import { breakerName } from './breaker-name.js';

describe('breakerName', () => {
  it('joins lab, instrument and operation with * for unset parts', () => {
    expect(breakerName({ lab: 'lab-a', instrument: 'sequencer-1', operation: 'schedule' })).toBe(
      'lab-a/sequencer-1/schedule',
    );
    expect(breakerName({ instrument: 'lims' })).toBe('*/lims/*');
    expect(breakerName({})).toBe('*/*/*');
  });

  it('refuses a part containing a slash', () => {
    expect(() => breakerName({ lab: 'a/b' })).toThrow(/must not contain/);
  });
});
