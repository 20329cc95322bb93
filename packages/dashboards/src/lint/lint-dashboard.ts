import { defaultDashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { interpolateVariables, variablesIn } from '../promql/interpolate.js';
import type { QueryPosition } from '../promql/parse-query.js';
import { lintQuery, type QueryContext } from './lint-query.js';
import type { LintRule } from './lint-rules.js';

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
  /** Line and column in the query as written, for syntax errors. */
  readonly position?: QueryPosition;
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

const UID = /^[A-Za-z0-9_-]{1,40}$/;
// Panels that show no query data need no unit.
const NO_UNIT_PANELS = new Set(['row', 'text', 'dashlist', 'news', 'annolist', 'alertlist']);

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
  /** What Grafana substitutes by default, for single-value variables. */
  readonly value: string | undefined;
  readonly raw: Json;
}

/** A single-value variable's current value (a constant's value; some duration for an interval). */
function currentValue(v: Json, multi: boolean): string | undefined {
  if (multi) return undefined;
  const current = isObject(v.current) ? v.current.value : undefined;
  const value = Array.isArray(current) && current.length === 1 ? current[0] : current;
  // `$__all`, `$__auto_interval_...`: resolved by Grafana at query time.
  if (typeof value === 'string' && value !== '' && !value.startsWith('$__')) return value;
  if (v.type === 'constant' && typeof v.query === 'string') return v.query;
  if (v.type === 'interval') return '1m';
  return undefined;
}

function variables(dashboard: Json): Variable[] {
  const templating = isObject(dashboard.templating) ? dashboard.templating : {};
  return asArray(templating.list)
    .filter(isObject)
    .map((v) => {
      const query = isObject(v.query) ? v.query.query : v.query;
      const multi = v.multi === true || v.includeAll === true;
      return {
        name: String(v.name ?? ''),
        type: String(v.type ?? ''),
        multi,
        query: typeof query === 'string' ? query : '',
        datasource: v.datasource,
        value: currentValue(v, multi),
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
    variableValues: Object.fromEntries(
      vars.flatMap((v) => (v.value === undefined ? [] : [[v.name, v.value] as const])),
    ),
  };

  for (const v of vars.filter((x) => x.type === 'query')) {
    const where = `variable ${v.name}`;
    const problem = datasourceProblem(v.datasource, dsVars);
    if (problem) findings.push({ rule: 'datasource-variable', message: `query variable ${problem}`, where });
    const match =
      /^\s*label_values\(\s*(.+),\s*([A-Za-z_][A-Za-z0-9_]*)\s*\)\s*$/ds.exec(v.query) ??
      /^\s*query_result\((.*)\)\s*$/ds.exec(v.query);
    const span = match?.indices?.[1];
    if (span !== undefined) {
      // Blanked, not cut: positions of syntax errors stay those of the variable's query.
      const blanked = v.query.slice(0, span[0]).replace(/[^\n]/g, ' ') + v.query.slice(span[0], span[1]);
      for (const f of lintQuery(blanked, { ...context, mode: 'series' })) findings.push({ ...f, where });
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
