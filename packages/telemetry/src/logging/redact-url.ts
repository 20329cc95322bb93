/**
 * `url` as it may appear in logs: without user name and password (`https://user:pass@es:9200`
 * → `https://es:9200/`) and without the query string and fragment, where tokens are passed too
 * (`?api_key=…`). Something that does not parse as a URL is replaced whole, since it cannot be
 * checked.
 */
export function redactUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return '[unparseable URL]';
  }
  parsed.username = '';
  parsed.password = '';
  parsed.search = '';
  parsed.hash = '';
  return parsed.href;
}
