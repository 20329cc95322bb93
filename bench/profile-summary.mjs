#!/usr/bin/env node
// Summarises a V8 .cpuprofile (from `node bench/run.mjs --only http --cpu-prof`): self time by
// package and by function, and inclusive time of the instrumentation's own frames, so "where does
// our HTTP path spend its time" has an answer with numbers. With --requests N (the requests the
// profiled process served) times are also shown in µs per request.
// Usage: node bench/profile-summary.mjs <file.cpuprofile> [--top 25] [--requests N]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '25' }, requests: { type: 'string' } },
});
if (positionals.length !== 1) {
  console.error('usage: node bench/profile-summary.mjs <file.cpuprofile> [--top 25] [--requests N]');
  process.exit(2);
}
const top = Math.min(200, Math.max(1, Number(values.top) || 25));
const requests = Number(values.requests) || 0;
const profile = JSON.parse(readFileSync(positionals[0], 'utf8'));

// Time per node: each sample is charged the delta that follows it (V8's timeDeltas, µs).
const selfUs = new Map();
profile.samples.forEach((id, i) => {
  const delta = profile.timeDeltas[i + 1] ?? 0;
  selfUs.set(id, (selfUs.get(id) ?? 0) + delta);
});
const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
const idle = profile.nodes
  .filter((n) => n.callFrame.functionName === '(idle)')
  .reduce((s, n) => s + (selfUs.get(n.id) ?? 0), 0);
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
const busy = total - idle;

/** Where a frame's code lives: a package under node_modules, our package, node itself, or V8. */
function packageOf(url) {
  if (!url) return '(native / V8: GC, syscalls such as writev)';
  if (url.startsWith('node:')) return 'node core';
  const modules = url.lastIndexOf('node_modules/');
  if (modules !== -1) {
    const parts = url.slice(modules + 13).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  const ours = url.match(/\/packages\/([^/]+)\//);
  if (ours) return `@tracseq/${ours[1]}`;
  return url.includes('/bench/') ? 'bench' : url;
}

function keyOf(node) {
  const { functionName, url, lineNumber } = node.callFrame;
  const where = url ? `${url.replace(/^.*\/(node_modules|packages)\//, '')}:${lineNumber + 1}` : '';
  return `${functionName || '(anonymous)'} ${where}`.trim();
}

const byFunction = new Map();
const byPackage = new Map();
for (const node of profile.nodes) {
  const self = selfUs.get(node.id) ?? 0;
  if (self === 0 || node.callFrame.functionName === '(idle)') continue;
  byFunction.set(keyOf(node), (byFunction.get(keyOf(node)) ?? 0) + self);
  const pkg = packageOf(node.callFrame.url);
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + self);
}

// Inclusive time per function (self + callees), counting a recursive function once.
const inclusive = new Map();
function walk(id, onStack) {
  const node = nodes.get(id);
  const key = keyOf(node);
  let sum = selfUs.get(id) ?? 0;
  const nested = onStack.has(key);
  if (!nested) onStack.add(key);
  for (const child of node.children ?? []) sum += walk(child, onStack);
  if (!nested) {
    onStack.delete(key);
    inclusive.set(key, (inclusive.get(key) ?? 0) + sum);
  }
  return sum;
}
walk(profile.nodes[0].id, new Set());

const show = (us) =>
  `${((us / busy) * 100).toFixed(1).padStart(5)} %${requests ? `  ${(us / requests).toFixed(2).padStart(7)} µs/req` : ''}`;
const print = (title, entries) => {
  console.log(`\n${title}`);
  for (const [key, us] of entries.slice(0, top)) console.log(`${show(us)}  ${key}`);
};
const sorted = (map) => [...map].sort((a, b) => b[1] - a[1]);
console.log(
  `${positionals[0]}: ${(busy / 1e6).toFixed(2)} s busy, ${(idle / 1e6).toFixed(2)} s idle` +
    (requests ? `, ${requests} requests → ${(busy / requests).toFixed(1)} µs busy per request` : ''),
);
print('self time by package (% of busy time)', sorted(byPackage));
print('self time by function', sorted(byFunction));
print(
  'inclusive time of instrumentation frames (@tracseq, @opentelemetry, pino, prom-client)',
  sorted(inclusive).filter(([key]) => /telemetry\/dist|@opentelemetry|pino|prom-client/.test(key)),
);
