import { UNMATCHED_ROUTE } from '@tracseq/contract';

const MOUNTS = Symbol.for('tracseq.telemetry.mounts');

interface Mount {
  readonly literal: string;
  readonly template: string;
}

/** The parts of an Express request the route template is read from. */
export interface RoutedRequest {
  baseUrl?: string;
  route?: { path?: unknown };
  [MOUNTS]?: Mount[];
}

/** Anything with Express's `use`: an app or a router. */
export interface Mountable {
  use: (...args: unknown[]) => unknown;
  stack?: unknown;
}

type Middleware = (req: RoutedRequest, res: unknown, next: () => void) => void;

function join(base: string, path: string): string {
  // The common case, a route on the app itself (`/api/samples/:id`), is the path as is.
  if (base === '' && path.charCodeAt(0) === 0x2f && (path.length === 1 || !path.endsWith('/'))) return path;
  const joined = `${base.replace(/\/$/, '')}/${path.replace(/^\//, '')}`;
  return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
}

function isMountable(value: unknown): value is Mountable {
  return typeof value === 'function' && typeof (value as unknown as Mountable).use === 'function';
}

// Express keeps only the literal matched prefix in req.baseUrl (`/api/labs/lab-a`); a marker
// layer ahead of each mounted router records which template produced that literal.
function marker(template: string): Middleware {
  return function tracseqMount(req, _res, next) {
    const mounts = req[MOUNTS] ?? [];
    req[MOUNTS] = mounts;
    const literal = req.baseUrl ?? '';
    let parent = '';
    for (let i = mounts.length - 1; i >= 0; i--) {
      const m = mounts[i] as Mount;
      if (literal.startsWith(m.literal) && literal !== m.literal) {
        parent = m.template;
        break;
      }
    }
    mounts.push({ literal, template: join(parent, template) });
    next();
  };
}

const PATCHED = Symbol.for('tracseq.telemetry.patched-use');

/**
 * Wraps `use` on this app or router instance (not the module) so every router mounted under a
 * path gets a marker recording its path template; routers passed in are wrapped in turn.
 * Routers mounted before this call keep literal prefixes (the cardinality cap still bounds them).
 */
export function trackMounts(target: Mountable): void {
  const t = target as Mountable & { [PATCHED]?: true };
  if (t[PATCHED]) return;
  t[PATCHED] = true;
  const original = target.use;
  target.use = function use(this: unknown, ...args: unknown[]) {
    const first = args[0];
    const hasPath = typeof first === 'string';
    const handlers = (hasPath ? args.slice(1) : args).flat(Number.POSITIVE_INFINITY);
    for (const handler of handlers) if (isMountable(handler)) trackMounts(handler);
    if (!hasPath || first === '/' || !handlers.some(isMountable)) return original.apply(this, args);
    return original.call(this, first, marker(first), ...handlers);
  };
}

/** The route template of a finished request (`/api/samples/:id`), or `unmatched`. */
export function routeTemplate(req: RoutedRequest): string {
  const path = req.route?.path;
  if (path === undefined) return UNMATCHED_ROUTE;
  const literal = req.baseUrl ?? '';
  let base = literal;
  const mounts = req[MOUNTS];
  if (mounts) {
    // The deepest recorded mount at or above this prefix: routers mounted inside a router that
    // was built before instrumentation keep their (static) literal tail.
    for (let i = mounts.length - 1; i >= 0; i--) {
      const m = mounts[i] as Mount;
      if (literal === m.literal || literal.startsWith(`${m.literal}/`)) {
        base = m.template + literal.slice(m.literal.length);
        break;
      }
    }
  }
  return join(base, typeof path === 'string' ? path : String(path));
}
