import { describe, expect, it } from 'vitest';
import { dashboardUid } from './dashboard-uids.js';

describe('dashboardUid', () => {
  it('prefixes the kebab-case name', () => {
    expect(dashboardUid('slo-overview')).toBe('tracseq-slo-overview');
    expect(dashboardUid('slo-overview', 'lab-b-')).toBe('lab-b-slo-overview');
  });

  it('rejects names Grafana or URLs would mangle', () => {
    expect(() => dashboardUid('SLO overview')).toThrow(/kebab-case/);
    expect(() => dashboardUid('x'.repeat(40))).toThrow(/40 characters/);
  });
});
