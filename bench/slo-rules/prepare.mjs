// Builds the two rule sets of the SLO-rule benchmark from the Sloth conformance data: each spec
// document imported with @tracseq/slo's importer (as `tracseq-slo import` does) and turned into
// our rules, next to the rules Sloth generated from the same spec, both replicated under
// distinct service names up to about `targetSlos` SLOs; plus the synthetic series they read.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renameSlothGroups, renameSpec } from './replicate.mjs';
import { liveSeries } from './series-target.mjs';

function record(value) {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? value : {};
}

/** The documents of a YAML stream, padded with newlines so line numbers in errors stay right. */
function splitDocuments(yaml, text) {
  const docs = yaml.parseAllDocuments(text);
  if (!Array.isArray(docs) || docs.length <= 1) return [text];
  return docs.map((doc) => {
    const [start, , end] = doc.range;
    return '\n'.repeat(text.slice(0, start).split('\n').length - 1) + text.slice(start, end);
  });
}

/** Rule groups of a Sloth output file (`groups:` or a PrometheusRule's `spec.groups`). */
function slothGroups(yaml, text) {
  return yaml.parseAllDocuments(text).flatMap((doc) => {
    const data = record(doc.toJS());
    const groups = data.kind === 'PrometheusRule' ? record(data.spec).groups : data.groups;
    return Array.isArray(groups) ? groups.map((g) => ({ name: String(g.name), rules: g.rules ?? [] })) : [];
  });
}

/** The `sloth_id` a generated group is about (from its rules' labels or selectors). */
function slothIdOf(group) {
  for (const rule of group.rules) {
    if (rule.labels?.sloth_id) return String(rule.labels.sloth_id);
    const match = /sloth_id="([^"]+)"/.exec(String(rule.expr ?? ''));
    if (match) return match[1];
  }
  return undefined;
}

/**
 * Every Sloth example document that imports, whose SLOs Sloth generated rules for and whose
 * SLIs the conformance model can feed: `{label, spec, slothGroups}`; and the others with why not.
 */
export function collectExamples(pkg, slothDir) {
  const { yaml, importSpec, slo, synthesiseInput } = pkg;
  const specsDir = join(slothDir, 'specs');
  const examples = [];
  const skipped = [];
  for (const file of readdirSync(specsDir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()) {
    const format = file.startsWith('openslo') ? 'openslo' : 'sloth';
    const path = join(specsDir, file);
    let generated;
    try {
      generated = slothGroups(yaml, readFileSync(join(slothDir, 'generated', file), 'utf8'));
    } catch (error) {
      skipped.push({ what: file, reason: `no Sloth output in generated/: ${error.message}` });
      continue;
    }
    const parts = splitDocuments(yaml, readFileSync(path, 'utf8'));
    parts.forEach((text, i) => {
      const label = parts.length === 1 ? file : `${file} document ${i + 1}`;
      const outcome = importSpec(format, { path, text });
      if (!outcome.spec) {
        skipped.push({ what: label, reason: outcome.errors.map((e) => e.message).join('; ') });
        return;
      }
      const plans = slo.planSlos(outcome.spec);
      const ids = new Set(plans.map((p) => p.id));
      const groups = generated.filter((g) => ids.has(slothIdOf(g)));
      const covered = new Set(groups.map(slothIdOf));
      const missing = [...ids].filter((id) => !covered.has(id));
      const syntheses = plans.map((p) => ({ id: p.id, synthesis: synthesiseInput(p.spec.sli) }));
      const unfed = syntheses.flatMap(({ id, synthesis }) =>
        'unsupported' in synthesis ? [`${id}: ${synthesis.unsupported}`] : [],
      );
      const shapes = [...new Set(plans.map((p) => sliShape(p.spec.sli)))];
      if (missing.length > 0)
        skipped.push({ what: label, reason: `Sloth generated no rules for ${missing.join(', ')}` });
      else if (unfed.length > 0)
        skipped.push({ what: label, reason: `no synthetic input: ${unfed.join('; ')}` });
      else examples.push({ label, spec: outcome.spec, slothGroups: groups, slos: plans.length, shapes });
    });
  }
  return { examples, skipped };
}

/** An SLI in a few words: events or raw, and whether its queries hold subqueries (`[w:]`). */
function sliShape(sli) {
  const queries = sli.events
    ? [sli.events.errorQuery, sli.events.totalQuery]
    : [sli.raw?.errorRatioQuery ?? ''];
  const subquery = queries.some((q) => /\[\{\{\.window\}\}:[^\]]*\]/.test(q));
  return `${sli.events ? 'events' : 'raw'}${subquery ? ' (subqueries)' : ''}`;
}

/** `{recording, alerting}` rule counts of rule groups. */
export function countRules(groups) {
  const rules = groups.flatMap((g) => g.rules);
  return {
    groups: groups.length,
    rules: rules.length,
    recording: rules.filter((r) => r.record !== undefined).length,
    alerting: rules.filter((r) => r.alert !== undefined).length,
  };
}

/** `spec` under the service name `service`, validated like any spec. */
function replicaSpec(pkg, example, service) {
  const { parser, slo } = pkg;
  const renamed = renameSpec(parser, example.spec, service);
  // Validated like any spec, so a rewrite that broke a query fails here, not in Prometheus.
  const loaded = slo.loadSpecs([{ path: `${example.label} as ${service}`, text: slo.renderYaml(renamed) }]);
  if (loaded.errors.length > 0) {
    throw new Error(
      `replica ${service} of ${example.label}: ${loaded.errors.map(slo.formatSpecError).join('\n')}`,
    );
  }
  return loaded.specs[0].spec;
}

/** The live series of every SLO of `spec` at half its error budget (no alert fires). */
function specSeries(pkg, spec) {
  return pkg.slo.planSlos(spec).flatMap((plan) => {
    const synthesis = pkg.synthesiseInput(plan.spec.sli);
    if (!('model' in synthesis)) throw new Error(`${plan.id}: ${synthesis.unsupported}`);
    return liveSeries(synthesis.model, plan.budget / 2);
  });
}

/**
 * Replicates the examples `replicas` times under services `<service>-rNN` (NN counts across all
 * examples, so no two replicas share a name): our rule groups, Sloth's renamed rule groups, and
 * the live series of every replica at half its error budget (no alert fires). With
 * `slowInterval`, also our rules built with `--split-groups` for the same replicas under
 * `<service>-sNN`, over series of their own (identical in shape), so that all three sets load
 * into one Prometheus without two groups recording the same series.
 */
export function replicate(pkg, examples, replicas, slowInterval) {
  const { parser, slo, synthesiseInput } = pkg;
  const ours = [];
  const sloth = [];
  const split = [];
  const series = [];
  const slos = [];
  const splitSlos = [];
  const firstReplica = [];
  let n = 0;
  for (let r = 0; r < replicas; r++) {
    for (const example of examples) {
      n++;
      const service = `${example.spec.service}-r${String(n).padStart(2, '0')}`;
      const spec = replicaSpec(pkg, example, service);
      let splitGroups = [];
      if (slowInterval !== undefined) {
        const splitSpec = replicaSpec(pkg, example, `${example.spec.service}-s${String(n).padStart(2, '0')}`);
        splitGroups = slo.buildRules(splitSpec, { slowInterval }).groups;
        split.push(...splitGroups);
        series.push(...specSeries(pkg, splitSpec));
        for (const plan of slo.planSlos(splitSpec)) splitSlos.push({ id: plan.id, example: example.label });
      }
      const ourGroups = slo.buildRules(spec).groups;
      const slothGroups = renameSlothGroups(parser, example.slothGroups, example.spec.service, service);
      ours.push(...ourGroups);
      sloth.push(...slothGroups);
      if (r === 0) {
        firstReplica.push({
          example: example.label,
          ours: ourGroups,
          sloth: slothGroups,
          split: splitGroups,
        });
      }
      for (const plan of slo.planSlos(spec)) {
        slos.push({ id: plan.id, example: example.label });
        const synthesis = synthesiseInput(plan.spec.sli);
        if (!('model' in synthesis)) throw new Error(`${plan.id}: ${synthesis.unsupported}`);
        series.push(...liveSeries(synthesis.model, plan.budget / 2));
      }
    }
  }
  return { ours, sloth, split, series, slos, splitSlos, firstReplica };
}
