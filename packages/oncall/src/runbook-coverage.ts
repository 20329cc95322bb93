/** An alerting rule's name and runbook link, as read from generated rule files. */
export interface AlertRunbookLink {
  readonly alert: string;
  /** Where the rule was found, for messages. */
  readonly file: string;
  readonly runbookUrl: string | undefined;
}

/**
 * Problems between alerts and runbook pages: an alert without `runbook_url`, a `runbook_url`
 * outside `baseUrl`, a link with no page (`<path>.md` under the runbook directory), and a page
 * no alert links to. `pages` are paths relative to the runbook directory without `.md`
 * (`operational/tracseq-watchdog`); `README` is the index and needs no alert. Pure.
 */
export function findRunbookGaps(
  links: readonly AlertRunbookLink[],
  pages: readonly string[],
  baseUrl: string,
): string[] {
  const base = `${baseUrl.replace(/\/+$/, '')}/`;
  const problems: string[] = [];
  const linked = new Set<string>();
  const existing = new Set(pages);
  for (const { alert, file, runbookUrl } of links) {
    if (runbookUrl === undefined) {
      problems.push(
        `${file}: alert ${alert} has no runbook_url. Fix: set alerting.runbookUrl or --runbook-url`,
      );
      continue;
    }
    if (!runbookUrl.startsWith(base)) {
      problems.push(
        `${file}: alert ${alert} links ${runbookUrl}, outside ${base}. Fix: link a page under ${base}`,
      );
      continue;
    }
    const page = runbookUrl.slice(base.length).replace(/[#?].*$/, '');
    linked.add(page);
    if (!existing.has(page))
      problems.push(
        `${file}: alert ${alert} links ${runbookUrl} but ${page}.md does not exist. Fix: write it`,
      );
  }
  for (const page of pages) {
    if (page !== 'README' && !linked.has(page))
      problems.push(
        `${page}.md: no alert links to this page. Fix: delete it or link it from an alert's runbook_url`,
      );
  }
  return [...new Set(problems)].sort();
}
