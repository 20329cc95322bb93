import { describe, expect, it } from 'vitest';
import { REDACTED, redactSensitiveHeaders } from './redact-headers.js';

function redact(value: unknown): unknown {
  return JSON.parse(redactSensitiveHeaders(`${JSON.stringify(value)}\n`));
}

describe('redactSensitiveHeaders', () => {
  it('replaces every sensitive header value at any depth, whatever its JSON type', () => {
    expect(
      redact({
        headers: { authorization: 'Bearer a"b\\', accept: 'x' },
        req: { headers: { cookie: 'c=1', 'x-api-key': 42 } },
        http: { response: { headers: { 'set-cookie': ['a=1', 'b=[2]'], 'content-type': 'json' } } },
        upstream: { config: { headers: { Authorization: { scheme: 'Bearer', token: 't}' } } } },
        'http.request.headers.authorization': 'dotted',
        'http.request.header.cookie': ['otel', 'style'],
        'X-API-KEY': null,
        message: 'keep me',
      }),
    ).toEqual({
      headers: { authorization: REDACTED, accept: 'x' },
      req: { headers: { cookie: REDACTED, 'x-api-key': REDACTED } },
      http: { response: { headers: { 'set-cookie': REDACTED, 'content-type': 'json' } } },
      upstream: { config: { headers: { Authorization: REDACTED } } },
      'http.request.headers.authorization': REDACTED,
      'http.request.header.cookie': REDACTED,
      'X-API-KEY': REDACTED,
      message: 'keep me',
    });
  });

  it('leaves similar keys and look-alikes inside string values alone', () => {
    const line = {
      cookies: 'plural',
      'x-api-key-id': 'an id',
      authorization_scheme: 'Bearer',
      message: 'client sent {"authorization":"Bearer x"} and ,"cookie":1',
      path: 'C:\\temp\\',
      note: 'ends with an escaped backslash\\',
    };
    expect(redact(line)).toEqual(line);
    const text = `${JSON.stringify(line)}\n`;
    expect(redactSensitiveHeaders(text)).toBe(text);
  });

  it('always yields valid JSON with only the sensitive values changed (generated objects)', () => {
    let seed = 7;
    const random = () => {
      seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
      return seed / 2 ** 31;
    };
    const keys = ['authorization', 'Cookie', 'set-cookie', 'x-api-key', 'headers', 'a', 'b.c', 'msg'];
    const strings = ['plain', 'q"uote', 'back\\slash', '{"cookie":"x"}', ',"authorization":', ']}', ''];
    const build = (depth: number): unknown => {
      const kind = random();
      if (depth > 3 || kind < 0.3) return strings[Math.floor(random() * strings.length)];
      if (kind < 0.4) return Math.floor(random() * 100);
      if (kind < 0.5) return [build(depth + 1), build(depth + 1)];
      const obj: Record<string, unknown> = {};
      for (let i = 0; i < 3; i++) obj[keys[Math.floor(random() * keys.length)] as string] = build(depth + 1);
      return obj;
    };
    const expected = (value: unknown): unknown => {
      if (Array.isArray(value)) return value.map(expected);
      if (value === null || typeof value !== 'object') return value;
      return Object.fromEntries(
        Object.entries(value).map(([k, v]) =>
          ['authorization', 'cookie', 'set-cookie', 'x-api-key'].includes(k.toLowerCase())
            ? [k, REDACTED]
            : [k, expected(v)],
        ),
      );
    };
    for (let i = 0; i < 500; i++) {
      const value = { root: build(0) };
      expect(redact(value)).toEqual(expected(value));
    }
  });
});
