/** Replacement value of redacted fields. */
export const REDACTED = '[REDACTED]';

/**
 * Header names whose values are credentials, session state or anti-forgery tokens, hence never
 * logged: the standard ones, the usual API-key and token headers, cloud provider credentials
 * (AWS session tokens, Google API keys and IAP assertions, Azure Functions and API Management
 * keys), Vault and GitLab tokens, tokens forwarded by auth proxies (oauth2-proxy), and CSRF/XSRF
 * tokens.
 */
export const SENSITIVE_HEADERS = [
  'authorization',
  'proxy-authorization',
  'x-authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
  'api-key',
  'apikey',
  'x-api-token',
  'x-auth-token',
  'x-access-token',
  'x-refresh-token',
  'x-id-token',
  'x-session-token',
  'x-jwt-assertion',
  'x-amz-security-token',
  'x-goog-api-key',
  'x-goog-iap-jwt-assertion',
  'x-functions-key',
  'ocp-apim-subscription-key',
  'x-vault-token',
  'private-token',
  'x-auth-request-access-token',
  'x-forwarded-access-token',
  'x-csrf-token',
  'x-xsrf-token',
  'csrf-token',
] as const;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPENERS = new Set([0x7b, 0x5b]); // { [
const CLOSERS = new Set([0x7d, 0x5d]); // } ]
const VALUE_ENDS = new Set([0x2c, 0x7d, 0x5d]); // , } ]
const REDACTED_JSON = JSON.stringify(REDACTED);

/**
 * A JSON key that is a sensitive header name, in any letter case, optionally after a dotted
 * prefix (`"http.request.headers.authorization"`, OTel's `"http.request.header.cookie"`).
 * The `{` or `,` before the opening quote anchors it to a real key: inside a JSON string a quote
 * is always escaped, so `,"cookie":` cannot occur there.
 */
const SENSITIVE_KEY = new RegExp(`[{,]"(?:[^"\\\\.]*\\.)*(?:${SENSITIVE_HEADERS.join('|')})":`, 'gi');

/** Index just past the JSON string starting at `start` (its opening quote). */
function stringEnd(json: string, start: number): number {
  for (let i = start + 1; i < json.length; i++) {
    const code = json.charCodeAt(i);
    if (code === BACKSLASH) i++;
    else if (code === QUOTE) return i + 1;
  }
  return json.length;
}

/** Index just past the JSON value starting at `start`: string, object, array or literal. */
function valueEnd(json: string, start: number): number {
  const first = json.charCodeAt(start);
  if (first === QUOTE) return stringEnd(json, start);
  if (OPENERS.has(first)) {
    let depth = 0;
    for (let i = start; i < json.length; i++) {
      const code = json.charCodeAt(i);
      if (code === QUOTE) i = stringEnd(json, i) - 1;
      else if (OPENERS.has(code)) depth++;
      else if (CLOSERS.has(code) && --depth === 0) return i + 1;
    }
    return json.length;
  }
  let i = start;
  while (i < json.length && !VALUE_ENDS.has(json.charCodeAt(i))) i++;
  return i;
}

/**
 * Replaces the value of every sensitive header key (see {@link SENSITIVE_HEADERS}) in one
 * serialized JSON line with `"[REDACTED]"`, at any depth and in any letter case: `headers`,
 * `req.headers`, `http.request.headers`, an upstream call's `config.headers.Authorization`, or
 * dotted ECS keys. Returns the line itself when nothing matches.
 *
 * Why on the serialized line instead of pino redact paths: it runs after pino's serializers
 * (pino-http's `req`/`res` serializers run after formatters, so an object-level pass would miss
 * them); header names are matched case-insensitively, which paths cannot do; and pino's
 * wildcard-first paths (`*.headers.authorization`, `*.*.headers…`) are evaluated on every
 * top-level field of every line, which measured ~8-10 µs per line against ~0.3 µs for this scan.
 * The trade-off: a field named like a sensitive header outside any `headers` object (say
 * `{"cookie": "…"}`) is redacted too, which errs on the safe side.
 */
export function redactSensitiveHeaders(line: string): string {
  SENSITIVE_KEY.lastIndex = 0;
  let match = SENSITIVE_KEY.exec(line);
  if (match === null) return line;
  let out = '';
  let copied = 0;
  while (match !== null) {
    const start = SENSITIVE_KEY.lastIndex;
    const end = valueEnd(line, start);
    out += line.slice(copied, start) + REDACTED_JSON;
    copied = end;
    SENSITIVE_KEY.lastIndex = end;
    match = SENSITIVE_KEY.exec(line);
  }
  return out + line.slice(copied);
}
