import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { DEFAULT_OPERATIONAL_OPTIONS } from './operational-options.js';
import { type AlertRunbookLink, findRunbookGaps } from './runbook-coverage.js';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const BASE = DEFAULT_OPERATIONAL_OPTIONS.runbookBaseUrl;

function repoLinks(): AlertRunbookLink[] {
  const dir = join(REPO, 'prometheus/rules');
  return readdirSync(dir)
    .filter((name) => name.endsWith('.yml'))
    .flatMap((name) => {
      const file = parse(readFileSync(join(dir, name), 'utf8')) as {
        groups: { rules: { alert?: string; annotations?: Record<string, string> }[] }[];
      };
      return file.groups.flatMap((g) =>
        g.rules.flatMap((r) =>
          r.alert === undefined
            ? []
            : [{ alert: r.alert, file: `prometheus/rules/${name}`, runbookUrl: r.annotations?.runbook_url }],
        ),
      );
    });
}

function repoPages(): string[] {
  const dir = join(REPO, 'docs/runbooks');
  return (readdirSync(dir, { recursive: true }) as string[])
    .filter((path) => path.endsWith('.md'))
    .map((path) => relative(dir, join(dir, path)).split('\\').join('/').replace(/\.md$/, ''))
    .sort();
}

describe('runbooks', () => {
  it('every generated alert links an existing page and every page is linked', () => {
    const links = repoLinks();
    expect(links.length).toBeGreaterThan(20);
    expect(findRunbookGaps(links, repoPages(), BASE)).toEqual([]);
  });

  it('reports a missing page, an orphan page, a missing link and a foreign link', () => {
    const links: AlertRunbookLink[] = [
      { alert: 'A', file: 'a.yml', runbookUrl: `${BASE}/operational/a` },
      { alert: 'B', file: 'a.yml', runbookUrl: `${BASE}/operational/b#section` },
      { alert: 'C', file: 'a.yml', runbookUrl: undefined },
      { alert: 'D', file: 'a.yml', runbookUrl: 'https://elsewhere.example/d' },
    ];
    expect(findRunbookGaps(links, ['README', 'operational/b', 'operational/orphan'], BASE)).toEqual([
      `a.yml: alert A links ${BASE}/operational/a but operational/a.md does not exist. Fix: write it`,
      'a.yml: alert C has no runbook_url. Fix: set alerting.runbookUrl or --runbook-url',
      `a.yml: alert D links https://elsewhere.example/d, outside ${BASE}/. Fix: link a page under ${BASE}/`,
      "operational/orphan.md: no alert links to this page. Fix: delete it or link it from an alert's runbook_url",
    ]);
  });
});
