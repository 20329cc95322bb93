import { HTTP_METHODS, OTHER_HTTP_METHOD } from '@tracseq/contract';

const KNOWN = new Set<string>(HTTP_METHODS);

/** The method as the contract records it: known methods upper-case, anything else `_OTHER`. */
export function normalizeMethod(method: string | undefined): string {
  if (method === undefined) return OTHER_HTTP_METHOD;
  if (KNOWN.has(method)) return method;
  const upper = method.toUpperCase();
  return KNOWN.has(upper) ? upper : OTHER_HTTP_METHOD;
}
