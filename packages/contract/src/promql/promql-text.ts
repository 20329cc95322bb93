/** Placeholder that SLI queries carry for the rate window (Sloth's spelling). */
export const WINDOW_PLACEHOLDER = '{{.window}}';

const SHORT_ESCAPES: Readonly<Record<string, string>> = {
  '\\': '\\\\',
  '"': '\\"',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
};

// Backslash, quote, C0/C1 controls, DEL, line/paragraph separators, BOM, and the first brace
// of a `{{`: everything that is not shown as itself in a PromQL string inside YAML.
// biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point
const NEEDS_ESCAPE = /[\\"\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]|\{(?=\{)/g;

/**
 * Quotes a label value as a PromQL string literal that is safe everywhere the toolkit puts one:
 * only printable characters (controls, U+0085, U+2028/U+2029 and the BOM become `\uXXXX`, which
 * Prometheus and promtool unescape; a YAML reader would otherwise break the line there), and
 * never the text `{{`, so a value can never carry the `{{.window}}` placeholder of the query
 * templates it is placed in (a `{` before another `{` is written `\x7b`). The value Prometheus
 * matches is exactly `value`.
 */
export function quoteLabelValue(value: string): string {
  const body = value.replace(NEEDS_ESCAPE, (char) =>
    char === '{'
      ? '\\x7b'
      : (SHORT_ESCAPES[char] ?? `\\u${(char.codePointAt(0) as number).toString(16).padStart(4, '0')}`),
  );
  return `"${body}"`;
}

/** One label matcher. */
export interface Matcher {
  readonly name: string;
  readonly op: '=' | '!=' | '=~' | '!~';
  readonly value: string;
}

/** Renders `{a="1",b=~"x"}`, matchers in the given order. */
export function renderMatchers(matchers: readonly Matcher[]): string {
  return `{${matchers.map((m) => `${m.name}${m.op}${quoteLabelValue(m.value)}`).join(',')}}`;
}

/** Equality matchers for a selector, in key order so output is deterministic. */
export function selectorMatchers(selector: Readonly<Record<string, string>> | undefined): Matcher[] {
  return Object.keys(selector ?? {})
    .sort()
    .map((name) => ({ name, op: '=' as const, value: (selector as Record<string, string>)[name] as string }));
}

/**
 * A number as PromQL and YAML should show it: shortest round-trip form without binary noise
 * (`1 - 0.999` is shown as `0.001`, not `0.0010000000000000009`).
 */
export function formatNumber(value: number): string {
  return String(Number(value.toPrecision(12)));
}

/**
 * The `le` matcher that selects a bucket boundary. Whole numbers match both spellings because
 * Prometheus 3 normalises `le="1"` to `le="1.0"` and Prometheus 2 exposes what the client wrote.
 */
export function bucketMatcher(threshold: number): Matcher {
  const text = formatNumber(threshold);
  return Number.isInteger(threshold)
    ? { name: 'le', op: '=~', value: `${text}|${text}\\.0` }
    : { name: 'le', op: '=', value: text };
}

/** Substitutes the window placeholder. */
export function withWindow(query: string, window: string): string {
  return query.split(WINDOW_PLACEHOLDER).join(window);
}
