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

/** One variable occurrence that {@link interpolateWithMap} replaced. */
export interface Substitution {
  /** The variable's name (`service` for `$service`, `${service:regex}` and `[[service]]`). */
  readonly name: string;
  /** Where the variable is written in the original text. */
  readonly originalFrom: number;
  readonly originalTo: number;
  /** Where its value lies in the interpolated text. */
  readonly from: number;
  readonly to: number;
}

/** A text with its variables replaced, and where each replacement went. */
export interface Interpolation {
  readonly original: string;
  readonly text: string;
  /** In text order. */
  readonly substitutions: readonly Substitution[];
}

/**
 * {@link interpolateVariables}, keeping where each value went so that positions in the
 * interpolated text (a parser's) can be traced back to what the dashboard author wrote.
 */
export function interpolateWithMap(text: string, values: Readonly<Record<string, string>>): Interpolation {
  const substitutions: Substitution[] = [];
  let out = '';
  let last = 0;
  for (const match of text.matchAll(VARIABLE)) {
    const name = (match[1] ?? match[2] ?? match[3]) as string;
    const value = values[name];
    if (value === undefined) continue;
    const at = match.index;
    out += text.slice(last, at);
    substitutions.push({
      name,
      originalFrom: at,
      originalTo: at + match[0].length,
      from: out.length,
      to: out.length + value.length,
    });
    out += value;
    last = at + match[0].length;
  }
  return { original: text, text: out + text.slice(last), substitutions };
}

/**
 * The offset in the original text of `offset` in the interpolated one. An offset inside a
 * substituted value maps to the variable's start, or with `side: 'end'` to its end, so a span
 * that covers part of a value covers the whole variable.
 */
export function originalOffset(
  interpolation: Interpolation,
  offset: number,
  side: 'start' | 'end' = 'start',
): number {
  let shift = 0;
  for (const s of interpolation.substitutions) {
    if (offset < s.from || (side === 'end' && offset === s.from)) break;
    if (offset < s.to || (side === 'end' && offset === s.to))
      return side === 'start' ? s.originalFrom : s.originalTo;
    shift = s.originalTo - s.to;
  }
  return offset + shift;
}

/**
 * Replaces Grafana variables the way Grafana does before a query reaches Prometheus: every
 * variable found in `values` is substituted (inside label values too), others stay as written.
 * Longest names win, so `$__rate_interval` is not read as `$__rate` followed by text.
 */
export function interpolateVariables(text: string, values: Readonly<Record<string, string>>): string {
  return interpolateWithMap(text, values).text;
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
