import type { AddressInfo } from 'node:net';
import { propagation, ROOT_CONTEXT } from '@opentelemetry/api';
import express from 'express';
import { describe, expect, it } from 'vitest';
import { createTestTelemetry } from '../testing/create-test-telemetry.js';
import { extractContext, injectHeaders } from './propagation.js';
import { activeTenant, TENANT_BAGGAGE_KEY } from './tenant-baggage.js';

const TOO_LONG = 'a'.repeat(65);

describe('reliability row 10: the tracseq.tenant_id baggage entry is validated like the tenant header', () => {
  it('ignores an invalid baggage tenant in logs, metrics and outgoing baggage, and keeps a valid one', async () => {
    const telemetry = await createTestTelemetry({
      serviceName: 'sample-service',
      tenantAllowList: ['lab-a'],
    });
    const app = express();
    telemetry.instrumentExpress(app);
    const outgoing: Record<string, string>[] = [];
    app.get('/api/samples/:id', (req, res) => {
      telemetry.logger.info({ sample: req.params.id }, 'handler line');
      outgoing.push(injectHeaders({}));
      res.json({ ok: true });
    });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const cases = [
      { id: 'spaced', headers: { baggage: 'tracseq.tenant_id=lab%20b,lab.flow=fast' } },
      { id: 'long', headers: { baggage: `tracseq.tenant_id=${TOO_LONG}` } },
      { id: 'quoted', headers: { baggage: 'tracseq.tenant_id=%22x%22' } },
      { id: 'valid', headers: { baggage: 'tracseq.tenant_id=lab-a' } },
      { id: 'header-wins', headers: { baggage: 'tracseq.tenant_id=lab-a', 'x-tenant-id': 'lab-c' } },
      { id: 'bad-header', headers: { baggage: 'tracseq.tenant_id=lab-a', 'x-tenant-id': 'lab c' } },
    ];
    for (const { id, headers } of cases) await (await fetch(`${base}/api/samples/${id}`, { headers })).text();
    server.close();
    const tenantsOf = (id: string) =>
      telemetry
        .logs()
        .filter((l) => l.sample === id || (l.url !== undefined && JSON.stringify(l.url).includes(`/${id}"`)))
        .map((l) => l['tracseq.tenant_id']);
    expect(tenantsOf('spaced')).toEqual([undefined, undefined]);
    expect(tenantsOf('long')).toEqual([undefined, undefined]);
    expect(tenantsOf('quoted')).toEqual([undefined, undefined]);
    expect(tenantsOf('valid')).toEqual(['lab-a', 'lab-a']);
    expect(tenantsOf('header-wins')).toEqual(['lab-c', 'lab-c']);
    expect(tenantsOf('bad-header')).toEqual(['lab-a', 'lab-a']);
    // Outgoing calls carry the other entries, never the invalid tenant.
    expect(outgoing[0]?.baggage).toBe('lab.flow=fast');
    expect(outgoing[1]?.baggage).toBeUndefined();
    expect(outgoing[3]?.baggage).toBe('tracseq.tenant_id=lab-a');
    expect(JSON.stringify([telemetry.logs(), outgoing])).not.toContain(TOO_LONG);
    // Metrics: an invalid tenant is no tenant (`other`), never its value.
    const text = await telemetry.registry.registry.metrics();
    const tenants = new Set([...text.matchAll(/tracseq_tenant="([^"]*)"/g)].map((m) => m[1]));
    expect(tenants).toEqual(new Set(['other', 'lab-a']));
    await telemetry.shutdown();
  });

  it('extractContext leaves an invalid tenant out of a consumed message context', () => {
    propagation.setGlobalPropagator(
      new (class {
        inject() {}
        extract(ctx: typeof ROOT_CONTEXT, carrier: Record<string, string>) {
          const value = carrier['x-baggage-tenant'];
          return value === undefined
            ? ctx
            : propagation.setBaggage(ctx, propagation.createBaggage({ [TENANT_BAGGAGE_KEY]: { value } }));
        }
        fields() {
          return ['x-baggage-tenant'];
        }
      })(),
    );
    try {
      expect(activeTenant(extractContext({ 'x-baggage-tenant': 'lab b' }, ROOT_CONTEXT))).toBeUndefined();
      const kept = extractContext({ 'x-baggage-tenant': 'lab-b' }, ROOT_CONTEXT);
      expect(propagation.getBaggage(kept)?.getEntry(TENANT_BAGGAGE_KEY)?.value).toBe('lab-b');
      const dropped = extractContext({ 'x-baggage-tenant': 'lab b' }, ROOT_CONTEXT);
      expect(propagation.getBaggage(dropped)?.getEntry(TENANT_BAGGAGE_KEY)).toBeUndefined();
    } finally {
      propagation.disable();
    }
  });
});
