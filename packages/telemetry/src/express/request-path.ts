const SLASH = 0x2f;

/** Where the authority of an absolute-form target ends: the path, query or fragment starts. */
function authorityEnd(target: string, from: number): number {
  for (let i = from; i < target.length; i++) {
    const code = target.charCodeAt(i);
    if (code === SLASH || code === 0x3f /* ? */ || code === 0x23 /* # */ || code === 0x5c /* \ */) return i;
  }
  return target.length;
}

/** The path of a target that is not origin-form (`/path?query`). */
function pathOfOtherForm(target: string): string {
  if (target === '*') return '*'; // OPTIONS *
  const scheme = target.indexOf('://');
  // Authority-form (`CONNECT host:443`) or something no client sends: there is no path.
  if (scheme === -1) return '/';
  const start = authorityEnd(target, scheme + 3);
  let end = target.length;
  for (let i = start; i < target.length; i++) {
    const code = target.charCodeAt(i);
    if (code === 0x3f || code === 0x23) {
      end = i;
      break;
    }
  }
  const path = target.slice(start, end);
  return path === '' || path.charCodeAt(0) !== SLASH ? `/${path}` : path;
}

/**
 * The path of a request, as `url.path` (span attribute and request line) records it: the
 * request target without the query string. Clients talking to a proxy send the absolute form
 * (`GET http://alice:secret@svc.example/api/samples?id=1`) and Node passes it on as `req.url`;
 * its scheme and authority (user name, password, host) are not part of the path and are left
 * out, so credentials in the target never reach logs or traces. Origin-form targets, what every
 * other request carries, take one character test more than before.
 */
export function requestPath(url: string | undefined): string {
  if (url === undefined || url === '') return '/';
  if (url.charCodeAt(0) !== SLASH) return pathOfOtherForm(url);
  const q = url.indexOf('?');
  return q === -1 ? url : url.slice(0, q);
}
