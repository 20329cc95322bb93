import {
  createSourceMap,
  formatSpecPath,
  inputTooLarge,
  renderYaml,
  type SourceMap,
  type SpecError,
  type SpecPath,
} from '@tracseq/contract';
import { LineCounter, parseAllDocuments } from 'yaml';
import { loadSpecs } from '../spec/load-specs.js';
import {
  type AlertingSpec,
  type AlertSeveritySpec,
  RECORDING_LABELS,
  RESERVED_LABELS,
  type SloSpec,
  type SloSpecFile,
  SPEC_VERSION,
} from '../spec/types.js';

/** Result of an import: the native spec text, or errors; warnings for what was dropped. */
export interface ImportOutcome {
  readonly text?: string;
  readonly spec?: SloSpecFile;
  readonly errors: readonly SpecError[];
  readonly warnings: readonly SpecError[];
}

type Json = Record<string, unknown>;

class ImportContext {
  readonly errors: SpecError[] = [];
  readonly warnings: SpecError[] = [];
  constructor(
    readonly file: string,
    readonly map: SourceMap,
  ) {}
  private entry(path: SpecPath, message: string, hint: string): SpecError {
    const { line, column } = this.map.locate(path);
    return { file: this.file, line, column, path: formatSpecPath(path), message, hint };
  }
  error(path: SpecPath, message: string, hint: string): void {
    this.errors.push(this.entry(path, message, hint));
  }
  warn(path: SpecPath, message: string, hint: string): void {
    this.warnings.push(this.entry(path, message, hint));
  }
}

const RESERVED = new Set<string>([...RESERVED_LABELS, ...RECORDING_LABELS]);

function obj(value: unknown): Json | undefined {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

function stringRecord(
  ctx: ImportContext,
  value: unknown,
  path: SpecPath,
): Record<string, string> | undefined {
  const record = obj(value);
  if (!record) return undefined;
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(record)) {
    if (RESERVED.has(key)) {
      ctx.warn(
        [...path, key],
        `label ${key}: ${String(v)} conflicts with a label tracseq-slo sets and was dropped`,
        'route on severity (critical/warning) instead',
      );
      continue;
    }
    out[key] = String(v);
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function compact<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

function slothSeverity(ctx: ImportContext, value: unknown, path: SpecPath): AlertSeveritySpec | undefined {
  const alert = obj(value);
  if (!alert) return undefined;
  return compact({
    enabled: alert.disable === true ? false : undefined,
    labels: stringRecord(ctx, alert.labels, [...path, 'labels']),
    annotations: stringRecord(ctx, alert.annotations, [...path, 'annotations']),
  });
}

function slothSlo(ctx: ImportContext, raw: Json, path: SpecPath, camel: boolean): SloSpec | undefined {
  const sli = obj(raw.sli) ?? {};
  const events = obj(sli.events);
  const rawSli = obj(sli.raw);
  let converted: SloSpec['sli'] | undefined;
  if (events) {
    converted = {
      events: {
        errorQuery: String(events[camel ? 'errorQuery' : 'error_query'] ?? ''),
        totalQuery: String(events[camel ? 'totalQuery' : 'total_query'] ?? ''),
      },
    };
  } else if (rawSli) {
    converted = {
      raw: { errorRatioQuery: String(rawSli[camel ? 'errorRatioQuery' : 'error_ratio_query'] ?? '') },
    };
  } else if (sli.plugin !== undefined) {
    ctx.error(
      [...path, 'sli', 'plugin'],
      'Sloth SLI plugins are not supported',
      'rewrite the SLI as events (error and total queries) or raw',
    );
    return undefined;
  } else {
    ctx.error([...path, 'sli'], 'the SLI has neither events nor raw', 'add sli.events or sli.raw');
    return undefined;
  }
  const alerting = obj(raw.alerting);
  let nativeAlerting: AlertingSpec | undefined;
  if (alerting) {
    if (alerting.name !== undefined) {
      ctx.warn(
        [...path, 'alerting', 'name'],
        `alert name ${String(alerting.name)} is replaced by SloErrorBudgetBurn`,
        'route on the slo and severity labels',
      );
    }
    nativeAlerting = compact({
      labels: stringRecord(ctx, alerting.labels, [...path, 'alerting', 'labels']),
      annotations: stringRecord(ctx, alerting.annotations, [...path, 'alerting', 'annotations']),
      page: slothSeverity(ctx, alerting[camel ? 'pageAlert' : 'page_alert'], [
        ...path,
        'alerting',
        camel ? 'pageAlert' : 'page_alert',
      ]),
      ticket: slothSeverity(ctx, alerting[camel ? 'ticketAlert' : 'ticket_alert'], [
        ...path,
        'alerting',
        camel ? 'ticketAlert' : 'ticket_alert',
      ]),
    });
  }
  return compact({
    name: String(raw.name ?? ''),
    description: raw.description === undefined ? undefined : String(raw.description),
    objective: Number(raw.objective),
    labels: stringRecord(ctx, raw.labels, [...path, 'labels']),
    sli: converted,
    alerting: nativeAlerting,
  }) as SloSpec;
}

function fromSloth(ctx: ImportContext, data: Json): SloSpecFile | undefined {
  const k8s = data.apiVersion === 'sloth.slok.dev/v1';
  if (k8s && data.kind !== 'PrometheusServiceLevel') {
    ctx.error(['kind'], `kind ${String(data.kind)} is not an SLO spec`, 'import a PrometheusServiceLevel');
    return undefined;
  }
  const body = k8s ? (obj(data.spec) ?? {}) : data;
  const base: SpecPath = k8s ? ['spec'] : [];
  const slos = Array.isArray(body.slos) ? body.slos : [];
  const converted = slos
    .map((slo, i) => slothSlo(ctx, obj(slo) ?? {}, [...base, 'slos', i], k8s))
    .filter((s): s is SloSpec => s !== undefined);
  return compact({
    version: SPEC_VERSION,
    service: String(body.service ?? ''),
    labels: stringRecord(ctx, body.labels, [...base, 'labels']),
    slos: converted,
  }) as SloSpecFile;
}

const DAY_UNITS: Readonly<Record<string, string>> = { Day: 'd', Hour: 'h', Minute: 'm', Week: 'w' };

function promqlQuery(ctx: ImportContext, value: unknown, path: SpecPath): string | undefined {
  const source = obj(value);
  if (!source) return undefined;
  const query = source.query ?? obj(source.metricSource)?.spec;
  const type = String(source.source ?? obj(source.metricSource)?.type ?? '');
  if (type.toLowerCase() !== 'prometheus') {
    ctx.error(
      path,
      `metric source "${type || 'missing'}" is not Prometheus`,
      'only Prometheus PromQL sources can become rules',
    );
    return undefined;
  }
  const text = typeof query === 'string' ? query : String(obj(query)?.query ?? '');
  if (text === '') ctx.error(path, 'the metric has no PromQL query', 'add query: with {{.window}}');
  return text;
}

function fromOpenSlo(ctx: ImportContext, data: Json): SloSpecFile | undefined {
  if (data.kind !== 'SLO') {
    ctx.error(['kind'], `kind ${String(data.kind)} is not supported`, 'import a single kind: SLO document');
    return undefined;
  }
  const spec = obj(data.spec) ?? {};
  const name = String(obj(data.metadata)?.name ?? '');
  if (spec.budgetingMethod !== 'Occurrences') {
    ctx.error(
      ['spec', 'budgetingMethod'],
      `budgeting method ${String(spec.budgetingMethod)} is not supported`,
      'use Occurrences (ratio of good or bad events to total)',
    );
  }
  const windowKey = spec.timeWindows !== undefined ? 'timeWindows' : 'timeWindow';
  const windows = Array.isArray(spec[windowKey]) ? (spec[windowKey] as unknown[]) : [];
  const window = obj(windows[0]);
  let period: string | undefined;
  if (windows.length !== 1 || !window) {
    ctx.error(
      ['spec', windowKey],
      'exactly one time window is required',
      'give one rolling window such as {count: 30, unit: Day}',
    );
  } else if (window.isRolling === false || obj(window.calendar)) {
    ctx.error(['spec', windowKey, 0], 'calendar-aligned windows are not supported', 'use a rolling window');
  } else {
    const duration =
      typeof window.duration === 'string'
        ? window.duration
        : `${String(window.count)}${DAY_UNITS[String(window.unit)] ?? '?'}`;
    if (/w$/.test(duration)) period = `${Number.parseInt(duration, 10) * 7}d`;
    else if (/^\d+[dhm]$/.test(duration)) period = duration;
    else
      ctx.error(
        ['spec', windowKey, 0],
        `window ${duration} is not supported`,
        'use a count and a unit of Day, Hour or Minute',
      );
  }
  const objectives = Array.isArray(spec.objectives) ? spec.objectives : [];
  const isV1 = data.apiVersion === 'openslo/v1';
  const slos: SloSpec[] = [];
  objectives.forEach((raw, i) => {
    const objective = obj(raw) ?? {};
    const path: SpecPath = ['spec', 'objectives', i];
    const indicator = obj(obj(spec.indicator)?.spec);
    const ratio = obj(objective.ratioMetrics) ?? obj(indicator?.ratioMetric);
    if (!ratio) {
      const threshold = indicator?.thresholdMetric !== undefined;
      ctx.error(
        threshold ? ['spec', 'indicator', 'spec', 'thresholdMetric'] : path,
        threshold ? 'threshold metrics are not supported' : 'only ratio metrics are supported',
        'express the SLI as a ratio metric with good or bad and total PromQL queries',
      );
      return;
    }
    const r = ratio as Json;
    const ratioPath: SpecPath = isV1
      ? ['spec', 'indicator', 'spec', 'ratioMetric']
      : [...path, 'ratioMetrics'];
    const total = promqlQuery(ctx, r.total, [...ratioPath, 'total']);
    const good = r.good === undefined ? undefined : promqlQuery(ctx, r.good, [...ratioPath, 'good']);
    const bad = r.bad === undefined ? undefined : promqlQuery(ctx, r.bad, [...ratioPath, 'bad']);
    const target = Number(objective.target ?? objective.targetPercent);
    if (total === undefined || (good === undefined && bad === undefined)) return;
    slos.push(
      compact({
        name: `${name}-${i}`,
        description: spec.description === undefined ? undefined : String(spec.description),
        objective: Number((objective.target !== undefined ? target * 100 : target).toPrecision(12)),
        period,
        sli: { events: { errorQuery: bad ?? `(${total}) - (${good})`, totalQuery: total } },
        // Sloth generates no alerts for OpenSLO objectives (OpenSLO alert policies are not read).
        alerting: { page: { enabled: false }, ticket: { enabled: false } },
      }) as SloSpec,
    );
  });
  return { version: SPEC_VERSION, service: String(spec.service ?? ''), slos };
}

/**
 * Converts a Sloth (`prometheus/v1`, `sloth.slok.dev/v1` PrometheusServiceLevel) or OpenSLO
 * (`openslo/v1alpha`, `openslo/v1` ratio metrics) document to a native spec, validated like any
 * spec. Unsupported constructs are errors naming the field; labels that collide with the
 * generator's (e.g. Sloth's `severity: pageteam`) are dropped with a warning.
 */
export function importSpec(
  format: 'sloth' | 'openslo',
  source: { path: string; text: string },
): ImportOutcome {
  const tooLarge = inputTooLarge(source.text);
  if (tooLarge !== undefined) {
    return {
      errors: [
        {
          file: source.path,
          line: 0,
          column: 0,
          path: '',
          message: `the file ${tooLarge}`,
          hint: 'split it into one file per service',
        },
      ],
      warnings: [],
    };
  }
  const lineCounter = new LineCounter();
  const docs = parseAllDocuments(source.text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const accepted =
    format === 'sloth' ? ['prometheus/v1', 'sloth.slok.dev/v1'] : ['openslo/v1alpha', 'openslo/v1'];
  const errors: SpecError[] = [];
  const warnings: SpecError[] = [];
  const specs: SloSpecFile[] = [];
  // Sloth reads every document of a file; each converts on its own, then one service's merge.
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    const ctx = new ImportContext(source.path, createSourceMap(doc, lineCounter));
    if (doc.errors.length > 0) {
      for (const e of doc.errors) {
        const { line, col } = lineCounter.linePos(e.pos[0]);
        errors.push({
          file: source.path,
          line,
          column: col,
          path: '',
          message: `YAML syntax error: ${e.message.split('\n')[0]?.replace(/ at line \d+, column \d+.*$/, '')}`,
          hint: e.code === 'DUPLICATE_KEY' ? 'keep one of the duplicate keys' : 'fix the YAML',
        });
      }
      continue;
    }
    let js: unknown;
    try {
      // yaml refuses documents whose aliases expand exponentially ("billion laughs").
      js = doc.toJS({ maxAliasCount: 100 });
    } catch (error) {
      ctx.error(
        [],
        `YAML document refused: ${(error as Error).message}`,
        'write the values out instead of nesting aliases',
      );
      errors.push(...ctx.errors);
      continue;
    }
    const data = obj(js) ?? {};
    if (Object.keys(data).length === 0) continue;
    const version = String(data.version ?? data.apiVersion ?? '');
    if (!accepted.includes(version)) {
      ctx.error(
        [data.version === undefined ? 'apiVersion' : 'version'],
        `"${version}" is not a ${format} format`,
        `use one of ${accepted.join(', ')}`,
      );
    } else {
      const converted = format === 'sloth' ? fromSloth(ctx, data) : fromOpenSlo(ctx, data);
      if (converted && ctx.errors.length === 0) specs.push(converted);
    }
    errors.push(...ctx.errors);
    warnings.push(...ctx.warnings);
  }
  if (errors.length > 0) return { errors, warnings };
  const services = [...new Set(specs.map((s) => s.service))];
  if (services.length !== 1) {
    const where = { file: source.path, line: 1, column: 1, path: '' };
    const message =
      services.length === 0
        ? 'the file holds no SLO document'
        : `the file holds multiple documents for ${services.length} services (${services.join(', ')}), but a native spec file holds one service`;
    return {
      errors: [{ ...where, message, hint: 'split the file into one file per service and import each' }],
      warnings,
    };
  }
  const spec: SloSpecFile = { ...(specs[0] as SloSpecFile), slos: specs.flatMap((s) => s.slos) };
  const text = renderYaml(spec);
  const check = loadSpecs([{ path: `${source.path} (imported)`, text }]);
  if (check.errors.length > 0) return { errors: check.errors, warnings };
  return { text, spec, errors: [], warnings };
}
