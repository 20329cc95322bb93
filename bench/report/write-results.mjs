// Writes a run's results under bench/results/ (git-ignored) only: a timestamped JSON file, and
// latest.json / latest.md. The tracked tree (BENCHMARKS.md) is updated by a person, on purpose.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderMarkdown } from './markdown.mjs';

export function writeResults(resultsDir, results) {
  mkdirSync(resultsDir, { recursive: true });
  const stamp = results.date.replace(/[:.]/g, '-');
  const json = `${JSON.stringify(results, null, 2)}\n`;
  const markdown = renderMarkdown(results);
  const files = {
    json: join(resultsDir, `bench-${results.mode}-${stamp}.json`),
    latestJson: join(resultsDir, 'latest.json'),
    latestMarkdown: join(resultsDir, 'latest.md'),
  };
  writeFileSync(files.json, json);
  writeFileSync(files.latestJson, json);
  writeFileSync(files.latestMarkdown, markdown);
  return { files, markdown };
}
