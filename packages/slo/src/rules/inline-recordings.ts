import type { AlertingRule, RecordingRule, RuleGroup } from '@tracseq/contract';

/** Deepest chain of recordings reading recordings that {@link inlineRecordings} follows. */
const MAX_DEPTH = 8;

function isRecording(rule: RecordingRule | AlertingRule): rule is RecordingRule {
  return 'record' in rule;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Rewrites a rule expression of `group` so that it reads no series the group records: every
 * `record{slo_id="…"}` the group's own rules produce becomes `(the recording's expression)`,
 * recursively, so the expression can run on a Prometheus that never loaded the rules (what
 * `replay` needs for a draft SLO). The generated rules refer to their recordings exactly by
 * `name{slo_id="<id>"}`, so the references are found by that text. A recording read through a
 * range selector (`record{…}[30d]`, only the period ratio does that) cannot be inlined without a
 * subquery and is an Error, as is a chain of recordings deeper than 8.
 *
 * The labels a recording rule adds (`slo_id`, `slo_window`, the spec's labels) are not on the
 * inlined result; the generated alerts drop or ignore them (`max without (slo_window)`,
 * `and ignoring(…)`), so the alert fires on the same label sets of the SLI's own queries.
 */
export function inlineRecordings(group: RuleGroup, expr: string, idSelector: string): string {
  // Several recordings of one name (a window equal to the period) resolve to the first: the
  // per-window recording, which is what the alerts read.
  const recordings = new Map<string, string>();
  for (const rule of group.rules)
    if (isRecording(rule) && !recordings.has(rule.record)) recordings.set(rule.record, rule.expr);
  const names = [...recordings.keys()].sort((a, b) => b.length - a.length).map(escapeRegExp);
  if (names.length === 0) return expr;
  const reference = new RegExp(`(${names.join('|')})${escapeRegExp(idSelector)}(\\s*\\[)?`, 'g');
  let text = expr;
  for (let depth = 0; depth <= MAX_DEPTH; depth++) {
    let found = false;
    text = text.replace(reference, (_match, name: string, range: string | undefined) => {
      if (range !== undefined)
        throw new Error(`cannot inline ${name}${idSelector}: it is read over a range (${range.trim()}…)`);
      found = true;
      return `(${recordings.get(name) as string})`;
    });
    if (!found) return text;
  }
  throw new Error(`cannot inline the recordings of ${group.name}: more than ${MAX_DEPTH} levels deep`);
}
