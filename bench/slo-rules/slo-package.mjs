// What the SLO-rule benchmark takes from the repository's packages, by path (bench/package.json
// does not list them): @tracseq/slo's importer and rule builder and @tracseq/testkit's Prometheus
// from their built dist/, the YAML parser and PromQL grammar @tracseq/slo itself depends on, and
// the synthetic-series model of the Sloth conformance suite. That model lives in a test-only
// source file (packages/slo/tsconfig.build.json leaves test-*.ts out of dist), so it is loaded
// from source with Node's type stripping; its imports of sibling modules resolve to dist/.
import { existsSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

const SLO_DIR = new URL('../../packages/slo/', import.meta.url);
const SLO_SRC = new URL('src/', SLO_DIR).href;
const SLO_DIST = new URL('dist/', SLO_DIR).href;
const TESTKIT_DIST = new URL('../../packages/testkit/dist/', import.meta.url);

let hooked = false;
function hookSloSources() {
  if (hooked) return;
  // Node >= 22.15 (engines allows 22.12): without it the part reports that it did not run.
  if (typeof nodeModule.registerHooks !== 'function') {
    throw new Error(`Node ${process.version} has no module.registerHooks (needs >= 22.15)`);
  }
  hooked = true;
  nodeModule.registerHooks({
    resolve(specifier, context, nextResolve) {
      if (context.parentURL?.startsWith(SLO_SRC) && specifier.startsWith('.') && specifier.endsWith('.js')) {
        const url = new URL(specifier, context.parentURL).href;
        if (url.startsWith(SLO_SRC) && !existsSync(fileURLToPath(url))) {
          return nextResolve(SLO_DIST + url.slice(SLO_SRC.length), context);
        }
      }
      return nextResolve(specifier, context);
    },
  });
}

/** Loads everything; throws with the reason when a build or a file is missing. */
export async function loadSloPackage() {
  const require = nodeModule.createRequire(new URL('package.json', SLO_DIR));
  const yaml = await import(pathToFileURL(require.resolve('yaml')).href);
  const lezer = await import(pathToFileURL(require.resolve('@prometheus-io/lezer-promql')).href);
  const slo = await import(new URL('index.js', SLO_DIST).href);
  const { importSpec } = await import(new URL('import/import-spec.js', SLO_DIST).href);
  const testkit = await import(new URL('index.js', TESTKIT_DIST).href);
  hookSloSources();
  const { synthesiseInput } = await import(new URL('conformance/test-synthetic-series.ts', SLO_SRC).href);
  return { yaml, parser: lezer.parser, slo, importSpec, testkit, synthesiseInput };
}
