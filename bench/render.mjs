#!/usr/bin/env node
// Re-renders the markdown tables of a saved run (e.g. for BENCHMARKS.md) without measuring again.
// Usage: node bench/render.mjs [bench/results/latest.json]
import { readFileSync } from 'node:fs';
import { renderMarkdown } from './report/markdown.mjs';

const file = process.argv[2] ?? new URL('./results/latest.json', import.meta.url).pathname;
process.stdout.write(renderMarkdown(JSON.parse(readFileSync(file, 'utf8'))));
