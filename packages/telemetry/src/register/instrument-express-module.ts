import { createRequire, Module } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import type { ExpressApp } from '../express/instrument-express.js';

type ExpressFactory = (...args: unknown[]) => ExpressApp;

/** What {@link instrumentExpressModule} did. */
export type ExpressModuleResult =
  | { readonly instrumented: true; readonly file: string }
  | { readonly instrumented: false; readonly searched: readonly string[]; readonly error: string };

/**
 * Directories `express` is resolved from, as the application would: the main script's directory
 * (`process.argv[1]`), then the working directory.
 */
export function applicationDirs(argv: readonly string[] = process.argv, cwd = process.cwd()): string[] {
  const main = argv[1];
  const dirs = main ? [dirname(resolve(cwd, main)), cwd] : [cwd];
  return [...new Set(dirs)];
}

/** `express` wrapped: the same function and properties, but every app it creates is instrumented. */
export function wrapExpress(original: ExpressFactory, instrument: (app: ExpressApp) => void): ExpressFactory {
  const wrapped = function express(this: unknown, ...args: unknown[]): ExpressApp {
    const app = Reflect.apply(original, this, args);
    instrument(app);
    return app;
  };
  // Router, json, static, urlencoded, application, request, response, ...: ESM named imports
  // are read from these own properties.
  for (const key of Reflect.ownKeys(original)) {
    if (key === 'length' || key === 'name' || key === 'prototype') continue;
    Object.defineProperty(wrapped, key, Object.getOwnPropertyDescriptor(original, key) as PropertyDescriptor);
  }
  return wrapped;
}

/**
 * Makes `require('express')` and `import express from 'express'` in the application return a
 * wrapper that instruments every app it creates. Resolves `express` from `dirs` (first hit wins),
 * loads it, and puts a new, already loaded CommonJS cache entry with the wrapper as `exports` in
 * its place. A new entry rather than new `exports` on the old one: the CommonJS loader snapshots
 * `exports` for the ESM loader when a module finishes loading, so ESM imports would keep seeing
 * the unwrapped function; for an entry it did not load itself, the ESM loader reads `exports`.
 * No module hooks are involved (`module.registerHooks` needs Node 22.15).
 */
export function instrumentExpressModule(
  dirs: readonly string[],
  instrument: (app: ExpressApp) => void,
): ExpressModuleResult {
  let lastError = 'not searched';
  for (const dir of dirs) {
    const require = createRequire(join(dir, '__tracseq_register__.js'));
    let file: string;
    try {
      file = require.resolve('express');
    } catch (error) {
      lastError = (error as Error).message.split('\n')[0] ?? String(error);
      continue;
    }
    const original = require(file) as unknown;
    if (typeof original !== 'function') {
      lastError = `${file} does not export a function`;
      continue;
    }
    const loaded = require.cache[file];
    const entry = new Module(file, loaded?.parent ?? undefined);
    entry.filename = file;
    entry.paths = loaded?.paths ?? [];
    entry.exports = wrapExpress(original as ExpressFactory, instrument);
    entry.loaded = true;
    require.cache[file] = entry;
    return { instrumented: true, file };
  }
  return { instrumented: false, searched: [...dirs], error: lastError };
}
