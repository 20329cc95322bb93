import { describe, expect, it } from 'vitest';
import { DashboardsConfigError, DEFAULT_DASHBOARDS_CONFIG, resolveDashboardsConfig } from './config.js';

describe('resolveDashboardsConfig', () => {
  it('returns the defaults for an empty input', () => {
    expect(resolveDashboardsConfig()).toEqual(DEFAULT_DASHBOARDS_CONFIG);
  });

  it('merges objects key by key and replaces arrays', () => {
    const config = resolveDashboardsConfig({
      datasource: { uid: 'mimir' },
      links: [{ title: 'Wiki', url: 'https://wiki.example/lab' }],
    });
    expect(config.datasource).toEqual({ ...DEFAULT_DASHBOARDS_CONFIG.datasource, uid: 'mimir' });
    expect(config.links).toEqual([{ title: 'Wiki', url: 'https://wiki.example/lab' }]);
    expect(config.provisioning).toEqual(DEFAULT_DASHBOARDS_CONFIG.provisioning);
  });

  it.each([
    ['datasource.uid', { datasource: { uid: '' } }],
    ['datasource.name', { datasource: { name: undefined } }],
    ['grafanaUrl', { grafanaUrl: undefined }],
    ['runbookBaseUrl', { runbookBaseUrl: '' }],
    ['uidPrefix', { uidPrefix: '' }],
    ['provisioning.folder', { provisioning: { folder: '' } }],
    ['links[0].url', { links: [{ title: 'x' }] }],
    ['slos[0].service', { slos: [{ slos: [] }] }],
  ])('throws naming a missing required field: %s', (field, input) => {
    let error: unknown;
    try {
      resolveDashboardsConfig(input as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DashboardsConfigError);
    expect((error as DashboardsConfigError).field).toBe(field);
    expect((error as Error).message).toContain(`${field}: is required`);
  });

  it('draws the latency and turnaround targets the SLOs defend unless the config gives them', () => {
    const slos = [
      {
        version: 'tracseq.slo/v1',
        service: 's',
        slos: [
          { name: 'lat', objective: 99, sli: { preset: 'http-latency', thresholdSeconds: 0.25 } },
          { name: 'tat', objective: 95, sli: { preset: 'sample-turnaround', thresholdSeconds: 3600 } },
        ],
      },
    ];
    const derived = resolveDashboardsConfig({ slos } as never);
    expect(derived.latencyTargetSeconds).toBe(0.25);
    expect(derived.turnaroundTargetSeconds).toBe(3600);
    expect(resolveDashboardsConfig({ slos, latencyTargetSeconds: 0.5 } as never).latencyTargetSeconds).toBe(
      0.5,
    );
  });

  it('rejects invalid values with the field and what is allowed', () => {
    expect(() => resolveDashboardsConfig({ latencyTargetSeconds: 0.2 })).toThrow(
      /latencyTargetSeconds: 0.2 must be a bucket boundary of http_server_request_duration_seconds/,
    );
    expect(() => resolveDashboardsConfig({ turnaroundTargetSeconds: 100 })).toThrow(
      /turnaroundTargetSeconds/,
    );
    expect(() => resolveDashboardsConfig({ datasource: { scrapeInterval: 'often' } })).toThrow(
      /datasource.scrapeInterval: "often" is not a duration/,
    );
    expect(() => resolveDashboardsConfig({ serviceSelector: { matchers: ['namespace=lab'] } })).toThrow(
      /serviceSelector.matchers\[0\]/,
    );
    expect(() => resolveDashboardsConfig({ grafanaUrl: 'grafana' })).toThrow(
      /grafanaUrl: "grafana" is not an absolute URL/,
    );
    expect(() => resolveDashboardsConfig({ uidPrefix: 'Lab B' })).toThrow(/uidPrefix/);
  });
});
