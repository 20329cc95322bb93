import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseLabSettings } from '@tracseq/contract';
import { loadSpecs, SLO_OVERVIEW_DASHBOARD_UID, type SloSpecFile } from '@tracseq/slo';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { type DashboardsConfigInput, DEFAULT_DASHBOARDS_CONFIG, resolveDashboardsConfig } from '../config.js';
import { lintDashboard, SDK_SCHEMA_VERSION } from '../lint/lint-dashboard.js';
import { buildDashboards } from './build-dashboards.js';
import { type JsonObject, renderJson } from './canonical-json.js';
import { ALL_VALUE, DASHBOARD_NAMES, GENERATED_NOTE, GENERATED_TAG } from './frame.js';
import { sloDashboardUrl } from './slo-dashboard-url.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '../../../..');

function repoConfig(): DashboardsConfigInput {
  const dir = join(REPO, 'prometheus/slos');
  const specs = loadSpecs(
    readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .sort()
      .map((f) => ({ path: f, text: readFileSync(join(dir, f), 'utf8') })),
  );
  const labSettings = join(REPO, 'examples/lab-settings.yaml');
  return {
    slos: specs.specs.map((s) => s.spec),
    storageZones: parseLabSettings(readFileSync(labSettings, 'utf8'), labSettings).storageZones,
  };
}

function objects(value: unknown): JsonObject[] {
  return Array.isArray(value) ? (value as JsonObject[]) : [];
}

function panelsOf(dashboard: JsonObject): JsonObject[] {
  return objects(dashboard.panels);
}

function variablesOf(dashboard: JsonObject): JsonObject[] {
  return objects((dashboard.templating as JsonObject).list);
}

function exprsOf(dashboard: JsonObject): string[] {
  return panelsOf(dashboard).flatMap((p) => objects(p.targets).map((t) => String(t.expr)));
}

describe('buildDashboards', () => {
  const dashboards = buildDashboards(repoConfig());

  it('builds the six dashboards keyed by file name, uid tracseq-<name>', () => {
    expect(Object.keys(dashboards)).toEqual(DASHBOARD_NAMES.map((n) => `${n}.json`));
    for (const name of DASHBOARD_NAMES) expect(dashboards[`${name}.json`]?.uid).toBe(`tracseq-${name}`);
    expect(dashboards['slo-overview.json']?.uid).toBe(SLO_OVERVIEW_DASHBOARD_UID);
  });

  it('is deterministic: two builds render byte-identical JSON', () => {
    const again = buildDashboards(repoConfig());
    for (const [file, dashboard] of Object.entries(dashboards)) {
      expect(renderJson(again[file])).toBe(renderJson(dashboard));
    }
    const text = renderJson(dashboards['runtime.json']);
    expect(text.endsWith('}\n')).toBe(true);
    expect(text).not.toMatch(/"(id|version|iteration|created|updated)": *"?\d{10,}/);
    expect(dashboards['runtime.json']).not.toHaveProperty('id');
  });

  it('lints clean, with the repository specs and with the defaults', () => {
    for (const [file, dashboard] of Object.entries(dashboards)) {
      expect({ file, findings: lintDashboard(dashboard) }).toEqual({ file, findings: [] });
    }
    for (const [file, dashboard] of Object.entries(buildDashboards())) {
      expect({ file, findings: lintDashboard(dashboard) }).toEqual({ file, findings: [] });
    }
  });

  it('keeps panel ids stable', () => {
    const ids = Object.fromEntries(
      Object.entries(dashboards).map(([file, d]) => [file, panelsOf(d).map((p) => p.id)]),
    );
    expect(ids).toEqual({
      'service-health.json': [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21],
      'slo-overview.json': [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],
      'lab-operations.json': [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19],
      'storage-capacity.json': [1, 2, 3, 4, 5, 6, 7, 8, 9],
      'runtime.json': [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18],
      'circuit-breakers.json': [1, 2, 3, 4, 5, 6, 7, 13, 8, 9, 14, 10, 11, 12],
    });
    // Without storage zones the deviation panel (8) is left out; the others keep their ids.
    const bare = buildDashboards()['storage-capacity.json'] as JsonObject;
    expect(panelsOf(bare).map((p) => p.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 9]);
  });

  it('marks every dashboard generated, readonly, on the pinned schema, with links to the others', () => {
    for (const [file, dashboard] of Object.entries(dashboards)) {
      expect(String(dashboard.description).endsWith(GENERATED_NOTE)).toBe(true);
      expect(dashboard.tags).toContain(GENERATED_TAG);
      expect(dashboard.editable).toBe(false);
      expect(dashboard.schemaVersion).toBe(SDK_SCHEMA_VERSION);
      const links = objects(dashboard.links);
      const others = DASHBOARD_NAMES.filter((n) => `${n}.json` !== file).map((n) => `/d/tracseq-${n}`);
      expect(links.filter((l) => l.includeVars === true).map((l) => l.url)).toEqual(others);
      expect(links.some((l) => String(l.url).startsWith(DEFAULT_DASHBOARDS_CONFIG.runbookBaseUrl))).toBe(
        true,
      );
      for (const link of links) expect(link).not.toHaveProperty('placement');
      const [annotation] = objects((dashboard.annotations as JsonObject).list);
      expect(annotation?.expr).toMatch(/^ALERTS\{alertstate="firing", service=~"\$service"/);
    }
  });

  it('has a prometheus datasource variable and multi-value "All" variables matched with =~', () => {
    const expected: Record<string, string[]> = {
      'service-health.json': ['datasource', 'service'],
      'slo-overview.json': ['datasource', 'service', 'slo'],
      'lab-operations.json': ['datasource', 'service', 'lab'],
      'storage-capacity.json': ['datasource', 'service', 'zone'],
      'runtime.json': ['datasource', 'service', 'instance'],
      'circuit-breakers.json': ['datasource', 'service', 'breaker'],
    };
    for (const [file, dashboard] of Object.entries(dashboards)) {
      const vars = variablesOf(dashboard);
      expect(vars.map((v) => v.name)).toEqual(expected[file]);
      expect(vars[0]).toMatchObject({
        type: 'datasource',
        query: 'prometheus',
        current: { value: 'prometheus' },
      });
      for (const v of vars.slice(1)) {
        expect(v).toMatchObject({ type: 'query', includeAll: true, multi: true, allValue: ALL_VALUE });
        for (const expr of exprsOf(dashboard)) {
          expect(expr).not.toContain(`="$${v.name}"`);
        }
      }
      for (const expr of exprsOf(dashboard)) expect(expr).not.toMatch(/or\s+vector\(/);
    }
  });

  it('takes the burn-rate windows from the SLO specs', () => {
    const spec: SloSpecFile = {
      version: 'tracseq.slo/v1',
      service: 'sample-service',
      slos: [{ name: 'quick', objective: 99, period: '1d', sli: { preset: 'http-availability' } }],
    };
    const overview = buildDashboards({ slos: [spec] })['slo-overview.json'] as JsonObject;
    const burn = panelsOf(overview).find((p) => p.id === 7) as JsonObject;
    const windows = objects(burn.targets).map((t) => /ratio_rate(\w+)\{/.exec(String(t.expr))?.[1]);
    expect(windows).toEqual(['10s', '1m', '2m', '4m', '5m', '12m', '48m', '2h24m']);
    expect(String(overview.description)).toContain('sample-service/quick (99 % over 1d)');
  });

  it('adds the service selector matchers to scraped series, not to SLO recordings', () => {
    const built = buildDashboards({ serviceSelector: { matchers: ['namespace="lab"'], regex: '' } });
    const health = built['service-health.json'] as JsonObject;
    const exprs = exprsOf(health);
    expect(exprs[0]).toContain('namespace="lab"');
    expect(exprs.filter((e) => e.startsWith('slo:')).every((e) => !e.includes('namespace'))).toBe(true);
    expect(lintDashboard(health, { extraLabels: ['namespace'] })).toEqual([]);
    expect(lintDashboard(health).some((f) => f.rule === 'unknown-label')).toBe(true);
  });

  it('follows the uid prefix in uids and links', () => {
    const built = buildDashboards({ uidPrefix: 'lab-b-' });
    expect(built['runtime.json']?.uid).toBe('lab-b-runtime');
    expect(objects(built['runtime.json']?.links).map((l) => l.url)).toContain('/d/lab-b-slo-overview');
  });

  it("points the alerts' dashboard_url at generated dashboards with variables they have (SLO alerts: the SLO overview)", () => {
    const config = resolveDashboardsConfig();
    const byUid = new Map(Object.values(dashboards).map((d) => [String(d.uid), d]));
    const rulesDir = join(REPO, 'prometheus/rules');
    let alerts = 0;
    for (const file of readdirSync(rulesDir).filter((f) => f.endsWith('.rules.yml'))) {
      const rules = parse(readFileSync(join(rulesDir, file), 'utf8')) as {
        groups: {
          rules: { alert?: string; labels?: Record<string, string>; annotations?: Record<string, string> }[];
        }[];
      };
      for (const rule of rules.groups.flatMap((g) => g.rules).filter((r) => r.alert)) {
        const url = rule.annotations?.dashboard_url as string;
        // SLO alerts carry `slo`; operational alerts link the dashboard of what they watch.
        if (rule.labels?.slo !== undefined) {
          expect(url).toBe(sloDashboardUrl(config, rule.labels.service as string, rule.labels.slo));
        }
        const parsed = new URL(url);
        expect(`${parsed.origin}`).toBe(config.grafanaUrl);
        const dashboard = byUid.get(parsed.pathname.replace(/^\/d\//, ''));
        expect(dashboard, `${rule.alert}: ${url}`).toBeDefined();
        const names = new Set(variablesOf(dashboard as JsonObject).map((v) => `var-${v.name}`));
        for (const key of parsed.searchParams.keys())
          expect(names.has(key), `${rule.alert}: ${key}`).toBe(true);
        alerts++;
      }
    }
    expect(alerts).toBeGreaterThan(0);
  });
});
