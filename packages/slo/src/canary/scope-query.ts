import { parser } from '@prometheus-io/lezer-promql';
import { WINDOW_PLACEHOLDER } from '@tracseq/contract';

// A valid duration exactly as long as the placeholder, so the parse tree's offsets are the
// template's offsets and matchers can be inserted into the template text itself.
const SAME_LENGTH_DURATION = `${'9'.repeat(WINDOW_PLACEHOLDER.length - 1)}s`;

/**
 * Adds label matchers (already rendered, e.g. `pod_hash="{{args.canary-hash}}"`) to every
 * vector selector of a PromQL query template, keeping `{{.window}}` placeholders as they are:
 * `sum(rate(x{a="b"}[{{.window}}]))` becomes `sum(rate(x{a="b",<matchers>}[{{.window}}]))`.
 * Works on Prometheus's own grammar, so selectors inside functions, subqueries and binary
 * expressions are all found. Throws on a query that does not parse (specs are validated first).
 */
export function scopeQuery(template: string, matchers: string): string {
  const parsed = template.split(WINDOW_PLACEHOLDER).join(SAME_LENGTH_DURATION);
  const inserts: { at: number; text: string }[] = [];
  const cursor = parser.parse(parsed).cursor();
  do {
    if (cursor.type.isError) throw new Error(`cannot parse PromQL: ${template}`);
    if (cursor.type.name !== 'VectorSelector') continue;
    const selector = cursor.node;
    const braces = selector.getChild('LabelMatchers');
    if (braces === null) {
      inserts.push({ at: selector.to, text: `{${matchers}}` });
      continue;
    }
    const inner = parsed.slice(braces.from + 1, braces.to - 1).trim();
    const separator = inner === '' || inner.endsWith(',') ? '' : ',';
    inserts.push({ at: braces.to - 1, text: `${separator}${matchers}` });
  } while (cursor.next());
  let out = template;
  for (const { at, text } of inserts.sort((a, b) => b.at - a.at))
    out = out.slice(0, at) + text + out.slice(at);
  return out;
}
