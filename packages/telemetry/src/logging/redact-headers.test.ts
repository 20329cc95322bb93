import type { AddressInfo } from 'node:net';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { createTestTelemetry } from '../testing/create-test-telemetry.js';
import { REDACTED, redactSensitiveHeaders, SENSITIVE_HEADERS } from './redact-headers.js';

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
          (SENSITIVE_HEADERS as readonly string[]).includes(k.toLowerCase())
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

/** Credential headers in common use, each with a value that must never reach a log line. */
const CREDENTIAL_HEADERS: Record<string, string> = {
  authorization: 'Bearer secret-authorization',
  'proxy-authorization': 'Basic secret-proxy-authorization',
  cookie: 'session=secret-cookie',
  'x-api-key': 'secret-x-api-key',
  'x-auth-token': 'secret-x-auth-token',
  'x-access-token': 'secret-x-access-token',
  'x-amz-security-token': 'secret-x-amz-security-token',
  'x-csrf-token': 'secret-x-csrf-token',
  'x-xsrf-token': 'secret-x-xsrf-token',
  'x-goog-api-key': 'secret-x-goog-api-key',
  'ocp-apim-subscription-key': 'secret-ocp-apim-subscription-key',
  'x-vault-token': 'secret-x-vault-token',
  'private-token': 'secret-private-token',
};

describe('reliability row 11: credential headers in common use are redacted, also when a handler logs req.headers', () => {
  it('lists them', () => {
    for (const name of Object.keys(CREDENTIAL_HEADERS)) expect(SENSITIVE_HEADERS).toContain(name);
  });

  it('redacts them from req.headers logged by a handler, nested or as is, and keeps the rest', async () => {
    const telemetry = await createTestTelemetry({ serviceName: 'sample-service' });
    const app = express();
    telemetry.instrumentExpress(app);
    app.get('/api/samples/:id', (req, res) => {
      telemetry.logger.info({ headers: req.headers }, 'request headers');
      telemetry.logger.warn({ req: { method: req.method, headers: req.headers } }, 'nested request headers');
      res.json({ ok: true });
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await (
      await fetch(`${base}/api/samples/S-1`, { headers: { ...CREDENTIAL_HEADERS, 'x-request-id': 'r-1' } })
    ).text();
    server.close();
    await telemetry.shutdown();
    const flat = telemetry.logs().find((l) => l.message === 'request headers');
    const nested = telemetry.logs().find((l) => l.message === 'nested request headers');
    for (const headers of [flat?.headers, (nested?.req as { headers?: unknown } | undefined)?.headers]) {
      expect(headers).toMatchObject({
        ...Object.fromEntries(Object.keys(CREDENTIAL_HEADERS).map((name) => [name, REDACTED])),
        'x-request-id': 'r-1',
      });
    }
    expect(JSON.stringify(telemetry.logs())).not.toContain('secret-');
  });
});
