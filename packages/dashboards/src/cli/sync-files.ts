import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { GENERATED_TAG } from '../build/frame.js';
import { GENERATED_YAML_MARK, type OutputLayout } from '../output/generate-files.js';

/** How the files on disk differ from the generated ones. */
export interface SyncPlan {
  /** Generated files, path to text. */
  readonly files: ReadonlyMap<string, string>;
  /** Paths that are missing or differ. */
  readonly changed: readonly string[];
  /** Paths already identical. */
  readonly unchanged: readonly string[];
  /** Generated files on disk that are no longer produced. */
  readonly stale: readonly string[];
}

/** Generated files on disk under the layout's directories (hand-made files are not listed). */
function generatedOnDisk(layout: OutputLayout): string[] {
  const list = (dir: string | undefined, test: (path: string) => boolean) => {
    if (dir === undefined || !statSync(dir, { throwIfNoEntry: false })?.isDirectory()) return [];
    return readdirSync(dir)
      .map((name) => join(dir, name))
      .filter((path) => statSync(path).isFile() && test(path));
  };
  const isGeneratedJson = (path: string) => {
    if (!path.endsWith('.json')) return false;
    try {
      const tags = (JSON.parse(readFileSync(path, 'utf8')) as { tags?: unknown }).tags;
      return Array.isArray(tags) && tags.includes(GENERATED_TAG) && tags.includes('tracseq');
    } catch {
      return false;
    }
  };
  const isGeneratedYaml = (path: string) =>
    path.endsWith('.configmap.yaml') && readFileSync(path, 'utf8').startsWith(GENERATED_YAML_MARK);
  return [...list(layout.dashboards, isGeneratedJson), ...list(layout.configMaps, isGeneratedYaml)];
}

/** Compares generated files (paths normalised) with the disk. */
export function planSync(generated: ReadonlyMap<string, string>, layout: OutputLayout): SyncPlan {
  const files = new Map([...generated].map(([path, text]) => [join(path), text]));
  const changed: string[] = [];
  const unchanged: string[] = [];
  for (const [path, text] of files) {
    const onDisk = statSync(path, { throwIfNoEntry: false }) ? readFileSync(path, 'utf8') : undefined;
    (onDisk === text ? unchanged : changed).push(path);
  }
  const stale = generatedOnDisk(layout)
    .map((path) => join(path))
    .filter((path) => !files.has(path));
  return { files, changed, unchanged, stale };
}

/** Writes the changed files and removes the stale ones. */
export function applySync(plan: SyncPlan): void {
  for (const path of plan.changed) {
    mkdirSync(dirname(path), { recursive: true });
    // Through a sibling and a rename, so Grafana's file watcher never reads half a dashboard.
    const tmp = `${path}.tmp-${process.pid}`;
    try {
      writeFileSync(tmp, plan.files.get(path) as string);
      renameSync(tmp, path);
    } finally {
      rmSync(tmp, { force: true });
    }
  }
  for (const path of plan.stale) rmSync(path);
}
