/**
 * Grafana's template variable syntaxes: `$name`, `${name}`, `${name:format}` and the old
 * `[[name]]`. Group 1, 2 or 3 holds the name.
 */
const VARIABLE =
  /\$\{([A-Za-z0-9_]+)(?::[^}]*)?\}|\$([A-Za-z_][A-Za-z0-9_]*)|\[\[([A-Za-z0-9_]+)(?::[^\]]*)?\]\]/g;

/** Names of the variables a query uses, in order of first use. */
export function variablesIn(text: string): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(VARIABLE)) {
    const name = (match[1] ?? match[2] ?? match[3]) as string;
    if (!names.includes(name)) names.push(name);
  }
  return names;
}

/**
 * Replaces Grafana variables the way Grafana does before a query reaches Prometheus: every
 * variable found in `values` is substituted (inside label values too), others stay as written.
 * Longest names win, so `$__rate_interval` is not read as `$__rate` followed by text.
 */
export function interpolateVariables(text: string, values: Readonly<Record<string, string>>): string {
  return text.replace(VARIABLE, (whole, braced?: string, plain?: string, bracketed?: string) => {
    const name = (braced ?? plain ?? bracketed) as string;
    const value = values[name];
    return value === undefined ? whole : value;
  });
}

/**
 * Values for Grafana's built-in interval variables given a scrape interval in seconds, with
 * `$__rate_interval` as Grafana computes it for a short range: four scrape intervals.
 */
export function builtinIntervals(scrapeSeconds: number, rangeSeconds: number): Record<string, string> {
  const rateInterval = 4 * scrapeSeconds;
  return {
    __rate_interval: `${rateInterval}s`,
    __rate_interval_ms: String(rateInterval * 1000),
    __interval: `${scrapeSeconds}s`,
    __interval_ms: String(scrapeSeconds * 1000),
    __range: `${rangeSeconds}s`,
    __range_s: String(rangeSeconds),
    __range_ms: String(rangeSeconds * 1000),
  };
}
