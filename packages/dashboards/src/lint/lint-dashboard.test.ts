import { describe, expect, it } from 'vitest';
import { buildDashboards } from '../build/build-dashboards.js';
import type { JsonObject } from '../build/canonical-json.js';
import { formatFinding, type LintFinding, lintDashboard } from './lint-dashboard.js';
import { LINT_RULES, type LintRule } from './lint-rules.js';

const GOOD = buildDashboards()['service-health.json'] as JsonObject;

type Dashboard = {
  uid?: unknown;
  editable?: unknown;
  schemaVersion?: unknown;
  templating: { list: Record<string, unknown>[] };
  annotations: { list: Record<string, unknown>[] };
  panels: {
    id?: unknown;
    title: string;
    type: string;
    description?: string;
    fieldConfig: { defaults: { unit?: string } };
    targets?: { refId?: string; expr: string; datasource?: unknown }[];
  }[];
};

/** A deep copy of a clean dashboard with one defect applied. */
function broken(mutate: (d: Dashboard) => void): unknown {
  const copy = structuredClone(GOOD) as unknown as Dashboard;
  mutate(copy);
  return copy;
}

/** The first panel with queries (panel 2, "Request rate"). */
function firstPanel(d: Dashboard): Dashboard['panels'][number] {
  return d.panels.find((p) => (p.targets ?? []).length > 0) as Dashboard['panels'][number];
}

function setExpr(expr: string): (d: Dashboard) => void {
  return (d) => {
    const target = firstPanel(d).targets?.[0];
    if (target) target.expr = expr;
  };
}

function rules(findings: readonly LintFinding[]): LintRule[] {
  return [...new Set(findings.map((f) => f.rule))];
}

const RATE = '[$__rate_interval]';

describe('lintDashboard', () => {
  it('finds nothing in a generated dashboard', () => {
    expect(lintDashboard(GOOD)).toEqual([]);
  });

  it.each<[LintRule, string, (d: Dashboard) => void]>([
    [
      'datasource-variable',
      'no datasource variable',
      (d) => {
        d.templating.list = d.templating.list.filter((v) => v.type !== 'datasource');
      },
    ],
    [
      'datasource-variable',
      'a hard-coded datasource uid',
      (d) => {
        const target = firstPanel(d).targets?.[0];
        if (target) target.datasource = { type: 'prometheus', uid: 'P1809F7CD0C75ACF3' };
      },
    ],
    ['panel-unit', 'a panel without unit', (d) => delete firstPanel(d).fieldConfig.defaults.unit],
    [
      'panel-description',
      'a panel without description',
      (d) => {
        firstPanel(d).description = ' ';
      },
    ],
    [
      'rate-interval',
      'a fixed rate window',
      setExpr('sum(rate(http_server_request_duration_seconds_count[5m]))'),
    ],
    ['counter-rate', 'a counter read raw', setExpr('sum(tracseq_samples_received_total)')],
    ['counter-rate', "a histogram's _count read raw", setExpr('http_server_request_duration_seconds_count')],
    [
      'counter-rate',
      'a prom-client counter read through deriv',
      setExpr('deriv(process_cpu_seconds_total[$__rate_interval])'),
    ],
    ['gauge-rate', 'rate of a gauge', setExpr(`rate(tracseq_storage_used_slots${RATE})`)],
    [
      'histogram-usage',
      'buckets summed outside histogram_quantile',
      setExpr(`sum(rate(http_server_request_duration_seconds_bucket${RATE}))`),
    ],
    [
      'promql-syntax',
      'a query that does not parse',
      setExpr('sum(rate(http_server_request_duration_seconds_count['),
    ],
    [
      'promql-syntax',
      'a range on something else than a selector',
      setExpr(`rate(sum(http_server_request_duration_seconds_count))${RATE}`),
    ],
    [
      'promql-syntax',
      'an aggregation with a missing parameter',
      setExpr(`topk(sum(rate(http_server_request_duration_seconds_count${RATE})))`),
    ],
    [
      'rate-interval',
      'a fixed rate window under an offset',
      setExpr('sum(rate(http_server_request_duration_seconds_count[5m] offset 1h))'),
    ],
    [
      'counter-rate',
      'a counter rated through a subquery of its raw value',
      setExpr('sum(rate(http_server_request_duration_seconds_count[$__rate_interval:]))'),
    ],
    ['unknown-metric', 'a misspelt metric', setExpr(`sum(rate(tracseq_samples_recieved_total${RATE}))`)],
    ['unknown-metric', 'a histogram family name', setExpr('http_server_request_duration_seconds')],
    ['unknown-metric', 'an omitted prom-client gauge', setExpr('nodejs_active_handles_total')],
    [
      'unknown-label',
      'a label the metric does not have',
      setExpr(`sum(rate(tracseq_samples_received_total{zone="a"}${RATE}))`),
    ],
    [
      'variable-matcher',
      'an "All" variable matched with =',
      setExpr(`sum(rate(http_server_request_duration_seconds_count{service="$service"}${RATE}))`),
    ],
    [
      'constant-fallback',
      'an or vector(0) fallback',
      setExpr(`sum(rate(http_server_request_duration_seconds_count${RATE})) or vector(0)`),
    ],
    [
      'unique-panel-id',
      'two panels with one id',
      (d) => {
        (d.panels[2] as { id: unknown }).id = d.panels[1]?.id;
      },
    ],
    [
      'unique-panel-id',
      'a panel without id',
      (d) => {
        delete firstPanel(d).id;
      },
    ],
    [
      'unique-ref-id',
      'two queries with one refId',
      (d) => {
        const panel = firstPanel(d);
        panel.targets = [...(panel.targets ?? []), { ...(panel.targets?.[0] as { expr: string }) }];
      },
    ],
    ['stable-uid', 'no uid', (d) => delete d.uid],
    [
      'readonly',
      'an editable dashboard',
      (d) => {
        d.editable = true;
      },
    ],
    [
      'schema-version',
      'an old schemaVersion',
      (d) => {
        d.schemaVersion = 39;
      },
    ],
  ])('%s: catches %s', (rule, _what, mutate) => {
    const findings = lintDashboard(broken(mutate));
    expect(rules(findings)).toEqual([rule]);
  });

  it('catches problems in variable and annotation queries', () => {
    const findings = lintDashboard(
      broken((d) => {
        const service = d.templating.list.find((v) => v.name === 'service') as Record<string, unknown>;
        service.query = 'label_values(tracseq_no_such_metric, service)';
        service.datasource = { type: 'prometheus', uid: 'abc' };
        const annotation = d.annotations.list[0] as Record<string, unknown>;
        annotation.expr = 'ALERTS{service="$service"}';
      }),
    );
    expect(findings.map((f) => [f.rule, f.where])).toEqual([
      ['datasource-variable', 'variable service'],
      ['unknown-metric', 'variable service'],
      ['variable-matcher', 'annotation "Firing alerts"'],
    ]);
  });

  it('reports a syntax error with dashboard, panel, query and position, as written', () => {
    const expr = `sum(rate(http_server_request_duration_seconds_count{service=~"$service"}[$__rate_interval])`;
    const [finding, ...rest] = lintDashboard(broken(setExpr(expr)));
    expect(rest).toEqual([]);
    expect(finding).toMatchObject({
      rule: 'promql-syntax',
      panelId: 2,
      refId: 'A',
      position: { line: 1, column: expr.length + 1 },
    });
    expect(formatFinding('grafana/dashboards/service-health.json', finding as LintFinding)).toBe(
      `grafana/dashboards/service-health.json: panel 2 (Request rate): [promql-syntax] query A: syntax error at line 1, column ${expr.length + 1}: the query ends too early`,
    );
    const line2 = '  rate(http_server_request_duration_seconds_count{service=$service}[$__rate_interval])';
    const multiline = lintDashboard(broken(setExpr(`sum(\n${line2}\n)`)));
    expect(multiline.map((f) => f.message)).toEqual([
      `syntax error at line 2, column ${line2.indexOf('$service') + 1}: unexpected "$service"`,
    ]);
  });

  it('substitutes variables as Grafana would before parsing, and checks what the author wrote', () => {
    const withVariables = (expr: string) =>
      broken((d) => {
        d.templating.list.push(
          { name: 'window', type: 'interval', current: { value: '5m' }, query: '1m,5m,1h' },
          { name: 'quantile', type: 'custom', current: { value: '0.99' }, query: '0.5,0.95,0.99' },
        );
        setExpr(expr)(d);
      });
    const bucket = 'http_server_request_duration_seconds_bucket{service=~"$service"}';
    const braced = `histogram_quantile($quantile, sum by (le) (rate(${bucket}[\${__rate_interval}])))`;
    expect(lintDashboard(withVariables(braced))).toEqual([]);
    const oldSyntax = `histogram_quantile([[quantile]], sum by (le) (rate(${bucket}[[[__rate_interval]]])))`;
    expect(lintDashboard(withVariables(oldSyntax))).toEqual([]);
    const window = lintDashboard(withVariables(`sum(rate(${bucket.replace('_bucket', '_count')}[$window]))`));
    expect(window.map((f) => [f.rule, f.message])).toEqual([
      [
        'rate-interval',
        'rate() over [$window]: use [$__rate_interval] so the window always holds enough scrapes',
      ],
    ]);
  });

  it('places syntax errors of variable queries in the query as written', () => {
    const query = 'label_values(http_server_request_duration_seconds_count{service=~"a"b}, service)';
    const findings = lintDashboard(
      broken((d) => {
        const service = d.templating.list.find((v) => v.name === 'service') as Record<string, unknown>;
        service.query = query;
      }),
    );
    const column = query.indexOf('b}') + 1;
    expect(findings).toEqual([
      {
        rule: 'promql-syntax',
        message: `syntax error at line 1, column ${column}: unexpected "b"`,
        position: { line: 1, column },
        where: 'variable service',
      },
    ]);
  });

  it('does not take a gauge for a counter because of its name', () => {
    expect(lintDashboard(broken(setExpr('sum(nodejs_heap_size_total_bytes)')))).toEqual([]);
  });

  it('refuses what is not a dashboard', () => {
    expect(rules(lintDashboard([]))).toEqual(['dashboard-shape']);
    expect(rules(lintDashboard({ title: 'x' }))).toEqual(['dashboard-shape']);
  });

  it('locates findings by panel and refId and prints FILE: panel N (title): lines', () => {
    const [finding] = lintDashboard(broken(setExpr('sum(tracseq_samples_received_total)')));
    expect(finding).toMatchObject({
      rule: 'counter-rate',
      panelId: 2,
      panelTitle: 'Request rate',
      refId: 'A',
    });
    expect(formatFinding('x.json', finding as LintFinding)).toBe(
      'x.json: panel 2 (Request rate): [counter-rate] query A: tracseq_samples_received_total is a counter: read it through rate() or increase() over [$__rate_interval]',
    );
    const [dashboardLevel] = lintDashboard(broken((d) => delete d.uid));
    expect(formatFinding('x.json', dashboardLevel as LintFinding)).toMatch(
      /^x\.json: dashboard: \[stable-uid\] /,
    );
  });

  it('documents every rule it can report', () => {
    expect(Object.keys(LINT_RULES).length).toBeGreaterThanOrEqual(17);
  });
});
