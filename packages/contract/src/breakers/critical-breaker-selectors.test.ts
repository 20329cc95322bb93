import { describe, expect, it } from 'vitest';
import { parseBreakerConfig } from '../lab-settings/parse-lab-settings.js';
import { breakerName } from './breaker-name.js';
import { criticalBreakerSelectors } from './critical-breaker-selectors.js';
import { resolvePolicy } from './resolve-policy.js';

const config = parseBreakerConfig({
  defaults: { critical: true, openAlertAfter: '10m' },
  rules: [
    { match: { instrument: 'lims' }, critical: false },
    { match: { instrument: 'lims', operation: 'lookup' }, critical: true, openAlertAfter: '2m' },
    { match: { lab: 'lab.a', instrument: 'storage-service' }, openAlertAfter: '5m' },
  ],
});

function governing(name: string) {
  return criticalBreakerSelectors(config).filter(
    (s) => new RegExp(`^${s.include}$`).test(name) && !s.exclude.some((e) => new RegExp(`^${e}$`).test(name)),
  );
}

describe('criticalBreakerSelectors', () => {
  it('selects each breaker by the same rule resolvePolicy picks, and only critical ones', () => {
    const keys = [
      { lab: 'lab.a', instrument: 'lims', operation: 'lookup' },
      { lab: 'lab.a', instrument: 'lims', operation: 'update' },
      { lab: 'lab.a', instrument: 'storage-service', operation: 'reserve' },
      { lab: 'labxa', instrument: 'storage-service', operation: 'reserve' },
      { instrument: 'sequencer-1' },
    ];
    for (const key of keys) {
      const policy = resolvePolicy(config, key);
      const selectors = governing(breakerName(key));
      expect(
        selectors.map((s) => s.openAlertAfterMs),
        breakerName(key),
      ).toEqual(policy.critical ? [policy.openAlertAfterMs] : []);
    }
  });

  it('escapes regex characters in names', () => {
    expect(criticalBreakerSelectors(config).map((s) => s.include)).toContain('lab\\.a/storage-service/[^/]*');
  });
});
