import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { makeTempDir } from '@tracseq/testkit';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  A,
  AT,
  B,
  cli,
  DAY,
  EXPECTED_A,
  EXPECTED_B,
  type ReportHistory,
  startReportHistory,
} from '../test-report-history.js';

// The HTML report rendered by a real headless Chromium (Debian's, installed by
// scripts/bootstrap.sh; playwright-core downloads no browser). The data comes from the same
// backfilled Prometheus as the other report tests; expectations are computed from that history.

const CHROMIUM = process.env.TRACSEQ_CHROMIUM ?? '/usr/bin/chromium';
/** Screenshots kept for people to look at (git-ignored). */
const ARTEFACTS = join(dirname(fileURLToPath(import.meta.url)), '../../../test-artefacts');

const BUCKET = 6 * 3600; // a 30-day period is drawn in 6h buckets

interface Rendered {
  readonly page: Page;
  readonly consoleProblems: string[];
  readonly requests: string[];
}

describe('tracseq-slo report --format html in headless Chromium', () => {
  const tmp = makeTempDir('slo-report-html');
  let history: ReportHistory | undefined;
  let browser: Browser | undefined;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(
        `${CHROMIUM} is missing: run scripts/bootstrap.sh as root, or apt-get install chromium`,
      );
    history = await startReportHistory('slo-report-html-history');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await history?.stop();
    tmp.remove();
  });

  async function render(file: string): Promise<Rendered> {
    if (!browser) throw new Error('no browser');
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      deviceScaleFactor: 1,
    });
    const page = await context.newPage();
    const consoleProblems: string[] = [];
    const requests: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' || message.type() === 'warning') consoleProblems.push(message.text());
    });
    page.on('pageerror', (error) => consoleProblems.push(error.message));
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(`file://${file}`, { waitUntil: 'load' });
    return { page, consoleProblems, requests };
  }

  const polylinePoints = (page: Page, slo: string, chart: string) =>
    page.$$eval(
      `section[data-slo="sample-service/${slo}"] svg[data-chart="${chart}"] polyline.series`,
      (lines) => lines.map((l) => (l.getAttribute('points') ?? '').trim().split(/\s+/).length),
    );
  const count = (page: Page, slo: string, selector: string) =>
    page.$$eval(`section[data-slo="sample-service/${slo}"] ${selector}`, (nodes) => nodes.length);

  it('renders every chart with its data, no console errors and no request but the page', async () => {
    const file = join(tmp.path, 'report.html');
    const run = await cli([
      'report',
      history?.specDir ?? '',
      '--prometheus',
      history?.prometheus.url ?? '',
      '--at',
      new Date(AT * 1000).toISOString(),
      '--format',
      'html',
      '--output',
      file,
    ]);
    expect(run.stderr).toBe(`tracseq-slo: wrote ${file}\n`);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe('');
    const html = readFileSync(file, 'utf8');
    expect(html).not.toMatch(/(?:src|href)=["']?(?:https?:)?\/\//i);

    const { page, consoleProblems, requests } = await render(file);
    expect(consoleProblems).toEqual([]);
    expect(requests).toEqual([`file://${file}`]);

    const buckets = (30 * DAY) / BUCKET;
    for (const slo of [A, B]) {
      // Burn-down: the period start (100 %) and one point per bucket; SLI: one point per bucket.
      expect(await polylinePoints(page, slo, 'burn-down')).toEqual([buckets + 1]);
      expect(await polylinePoints(page, slo, 'sli')).toEqual([buckets]);
      expect(await count(page, slo, 'svg[data-chart="sli"] line.objective')).toBe(1);
      expect(await count(page, slo, 'svg[data-chart="recovery"] line.target')).toBe(1);
    }
    // Page incidents from the history: A has three (two over the 5m target), B one.
    expect(await count(page, A, 'svg[data-chart="incidents"] rect.incident')).toBe(3);
    expect(await count(page, A, 'svg[data-chart="incidents"] rect.over-target')).toBe(2);
    expect(await count(page, B, 'svg[data-chart="incidents"] rect.incident')).toBe(1);
    expect(await count(page, A, 'svg[data-chart="recovery"] rect.bar')).toBe(3);
    expect(await count(page, B, 'svg[data-chart="recovery"] rect.bar')).toBe(1);

    // Headline figures, from the history's own arithmetic.
    const figure = (slo: string, key: string) =>
      page.textContent(`section[data-slo="sample-service/${slo}"] [data-figure="${key}"]`);
    expect(await figure(A, 'budget left')).toBe(
      `${(Math.round((1 - EXPECTED_A.ratio / 0.001) * 10_000) / 100).toString()}%`,
    );
    expect(await figure(B, 'budget left')).toBe(
      `${(Math.round((1 - EXPECTED_B.ratio / 0.005) * 10_000) / 100).toString()}%`,
    );
    expect(await figure(A, 'MTBF')).toBe('9d23h50m');
    expect(await figure(A, 'time to recover < 5m')).toBe('not met (longest 20m)');

    // The screenshot people look at (npm run screenshot:report copies it to docs/images/).
    mkdirSync(ARTEFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTEFACTS, 'slo-report.png'), fullPage: true });
    expect(existsSync(join(ARTEFACTS, 'slo-report.png'))).toBe(true);

    // The hover read-out at the right end of the burn-down: the budget left at the period end.
    const burnDown = page.locator(`section[data-slo="sample-service/${A}"] svg[data-chart="burn-down"]`);
    const box = await burnDown.boundingBox();
    if (!box) throw new Error('burn-down chart not laid out');
    await page.mouse.move(box.x + box.width - 2, box.y + box.height / 2);
    const tip = await page.textContent('#tip');
    expect(tip).toMatch(/^2025-01-31 00:00: [\d.]+% of the budget left$/);
    // The chart's last bucket sums 6h rates; it must land on the period figure within 0.5 points.
    expect(Number(/: ([\d.]+)%/.exec(tip ?? '')?.[1])).toBeCloseTo((1 - EXPECTED_A.ratio / 0.001) * 100, 0);

    await page.context().close();
  }, 120_000);
  it('draws a calendar month (31 days, 6h buckets) and names it in the title', async () => {
    const file = join(tmp.path, 'january.html');
    const run = await cli([
      'report',
      history?.specDir ?? '',
      '--prometheus',
      history?.prometheus.url ?? '',
      '--at',
      '2025-02-15T00:00:00Z',
      '--calendar',
      '2025-01',
      '--format',
      'html',
      '--output',
      file,
    ]);
    expect(run.code, run.stderr).toBe(0);
    const { page, consoleProblems, requests } = await render(file);
    expect(consoleProblems).toEqual([]);
    expect(requests).toEqual([`file://${file}`]);
    expect(await page.title()).toBe(
      'SLO report, calendar month 2025-01 (UTC), period ending 2025-02-01T00:00:00Z',
    );
    const buckets = (31 * DAY) / BUCKET;
    for (const slo of [A, B]) {
      expect(await polylinePoints(page, slo, 'burn-down')).toEqual([buckets + 1]);
      // The history ends on the 31st: the last day's four buckets have no events, so no SLI.
      expect(await polylinePoints(page, slo, 'sli')).toEqual([buckets - 4]);
    }
    await page.context().close();
  }, 120_000);

  it('ends a month so far with a shorter bucket that lands on the period figure', async () => {
    // January 1st to the 20th 15:20: 19d15h20m = 157 buckets of 3h and one of 20m.
    const args = [
      'report',
      history?.specDir ?? '',
      '--prometheus',
      history?.prometheus.url ?? '',
      '--at',
      '2025-01-20T15:20:00Z',
      '--calendar',
      'month',
    ];
    const file = join(tmp.path, 'so-far.html');
    const run = await cli([...args, '--format', 'html', '--output', file]);
    expect(run.code, run.stderr).toBe(0);
    const json = JSON.parse((await cli([...args, '--format', 'json'])).stdout).report;
    const { page, consoleProblems } = await render(file);
    expect(consoleProblems).toEqual([]);
    for (const slo of [A, B]) expect(await polylinePoints(page, slo, 'burn-down')).toEqual([157 + 1 + 1]);
    const lastTips = await page.$$eval('svg[data-chart="burn-down"]', (charts) =>
      charts.map((chart) => {
        const tips = JSON.parse(chart.getAttribute('data-tips') ?? '[]') as [number, string][];
        return tips[tips.length - 1]?.[1] ?? '';
      }),
    );
    expect(lastTips.map((tip) => tip.slice(0, 17))).toEqual(['2025-01-20 15:20:', '2025-01-20 15:20:']);
    lastTips.forEach((tip, i) => {
      const drawn = Number(/: (-?[\d.]+)%/.exec(tip)?.[1]);
      // Bucket rates summed against the report's own period query: within half a point.
      expect(drawn).toBeCloseTo(json.slos[i].budgetRemaining * 100, 0);
    });
    await page.context().close();
  }, 120_000);

  it('exits 1 naming the path when --output cannot be written, leaving nothing behind', async () => {
    const run = await cli([
      'report',
      history?.specDir ?? '',
      '--prometheus',
      history?.prometheus.url ?? '',
      '--at',
      new Date(AT * 1000).toISOString(),
      '--format',
      'html',
      '--output',
      tmp.path, // a directory
    ]);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain(`${tmp.path}: is a directory`);
    expect(run.stderr).not.toMatch(/^\s+at /m);
    expect(readdirSync(tmp.path).filter((name) => name.startsWith('.tracseq'))).toEqual([]);
  });
});
