// Replicas of Sloth's example SLOs under distinct service names, so that one Prometheus holds
// about 50 SLOs over distinct series. The same rewrite goes into both rule sets:
//  - the SLI queries (of our imported spec, and as Sloth wrote them into its recording rules)
//    select `service="<replica>"` on every source selector (added, or replacing a `service`
//    matcher), so each replica reads its own synthetic series;
//  - Sloth's rules are renamed: `sloth_service`, `sloth_id` (labels and the selectors of its
//    `slo:*` series) and group names; ours are built by @tracseq/slo from the renamed spec.

/** Stand-in for `{{.window}}` while a query template is parsed (a valid, unlikely duration). */
const WINDOW_SENTINEL = '987654321s';

function kids(node) {
  const out = [];
  for (let child = node.firstChild; child; child = child.nextSibling) out.push(child);
  return out;
}

const quote = (value) => JSON.stringify(value);

/** Whether a selector reads a series that the rules themselves record. */
const isRecorded = (metric) => /^(slo:|sloth_|tracseq_slo)/.test(metric ?? '');

/**
 * Rewrites the vector selectors of a PromQL expression (or a template with `{{.window}}`):
 * source selectors get `service="<service>"`; selectors of recorded series get the label values
 * that `rename[label](old)` returns.
 */
export function scopeQuery(parser, template, { service, rename = {} }) {
  const text = template.split('{{.window}}').join(WINDOW_SENTINEL);
  const tree = parser.parse(text);
  const edits = [];
  let broken = false;
  tree.iterate({
    enter(node) {
      if (node.type.isError) broken = true;
      if (node.name !== 'VectorSelector') return;
      const parts = kids(node.node);
      const matchersNode = parts.find((k) => k.name === 'LabelMatchers');
      const matchers = (matchersNode ? kids(matchersNode) : [])
        .filter((m) => m.name === 'UnquotedLabelMatcher')
        .map((m) => {
          const [name, , value] = kids(m);
          return { name: text.slice(name.from, name.to), value };
        });
      const identifier = parts.find((k) => k.name === 'Identifier');
      const nameMatcher = matchers.find((m) => m.name === '__name__');
      const metric = identifier
        ? text.slice(identifier.from, identifier.to)
        : nameMatcher && unquote(text.slice(nameMatcher.value.from, nameMatcher.value.to));
      if (isRecorded(metric)) {
        for (const m of matchers) {
          if (!rename[m.name]) continue;
          const old = unquote(text.slice(m.value.from, m.value.to));
          edits.push({ from: m.value.from, to: m.value.to, text: quote(rename[m.name](old)) });
        }
        return false;
      }
      const own = matchers.find((m) => m.name === 'service');
      if (own) edits.push({ from: own.value.from, to: own.value.to, text: quote(service) });
      else if (matchersNode) {
        const empty = matchers.length === 0 && kids(matchersNode).length === 0;
        edits.push({
          from: matchersNode.from + 1,
          to: matchersNode.from + 1,
          text: `service=${quote(service)}${empty ? '' : ','}`,
        });
      } else edits.push({ from: node.to, to: node.to, text: `{service=${quote(service)}}` });
      return false;
    },
  });
  if (broken) throw new Error(`cannot parse PromQL ${JSON.stringify(template)}`);
  let out = text;
  for (const e of edits.sort((a, b) => b.from - a.from))
    out = out.slice(0, e.from) + e.text + out.slice(e.to);
  return out.split(WINDOW_SENTINEL).join('{{.window}}');
}

/** The value of a PromQL string literal (escapes are resolved for double-quoted ones only). */
function unquote(literal) {
  return literal.startsWith('"') ? JSON.parse(literal) : literal.slice(1, -1);
}

/** A native spec (as @tracseq/slo's importer returns it) under another service name. */
export function renameSpec(parser, spec, service) {
  const scope = (query) => scopeQuery(parser, query, { service });
  return {
    ...spec,
    service,
    slos: spec.slos.map((slo) => {
      const { sli } = slo;
      let scoped = sli;
      if (sli.events) {
        scoped = {
          ...sli,
          events: {
            ...sli.events,
            errorQuery: scope(sli.events.errorQuery),
            totalQuery: scope(sli.events.totalQuery),
          },
        };
      } else if (sli.raw) {
        scoped = { ...sli, raw: { ...sli.raw, errorRatioQuery: scope(sli.raw.errorRatioQuery) } };
      } else {
        throw new Error(`${spec.service}/${slo.name}: only events and raw SLIs are replicated`);
      }
      return { ...slo, sli: scoped };
    }),
  };
}

/** The Sloth service a generated group belongs to (from its rules' labels or selectors). */
export function slothServiceOf(group) {
  for (const rule of group.rules ?? []) {
    if (rule.labels?.sloth_service) return String(rule.labels.sloth_service);
    const match = /sloth_service="([^"]+)"/.exec(String(rule.expr ?? ''));
    if (match) return match[1];
  }
  return undefined;
}

/** Sloth's generated groups of one service, renamed to `service`. */
export function renameSlothGroups(parser, groups, from, service) {
  const id = (old) => (old.startsWith(`${from}-`) ? `${service}-${old.slice(from.length + 1)}` : old);
  const rename = { sloth_service: () => service, sloth_id: id };
  return groups.map((group) => ({
    ...group,
    name: group.name.endsWith(`-${from}`)
      ? `${group.name.slice(0, -from.length)}${service}`
      : group.name.replace(`-${from}-`, `-${service}-`),
    rules: group.rules.map((rule) => ({
      ...rule,
      expr: scopeQuery(parser, String(rule.expr), { service, rename }),
      ...(rule.labels
        ? {
            labels: Object.fromEntries(
              Object.entries(rule.labels).map(([k, v]) => [k, rename[k] ? rename[k](String(v)) : v]),
            ),
          }
        : {}),
    })),
  }));
}
