import { defaultDashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { checkPromql } from '@tracseq/slo';
import { builtinIntervals, interpolateVariables, variablesIn } from '../promql/interpolate.js';
import { seriesInfo } from '../promql/metric-catalog.js';
import {
  type CallNode,
  type ExprNode,
  PromqlParseError,
  parsePromql,
  type SelectorNode,
  walkPromql,
} from '../promql/parse-promql.js';

/** The rules {@link lintDashboard} applies; each finding names one. */
export const LINT_RULES = {
  'dashboard-shape': 'the file is a Grafana dashboard JSON model (an object with panels)',
  'datasource-variable':
    'a `datasource` variable of type prometheus exists and every panel, query, annotation and variable uses it (no hard-coded uids)',
  'panel-unit': 'every panel sets a unit (fieldConfig.defaults.unit)',
  'panel-description': 'every panel has a description',
  'rate-interval': 'rate/irate/increase use [$__rate_interval]',
  'counter-rate':
    'counters (and histogram _bucket/_count/_sum series) are read only through rate/irate/increase',
  'gauge-rate': 'rate/irate/increase are not applied to gauges',
  'histogram-usage': 'histogram buckets are read only through histogram_quantile or a bucket ratio',
  'promql-syntax': 'every query parses as PromQL',
  'unknown-metric':
    'series are contract metrics, prom-client defaults, SLO recording rules or Prometheus series (ALERTS, up)',
  'unknown-label': 'label matchers on contract metrics use the contract labels (plus instance, job)',
  'variable-matcher': 'multi-value / "All" variables are matched with =~ or !~',
  'constant-fallback': 'no `or vector(0)`-style constant fallbacks that invent data',
  'unique-panel-id': 'panel ids are present and unique',
  'unique-ref-id': 'query refIds are present and unique within a panel',
  'stable-uid': 'the dashboard has a uid (1-40 characters of A-Z a-z 0-9 - _)',
  readonly: 'the dashboard is readonly (editable: false)',
  'schema-version': 'schemaVersion is the one the pinned Grafana Foundation SDK emits',
} as const;

/** Identifier of a lint rule. */
export type LintRule = keyof typeof LINT_RULES;

/** One problem, with where it is. */
export interface LintFinding {
  readonly rule: LintRule;
  readonly message: string;
  /** Panel id, when the finding is about a panel or its queries. */
  readonly panelId?: number;
  readonly panelTitle?: string;
  /** Query refId, when the finding is about one query. */
  readonly refId?: string;
  /** Where outside panels: `dashboard`, `variable <name>`, `annotation "<name>"`. */
  readonly where?: string;
}

/** Options of {@link lintDashboard}. */
export interface LintOptions {
  /** Expected `schemaVersion`; defaults to the pinned SDK's. */
  readonly schemaVersion?: number;
  /** Labels besides the contract's that selectors may use (e.g. `namespace` from relabelling). */
  readonly extraLabels?: readonly string[];
}

/** `schemaVersion` the pinned Grafana Foundation SDK writes. */
export const SDK_SCHEMA_VERSION: number = defaultDashboard().schemaVersion;

const RATE_FUNCTIONS = new Set(['rate', 'irate', 'increase']);
// biome-ignore lint/suspicious/noTemplateCurlyInString: Grafana's variable syntax, not a JS template
const RATE_INTERVALS = new Set(['$__rate_interval', '${__rate_interval}']);
const UID = /^[A-Za-z0-9_-]{1,40}$/;
// Panels that show no query data need no unit.
const NO_UNIT_PANELS = new Set(['row', 'text', 'dashlist', 'news', 'annolist', 'alertlist']);
// Values for a syntax check only: any duration or word parses where Grafana would put one.
const SYNTAX_VALUES: Readonly<Record<string, string>> = builtinIntervals(15, 3600);

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function asArray(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

interface Variable {
  readonly name: string;
  readonly type: string;
  readonly multi: boolean;
  readonly query: string;
  readonly datasource: unknown;
  readonly raw: Json;
}

function variables(dashboard: Json): Variable[] {
  const templating = isObject(dashboard.templating) ? dashboard.templating : {};
  return asArray(templating.list)
    .filter(isObject)
    .map((v) => {
      const query = isObject(v.query) ? v.query.query : v.query;
      return {
        name: String(v.name ?? ''),
        type: String(v.type ?? ''),
        multi: v.multi === true || v.includeAll === true,
        query: typeof query === 'string' ? query : '',
        datasource: v.datasource,
        raw: v,
      };
    });
}

/** Every panel, rows' nested panels included (collapsed rows keep theirs inside). */
function allPanels(dashboard: Json): Json[] {
  const out: Json[] = [];
  for (const panel of asArray(dashboard.panels).filter(isObject)) {
    out.push(panel);
    for (const nested of asArray(panel.panels).filter(isObject)) out.push(nested);
  }
  return out;
}

function datasourceVariableNames(vars: readonly Variable[]): Set<string> {
  return new Set(vars.filter((v) => v.type === 'datasource').map((v) => v.name));
}

/** Why a datasource reference is not the datasource variable, or undefined when it is. */
function datasourceProblem(ref: unknown, dsVars: ReadonlySet<string>): string | undefined {
  const uid = isObject(ref) ? ref.uid : ref;
  if (uid === undefined || uid === null) return 'has no datasource';
  if (typeof uid !== 'string') return 'has a datasource that is not a uid';
  const names = variablesIn(uid);
  if (
    names.length === 1 &&
    dsVars.has(names[0] as string) &&
    interpolateVariables(uid, { [names[0] as string]: '' }) === ''
  ) {
    return undefined;
  }
  return `uses datasource "${uid}" instead of the datasource variable (\${${[...dsVars][0] ?? 'datasource'}})`;
}

/** What {@link lintQuery} needs to know about the dashboard a query belongs to. */
export interface QueryContext {
  /** Variables with multi-value or "All": they expand to regexes and need `=~`. */
  readonly multiVariables: ReadonlySet<string>;
  /** Labels allowed on contract metrics besides the contract's own. */
  readonly extraLabels: ReadonlySet<string>;
  /**
   * `series` for variable queries (`label_values(x, l)` looks series up, it reads no values):
   * only names, labels and matchers are checked there, not how counters are read.
   */
  readonly mode?: 'values' | 'series';
}

function isRateCall(node: ExprNode | undefined): node is CallNode {
  return node?.kind === 'call' && RATE_FUNCTIONS.has(node.func);
}

/** The expression under parentheses and unary signs. */
function unwrap(node: ExprNode): ExprNode {
  let current = node;
  while (current.kind === 'paren' || current.kind === 'unary') current = current.expr;
  return current;
}

function isConstant(node: ExprNode): boolean {
  const inner = unwrap(node);
  if (inner.kind === 'number') return true;
  if (inner.kind === 'call' && inner.func === 'vector') return inner.args.every((a) => isConstant(a));
  if (inner.kind === 'binary') return isConstant(inner.lhs) && isConstant(inner.rhs);
  return false;
}

function describeKind(kind: string): string {
  switch (kind) {
    case 'histogram-bucket':
      return "a histogram's _bucket series (a counter)";
    case 'histogram-count':
      return "a histogram's _count series (a counter)";
    case 'histogram-sum':
      return "a histogram's _sum series (a counter)";
    default:
      return `a ${kind}`;
  }
}

/**
 * Findings of one PromQL query (rule and message; the caller adds the location). Grafana
 * variables may appear as Grafana writes them.
 */
export function lintQuery(expr: string, context: QueryContext): { rule: LintRule; message: string }[] {
  const findings: { rule: LintRule; message: string }[] = [];
  const syntaxValues: Record<string, string> = { ...SYNTAX_VALUES };
  for (const name of variablesIn(expr)) if (!(name in syntaxValues)) syntaxValues[name] = 'x';
  const syntax = checkPromql(interpolateVariables(expr, syntaxValues));
  if (syntax !== undefined) return [{ rule: 'promql-syntax', message: syntax }];
  let tree: ExprNode;
  try {
    tree = parsePromql(expr);
  } catch (error) {
    const message = error instanceof PromqlParseError ? error.message : String(error);
    return [{ rule: 'promql-syntax', message: `cannot analyse the query: ${message}` }];
  }
  walkPromql(tree, (node, ancestors) => {
    const parent = ancestors[ancestors.length - 1];
    if (node.kind === 'call' && RATE_FUNCTIONS.has(node.func)) {
      const arg = node.args[0];
      const range = arg?.kind === 'selector' ? arg.range : arg?.kind === 'subquery' ? arg.range : undefined;
      if (range === undefined || !RATE_INTERVALS.has(range)) {
        findings.push({
          rule: 'rate-interval',
          message: `${node.func}() over [${range ?? '?'}]: use [$__rate_interval] so the window always holds enough scrapes`,
        });
      }
    }
    if (node.kind === 'binary' && node.op === 'or' && isConstant(node.rhs)) {
      findings.push({
        rule: 'constant-fallback',
        message: `"or ${expr.slice(node.rhs.from, node.rhs.to)}" invents a value when the series is missing; a missing series is not 0`,
      });
    }
    if (node.kind !== 'selector') return;
    if (context.mode === 'series') {
      lintSeriesSelector(node, context, findings);
      return;
    }
    lintSelector(node, parent, ancestors, context, findings);
  });
  return findings;
}

/** Names, labels and variable matchers of a selector; returns what the catalogue knows of it. */
function lintSeriesSelector(
  node: SelectorNode,
  context: QueryContext,
  findings: { rule: LintRule; message: string }[],
): ReturnType<typeof seriesInfo> {
  for (const m of node.matchers) {
    if (m.op !== '=' && m.op !== '!=') continue;
    const multi = variablesIn(m.value).filter((v) => context.multiVariables.has(v));
    if (multi.length > 0) {
      findings.push({
        rule: 'variable-matcher',
        message: `${m.name}${m.op}"${m.value}": $${multi[0]} is multi-value/"All" and expands to a regex; use ${m.op === '=' ? '=~' : '!~'}`,
      });
    }
  }
  if (node.name === undefined) {
    findings.push({
      rule: 'unknown-metric',
      message: 'a selector without a literal metric name cannot be checked',
    });
    return undefined;
  }
  const info = seriesInfo(node.name);
  if (info === undefined) {
    findings.push({
      rule: 'unknown-metric',
      message: `${node.name} is not a contract metric, prom-client default, SLO recording rule or Prometheus series`,
    });
    return undefined;
  }
  if (info.kind === 'histogram-family') {
    findings.push({
      rule: 'unknown-metric',
      message: `${node.name} is a histogram family, not a series: read ${node.name}_bucket, _count or _sum`,
    });
    return undefined;
  }
  if (info.source === 'contract' && info.labels) {
    const known = new Set([...info.labels, '__name__', ...context.extraLabels]);
    for (const m of node.matchers) {
      if (!known.has(m.name)) {
        findings.push({
          rule: 'unknown-label',
          message: `${node.name} has no label ${m.name} (labels: ${info.labels.join(', ')})`,
        });
      }
    }
  }
  return info;
}

function lintSelector(
  node: SelectorNode,
  parent: ExprNode | undefined,
  ancestors: readonly ExprNode[],
  context: QueryContext,
  findings: { rule: LintRule; message: string }[],
): void {
  const info = lintSeriesSelector(node, context, findings);
  if (info === undefined) return;
  const isCounter = info.kind !== 'gauge';
  const inRate = isRateCall(parent) && node.range !== undefined;
  if (isCounter && !inRate) {
    findings.push({
      rule: 'counter-rate',
      message: `${node.name} is ${describeKind(info.kind)}: read it through rate() or increase() over [$__rate_interval]`,
    });
  }
  if (!isCounter && isRateCall(parent)) {
    findings.push({
      rule: 'gauge-rate',
      message: `${node.name} is a gauge: ${parent.func}() of a gauge is meaningless; use the value or deriv()`,
    });
  }
  if (info.kind === 'histogram-bucket') {
    const quantile = ancestors.some((a) => a.kind === 'call' && a.func === 'histogram_quantile');
    const ratio = ancestors.some((a) => a.kind === 'binary' && a.op === '/');
    if (!quantile && !ratio) {
      findings.push({
        rule: 'histogram-usage',
        message: `${node.name} is read outside histogram_quantile() and outside a bucket ratio: a bucket count alone means nothing`,
      });
    }
  }
}

function label(title: unknown): string {
  return typeof title === 'string' && title !== '' ? title : '(untitled)';
}

/**
 * Lints one dashboard JSON model (any dashboard, not only generated ones) and returns every
 * finding with its rule and location; an empty list means the dashboard is clean.
 */
export function lintDashboard(json: unknown, options: LintOptions = {}): LintFinding[] {
  if (!isObject(json) || !Array.isArray(json.panels)) {
    return [
      {
        rule: 'dashboard-shape',
        message: 'not a Grafana dashboard JSON model (no panels array)',
        where: 'dashboard',
      },
    ];
  }
  const findings: LintFinding[] = [];
  const atDashboard = (rule: LintRule, message: string) =>
    findings.push({ rule, message, where: 'dashboard' });
  const expectedSchema = options.schemaVersion ?? SDK_SCHEMA_VERSION;
  if (typeof json.uid !== 'string' || !UID.test(json.uid)) {
    atDashboard(
      'stable-uid',
      `uid ${JSON.stringify(json.uid)} is missing or invalid: set a fixed uid so links and alerts keep working`,
    );
  }
  if (json.editable !== false)
    atDashboard('readonly', 'editable is not false: UI edits would be lost at the next provisioning');
  if (json.schemaVersion !== expectedSchema) {
    atDashboard('schema-version', `schemaVersion ${String(json.schemaVersion)} is not ${expectedSchema}`);
  }
  const vars = variables(json);
  const dsVars = datasourceVariableNames(vars);
  const promDs = vars.filter((v) => v.type === 'datasource' && String(v.raw.query) === 'prometheus');
  if (promDs.length === 0) atDashboard('datasource-variable', 'no datasource variable of type prometheus');
  const context: QueryContext = {
    multiVariables: new Set(vars.filter((v) => v.multi).map((v) => v.name)),
    extraLabels: new Set(['instance', 'job', ...(options.extraLabels ?? [])]),
  };

  for (const v of vars.filter((x) => x.type === 'query')) {
    const where = `variable ${v.name}`;
    const problem = datasourceProblem(v.datasource, dsVars);
    if (problem) findings.push({ rule: 'datasource-variable', message: `query variable ${problem}`, where });
    const labelValues = /^\s*label_values\(\s*(.+),\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*$/s.exec(v.query);
    const inner = labelValues ? labelValues[1] : /^\s*query_result\((.*)\)\s*$/s.exec(v.query)?.[1];
    if (inner !== undefined) {
      for (const f of lintQuery(inner as string, { ...context, mode: 'series' }))
        findings.push({ ...f, where });
    }
  }

  const annotations = isObject(json.annotations) ? asArray(json.annotations.list).filter(isObject) : [];
  for (const annotation of annotations) {
    if (annotation.builtIn === 1) continue;
    const where = `annotation "${label(annotation.name)}"`;
    const problem = datasourceProblem(annotation.datasource, dsVars);
    if (problem) findings.push({ rule: 'datasource-variable', message: `annotation ${problem}`, where });
    const target = isObject(annotation.target) ? annotation.target : {};
    const expr = typeof annotation.expr === 'string' ? annotation.expr : target.expr;
    if (typeof expr === 'string' && expr.trim() !== '') {
      for (const f of lintQuery(expr, context)) findings.push({ ...f, where });
    }
  }

  const ids = new Map<number, number>();
  for (const panel of allPanels(json)) {
    const id = typeof panel.id === 'number' ? panel.id : undefined;
    const at = { panelTitle: label(panel.title), ...(id !== undefined ? { panelId: id } : {}) };
    if (id === undefined)
      findings.push({ rule: 'unique-panel-id', message: 'panel has no numeric id', ...at });
    else ids.set(id, (ids.get(id) ?? 0) + 1);
    const type = String(panel.type ?? '');
    if (type === 'row') continue;
    if (typeof panel.description !== 'string' || panel.description.trim() === '') {
      findings.push({ rule: 'panel-description', message: 'panel has no description', ...at });
    }
    const fieldConfig = isObject(panel.fieldConfig) ? panel.fieldConfig : {};
    const defaults = isObject(fieldConfig.defaults) ? fieldConfig.defaults : {};
    if (!NO_UNIT_PANELS.has(type) && (typeof defaults.unit !== 'string' || defaults.unit === '')) {
      findings.push({ rule: 'panel-unit', message: 'panel has no unit (fieldConfig.defaults.unit)', ...at });
    }
    const refIds = new Map<string, number>();
    for (const target of asArray(panel.targets).filter(isObject)) {
      const refId = typeof target.refId === 'string' && target.refId !== '' ? target.refId : undefined;
      if (refId === undefined) findings.push({ rule: 'unique-ref-id', message: 'query has no refId', ...at });
      else refIds.set(refId, (refIds.get(refId) ?? 0) + 1);
      const where = { ...at, ...(refId !== undefined ? { refId } : {}) };
      const problem = datasourceProblem(target.datasource ?? panel.datasource, dsVars);
      if (problem) findings.push({ rule: 'datasource-variable', message: `query ${problem}`, ...where });
      if (typeof target.expr !== 'string') continue;
      for (const f of lintQuery(target.expr, context)) findings.push({ ...f, ...where });
    }
    for (const [refId, count] of refIds) {
      if (count > 1)
        findings.push({
          rule: 'unique-ref-id',
          message: `refId ${refId} is used by ${count} queries`,
          ...at,
        });
    }
    if (asArray(panel.targets).length === 0 && !NO_UNIT_PANELS.has(type)) {
      const problem = datasourceProblem(panel.datasource, dsVars);
      if (problem) findings.push({ rule: 'datasource-variable', message: `panel ${problem}`, ...at });
    }
  }
  for (const [id, count] of ids) {
    if (count > 1) atDashboard('unique-panel-id', `panel id ${id} is used by ${count} panels`);
  }
  return findings;
}

/** One finding as the CLI prints it: `FILE: panel 3 (Error ratio): [counter-rate] query B: ...`. */
export function formatFinding(file: string, finding: LintFinding): string {
  const where =
    finding.panelId !== undefined || finding.panelTitle !== undefined
      ? `panel ${finding.panelId ?? '?'} (${finding.panelTitle ?? ''})`
      : (finding.where ?? 'dashboard');
  const query = finding.refId !== undefined ? `query ${finding.refId}: ` : '';
  return `${file}: ${where}: [${finding.rule}] ${query}${finding.message}`;
}
