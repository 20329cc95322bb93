import { parser } from '@prometheus-io/lezer-promql';

/**
 * Parses PromQL and returns a description of the first syntax error, or `undefined` when it
 * parses. Uses Prometheus's own Lezer grammar, so what passes here is what Prometheus accepts
 * syntactically (type checks still happen in promtool).
 */
export function checkPromql(query: string): string | undefined {
  if (query.trim() === '') return 'the query is empty';
  const tree = parser.parse(query);
  let error: string | undefined;
  tree.iterate({
    enter(node) {
      if (error !== undefined) return false;
      if (node.type.isError) {
        const near = query.slice(Math.max(0, node.from - 10), node.to + 10).replace(/\s+/g, ' ');
        error = `PromQL syntax error at character ${node.from + 1} (near "${near}")`;
        return false;
      }
      return undefined;
    },
  });
  return error;
}
