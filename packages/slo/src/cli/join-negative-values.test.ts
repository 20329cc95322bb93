import { describe, expect, it } from 'vitest';
import { joinNegativeValues } from './join-negative-values.js';

const flags = {
  from: { type: 'string', description: '' },
  json: { type: 'boolean', description: '' },
} as const;

describe('joinNegativeValues', () => {
  it('joins a string flag with a value starting with a dash and a digit', () => {
    expect(joinNegativeValues(['p', '--from', '-30d', '--json'], flags)).toEqual([
      'p',
      '--from=-30d',
      '--json',
    ]);
  });

  it('leaves options, boolean flags and unknown flags alone', () => {
    expect(joinNegativeValues(['--from', '--json'], flags)).toEqual(['--from', '--json']);
    expect(joinNegativeValues(['--json', '-1'], flags)).toEqual(['--json', '-1']);
    expect(joinNegativeValues(['--other', '-1'], flags)).toEqual(['--other', '-1']);
  });
});
