// The test that matters: every query of every generated dashboard returns data from a real
// Prometheus that scrapes instrumented services and evaluates the repository's SLO rules.
import { readdirSync, readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { loadSpecs } from '@tracseq/slo';
import {
  ALL_METRICS,
  BREAKER_OUTCOMES,
  BREAKER_STATES,
  createTestTelemetry,
  excludeFromSlis,
  METRICS,
  parseLabSettings,
  type TelemetryOptions,
  type TestTelemetry,
} from '@tracseq/telemetry';
import {
  type ElasticsearchDouble,
  type PrometheusHandle,
  startElasticsearchDouble,
  startPrometheus,
  waitFor,
} from '@tracseq/testkit';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboards } from './build/build-dashboards.js';
import type { JsonObject } from './build/canonical-json.js';
import { builtinIntervals, interpolateVariables } from './promql/interpolate.js';
import { PROM_CLIENT_DEFAULT_METRICS } from './promql/metric-catalog.js';
import { type ParsedQuery, parseQuery } from './promql/parse-query.js';
import { binaryOperator, childNamed, childNodes, operands, type SyntaxNode } from './promql/syntax-tree.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const LAB_SETTINGS = join(REPO, 'examples/lab-settings.yaml');
const RULES_DIR = join(REPO, 'prometheus/rules');
const SLOS_DIR = join(REPO, 'prometheus/slos');
const SCRAPE_SECONDS = 1;
// Grafana's $__rate_interval for a short range: four scrape intervals.
const VALUES = builtinIntervals(SCRAPE_SECONDS, 300);
// Instruments with a status route each: distinct route templates, as a router that registers one
// route per instrument would have. storage-service's series cap admits its regular label sets
// and the first of these; the others are refused (tracseq_telemetry_series_dropped_total).
const INSTRUMENTS = ['sequencer-1', 'sequencer-2', 'centrifuge-1', 'liquid-handler-1'];
/** storage-service's regular HTTP label sets (5: two routes, fail, slow, unmatched) plus one. */
const STORAGE_SERIES_LIMIT = 6;
/** Ticks after which every regular label set exists, so the cap refuses only instrument routes. */
const CAP_PROBES_FROM_TICK = 10;

interface Service {
  readonly name: string;
  readonly telemetry: TestTelemetry;
  readonly server: import('node:http').Server;
  readonly address: string;
}

async function startService(name: string, options: TelemetryOptions = {}): Promise<Service> {
  const telemetry = await createTestTelemetry({
    serviceName: name,
    labSettingsPath: LAB_SETTINGS,
    ...options,
  });
  const app = express();
  telemetry.instrumentExpress(app);
  const router = express.Router();
  router.get('/:id', (req, res) => {
    res.json({ id: req.params.id });
  });
  router.get('/:id/slow', async (_req, res) => {
    await sleep(120); // slower than the 100 ms latency target
    res.json({ slow: true });
  });
  router.post('/', (_req, res) => {
    res.status(201).json({ created: true });
  });
  app.use('/api/samples', router);
  app.get('/api/fail', (_req, res) => {
    res.status(500).json({ error: 'injected fault' });
  });
  // What a breaker forced open for a declared maintenance window does: the request leaves the
  // SLIs (tracseq_http_server_excluded_requests_total{reason="maintenance"}) and gets a 503.
  app.post('/api/sequencing-runs', (_req, res) => {
    excludeFromSlis('maintenance');
    res.set('Retry-After', '3600').status(503).json({ error: 'sequencer-1: scheduled maintenance' });
  });
  for (const instrument of INSTRUMENTS) {
    app.get(`/api/instruments/${instrument}/status`, (_req, res) => {
      res.json({ instrument, status: 'idle' });
    });
  }
  const server = await new Promise<import('node:http').Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  const { port } = server.address() as AddressInfo;
  return { name, telemetry, server, address: `127.0.0.1:${port}` };
}

/** One query the dashboards would send, and where it comes from. */
interface DashboardQuery {
  readonly dashboard: string;
  readonly where: string;
  readonly expr: string;
  /** Range queries are checked over a range too, as a time series panel asks. */
  readonly range: boolean;
}

function asObjects(value: unknown): JsonObject[] {
  return Array.isArray(value)
    ? (value.filter((v) => v !== null && typeof v === 'object') as JsonObject[])
    : [];
}

/** "All" of every query variable, as Grafana substitutes it (`allValue`, `.*` here). */
function variableValues(dashboard: JsonObject): Record<string, string> {
  const values: Record<string, string> = { ...VALUES };
  for (const v of asObjects((dashboard.templating as JsonObject | undefined)?.list)) {
    if (v.type === 'query') values[String(v.name)] = String(v.allValue ?? '.*');
  }
  return values;
}

function collectQueries(dashboards: Readonly<Record<string, JsonObject>>): DashboardQuery[] {
  const queries: DashboardQuery[] = [];
  for (const [file, dashboard] of Object.entries(dashboards)) {
    const values = variableValues(dashboard);
    const panels = asObjects(dashboard.panels).flatMap((p) => [p, ...asObjects(p.panels)]);
    for (const panel of panels) {
      for (const target of asObjects(panel.targets)) {
        queries.push({
          dashboard: file,
          where: `panel ${panel.id} (${panel.title}) refId ${target.refId}`,
          expr: interpolateVariables(String(target.expr), values),
          range: target.range === true,
        });
      }
    }
    for (const annotation of asObjects((dashboard.annotations as JsonObject | undefined)?.list)) {
      queries.push({
        dashboard: file,
        where: `annotation "${annotation.name}"`,
        expr: interpolateVariables(String(annotation.expr), values),
        range: true,
      });
    }
  }
  return queries;
}

/** A query's variable lookups: `label_values(selector, label)` of each query variable. */
function collectVariableLookups(
  dashboards: Readonly<Record<string, JsonObject>>,
): { where: string; selector: string; label: string }[] {
  const lookups: { where: string; selector: string; label: string }[] = [];
  for (const [file, dashboard] of Object.entries(dashboards)) {
    const values = variableValues(dashboard);
    for (const v of asObjects((dashboard.templating as JsonObject | undefined)?.list)) {
      if (v.type !== 'query') continue;
      const match = /^label_values\((.+), *([a-z_]+)\)$/.exec(String(v.query));
      if (!match) throw new Error(`${file}: variable ${v.name} is not a label_values() query`);
      lookups.push({
        where: `${file} variable ${v.name}`,
        selector: interpolateVariables(match[1] as string, values),
        label: match[2] as string,
      });
    }
  }
  return lookups;
}

function withoutParens(node: SyntaxNode): SyntaxNode {
  let current = node;
  while (current.name === 'ParenExpr') current = operands(current)[0] ?? current;
  return current;
}

/** `0 * x` or a constant: an `or` branch that fills gaps rather than showing real data. */
function isFallback(query: ParsedQuery, node: SyntaxNode): boolean {
  const inner = withoutParens(node);
  if (inner.name === 'NumberDurationLiteral') return true;
  const func = childNamed(inner, 'FunctionIdentifier');
  if (inner.name === 'FunctionCall' && func !== undefined && query.text(func) === 'vector') return true;
  const [lhs] = operands(inner);
  return (
    binaryOperator(inner) === 'Mul' &&
    lhs !== undefined &&
    withoutParens(lhs).name === 'NumberDurationLiteral'
  );
}

/** The outermost `A or <fallback>`, in source order. */
function firstFallback(query: ParsedQuery, node: SyntaxNode): SyntaxNode | undefined {
  const [, rhs] = operands(node);
  if (binaryOperator(node) === 'Or' && rhs !== undefined && isFallback(query, rhs)) return node;
  for (const child of childNodes(node)) {
    const found = firstFallback(query, child);
    if (found !== undefined) return found;
  }
  return undefined;
}

/**
 * The query with every gap-filling `or` branch removed (`A or 0 * B` → `A`), so a panel cannot
 * pass on the fallback alone: its primary series must exist.
 */
function withoutFallbacks(expr: string): string {
  let text = expr;
  for (;;) {
    const query = parseQuery(text);
    if (query.error !== undefined) throw new Error(query.error.message);
    const found = firstFallback(query, query.root);
    const lhs = found && operands(found)[0];
    if (found === undefined || lhs === undefined) return text;
    text = `${text.slice(0, found.from)}${query.text(lhs)}${text.slice(found.to)}`;
  }
}

async function seriesCount(prometheus: PrometheusHandle, expr: string, range: boolean): Promise<number> {
  const instant = await prometheus.query(expr);
  if (!range) return instant.length;
  const end = Date.now() / 1000;
  const params = new URLSearchParams({ query: expr, start: String(end - 10), end: String(end), step: '1' });
  const response = await fetch(`${prometheus.url}/api/v1/query_range?${params}`);
  const body = (await response.json()) as { status: string; error?: string; data?: { result: unknown[] } };
  if (body.status !== 'success') throw new Error(body.error ?? 'range query failed');
  return Math.min(instant.length, body.data?.result.length ?? 0);
}

describe('live: every dashboard query returns data from a real Prometheus', () => {
  const services: Service[] = [];
  let elasticsearch: ElasticsearchDouble | undefined;
  let prometheus: PrometheusHandle;
  let stopTraffic = false;
  let traffic: Promise<void> | undefined;
  let dashboards: Readonly<Record<string, JsonObject>>;

  beforeAll(async () => {
    // Request logs go to an Elasticsearch _bulk double too: tracseq_telemetry_log_records_total.
    elasticsearch = await startElasticsearchDouble();
    const sample = await startService('sample-service', { elasticsearchUrl: elasticsearch.url });
    const storage = await startService('storage-service', {
      elasticsearchUrl: elasticsearch.url,
      seriesLimit: STORAGE_SERIES_LIMIT,
    });
    services.push(sample, storage);
    const settings = parseLabSettings(readFileSync(LAB_SETTINGS, 'utf8'), LAB_SETTINGS);
    const specs = loadSpecs(
      readdirSync(SLOS_DIR)
        .filter((f) => f.endsWith('.yaml'))
        .sort()
        .map((f) => ({ path: join(SLOS_DIR, f), text: readFileSync(join(SLOS_DIR, f), 'utf8') })),
    );
    expect(specs.errors).toEqual([]);
    dashboards = buildDashboards({
      slos: specs.specs.map((s) => s.spec),
      storageZones: settings.storageZones,
    });

    // Breakers: one open (a sequencer failing), one closed; every outcome and a transition.
    const { metrics } = sample.telemetry;
    const breakers = { 'lab-a/sequencer-1/*': 'open', 'lab-a/lims/lookup': 'closed' } as const;
    for (const [breaker, current] of Object.entries(breakers)) {
      for (const state of BREAKER_STATES)
        metrics.circuitBreakerState.set({ breaker, state }, state === current ? 1 : 0);
    }
    metrics.circuitBreakerTransitions.inc({ breaker: 'lab-a/sequencer-1/*', from: 'closed', to: 'open' });
    metrics.circuitBreakerConcurrencyLimit.set({ breaker: 'lab-a/lims/lookup' }, 6);

    const workflowSteps = (fail: boolean) => [
      { name: 'validate', run: () => undefined },
      { name: 'reserve_storage', run: () => undefined, compensate: () => undefined },
      { name: 'update_inventory', run: () => undefined, compensate: () => undefined },
      {
        name: 'schedule_processing',
        run: () => {
          if (fail) throw new Error('scheduler unavailable');
        },
      },
    ];
    const types = ['blood', 'saliva', 'tissue', 'dna'];
    const zones = settings.storageZones;
    let tick = 0;
    const drive = async () => {
      while (!stopTraffic) {
        tick++;
        const requests: Promise<unknown>[] = [];
        for (const service of services) {
          const base = `http://${service.address}`;
          requests.push(fetch(`${base}/api/samples/${tick}`), fetch(`${base}/api/samples/${tick + 1}`));
          requests.push(fetch(`${base}/api/samples`, { method: 'POST' }));
          if (tick % 5 === 0) {
            requests.push(fetch(`${base}/api/fail`), fetch(`${base}/api/samples/${tick}/slow`));
            requests.push(fetch(`${base}/nowhere`));
          }
          if (tick % 3 === 0) requests.push(fetch(`${base}/api/sequencing-runs`, { method: 'POST' }));
        }
        if (tick >= CAP_PROBES_FROM_TICK) {
          for (const instrument of INSTRUMENTS) {
            requests.push(fetch(`http://${storage.address}/api/instruments/${instrument}/status`));
          }
        }
        const lab = sample.telemetry.lab;
        const type = types[tick % types.length] as string;
        lab.sampleReceived({ sampleType: type });
        lab.sampleProcessed({
          sampleType: type,
          outcome: tick % 7 === 0 ? 'failed' : tick % 11 === 0 ? 'rejected' : 'success',
        });
        lab.processingDuration({ sampleType: type, stage: 'validation' }, 20 + (tick % 40));
        lab.processingDuration({ sampleType: type, stage: 'sequencing' }, 3_000 + tick * 10);
        lab.processingDuration({ sampleType: type, stage: 'total' }, tick % 9 === 0 ? 20_000 : 7_000);
        if (tick % 4 === 0) lab.sampleError({ reason: 'barcode_unreadable' });
        if (tick % 6 === 0) lab.manualOperation({ operation: 'relabel' });
        await sample.telemetry
          .workflow('sample_submission', workflowSteps(tick % 8 === 0), {})
          .catch(() => undefined);
        zones.forEach((zone, i) => {
          storage.telemetry.lab.setStorageUsed(zone.name, Math.min(zone.capacity, 100 * (i + 1) + tick));
          storage.telemetry.lab.setStorageTemperature(zone.name, zone.temperature + Math.sin(tick / 5));
        });
        for (const outcome of BREAKER_OUTCOMES) {
          const breaker = outcome === 'success' ? 'lab-a/lims/lookup' : 'lab-a/sequencer-1/*';
          metrics.circuitBreakerCalls.inc({ breaker, outcome });
          metrics.circuitBreakerCallDuration.observe({ breaker, outcome }, 0.02 + (tick % 10) / 100);
        }
        // Garbage, so the GC histogram has observations in this process.
        Array.from({ length: 20_000 }, (_, i) => ({ i, s: `x${i}` })).length;
        await Promise.all(
          requests.map((r) => r.then((res) => (res as Response).arrayBuffer()).catch(() => undefined)),
        );
        await sleep(100);
      }
    };
    traffic = drive();

    const ruleFiles = readdirSync(RULES_DIR)
      .filter((f) => f.endsWith('.rules.yml'))
      .sort()
      .map((f) => join(RULES_DIR, f));
    expect(ruleFiles.length).toBeGreaterThan(0);
    prometheus = await startPrometheus({
      ruleFiles,
      scrapeTargets: [{ job: 'tracseq', targets: services.map((s) => s.address) }],
      scrapeInterval: `${SCRAPE_SECONDS}s`,
      evaluationInterval: `${SCRAPE_SECONDS}s`,
    });
    await prometheus.waitForTargetsUp();
  }, 90_000);

  afterAll(async () => {
    stopTraffic = true;
    await traffic;
    await prometheus?.stop();
    for (const service of services) {
      service.server.close();
      await service.telemetry.shutdown();
    }
    await elasticsearch?.close();
  }, 30_000);

  it('every panel target and annotation of every dashboard returns at least one series, without fallbacks', async () => {
    const queries = collectQueries(dashboards);
    expect(new Set(queries.map((q) => q.dashboard)).size).toBe(6);
    const failures = new Map<string, string>();
    const deadline = Date.now() + 60_000;
    let pending = queries;
    // Rates need two scrapes in the window and alerts an evaluation after the recordings:
    // poll until every query has data or the deadline passes.
    while (pending.length > 0 && Date.now() < deadline) {
      const next: DashboardQuery[] = [];
      for (const query of pending) {
        const key = `${query.dashboard}: ${query.where}`;
        try {
          const stripped = withoutFallbacks(query.expr);
          const count = await seriesCount(prometheus, query.expr, query.range);
          const primary =
            stripped === query.expr ? count : await seriesCount(prometheus, stripped, query.range);
          if (count > 0 && primary > 0) {
            failures.delete(key);
            continue;
          }
          failures.set(key, `no series${count > 0 ? ' without its fallback' : ''}: ${stripped}`);
        } catch (error) {
          failures.set(key, `${(error as Error).message}: ${query.expr}`);
        }
        next.push(query);
      }
      pending = next;
      if (pending.length > 0) await sleep(1_000);
    }
    expect([...failures].map(([where, why]) => `${where}: ${why}`)).toEqual([]);
    // Recorded in the report: how many queries the proof covers.
    console.info(`live proof: ${queries.length} queries across ${Object.keys(dashboards).length} dashboards`);
    expect(queries.length).toBeGreaterThan(80);
  }, 90_000);

  it('the telemetry pipeline and SLI-exclusion series come from real paths, not set by hand', async () => {
    const [sample, storage] = services as [Service, Service];
    const positive = (service: Service, metric: string, labels: Record<string, string>) =>
      waitFor(async () => ((await service.telemetry.metricValue(metric, labels)) ?? 0) > 0, {
        description: `${service.name}: ${metric} ${JSON.stringify(labels)} above 0`,
      });
    // Request logs reached the _bulk double and each service counted them as shipped.
    await elasticsearch?.waitForDocuments(1, 30_000);
    const shipped = { destination: 'elasticsearch', outcome: 'shipped' };
    for (const service of services) await positive(service, METRICS.logRecords.name, shipped);
    // The maintenance route's 503s were counted as excluded and never observed in the SLI histogram.
    const maintenance = { reason: 'maintenance', http_response_status_code: '503' };
    await positive(sample, METRICS.httpServerExcludedRequests.name, maintenance);
    const route = { http_route: '/api/sequencing-runs' };
    expect(await sample.telemetry.metricValue(`${METRICS.httpServerRequestDuration.name}_count`, route)).toBe(
      undefined,
    );
    // Only storage-service has a small cap: its instrument routes past the cap were refused.
    const capped = { metric: METRICS.httpServerRequestDuration.name };
    await positive(storage, METRICS.seriesDropped.name, capped);
    expect(await sample.telemetry.metricValue(METRICS.seriesDropped.name, capped)).toBeUndefined();
    // Exported at 0 from the start (no labels), so its rate is a real series without any drop.
    expect(await sample.telemetry.metricValue(METRICS.spansDropped.name)).toBe(0);
  }, 60_000);

  it('every template variable lists at least one value', async () => {
    const lookups = collectVariableLookups(dashboards);
    expect(lookups.length).toBeGreaterThanOrEqual(11);
    const empty: string[] = [];
    for (const lookup of lookups) {
      const params = new URLSearchParams({ 'match[]': lookup.selector });
      const response = await fetch(`${prometheus.url}/api/v1/label/${lookup.label}/values?${params}`);
      const body = (await response.json()) as { data?: string[] };
      if ((body.data ?? []).length === 0) empty.push(`${lookup.where}: ${lookup.selector} / ${lookup.label}`);
    }
    expect(empty).toEqual([]);
  });

  it("the prom-client default metrics table matches the TYPE lines of a service's /metrics", async () => {
    // A fresh telemetry that Prometheus never scraped: after an OpenMetrics scrape, prom-client
    // renders counters without _total in the text format too (reported to @tracseq/telemetry).
    const fresh = await createTestTelemetry({ serviceName: 'type-check', labSettingsPath: LAB_SETTINGS });
    const text = await fresh.registry.registry.metrics();
    await fresh.shutdown();
    const contract = new Set(ALL_METRICS.map((m) => m.name));
    const exposed = [...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)]
      .map(([, name, type]) => ({ name: name as string, type: type as string }))
      .filter((m) => !contract.has(m.name))
      .sort((a, b) => a.name.localeCompare(b.name));
    const table = PROM_CLIENT_DEFAULT_METRICS.map((m) => ({ name: m.name, type: m.type })).sort((a, b) =>
      a.name.localeCompare(b.name),
    );
    expect(exposed).toEqual(table);
  });
});
