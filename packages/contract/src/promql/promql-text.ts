/** Placeholder that SLI queries carry for the rate window (Sloth's spelling). */
export const WINDOW_PLACEHOLDER = '{{.window}}';

/** Quotes a label value for PromQL. */
export function quoteLabelValue(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
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
