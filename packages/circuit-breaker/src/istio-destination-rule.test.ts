import { describe, expect, it } from 'vitest';
import { parseBreakerConfig } from './breaker-config.js';
import { buildDestinationRules } from './istio-destination-rule.js';

describe('buildDestinationRules', () => {
  it('maps threshold, window, reset timeout and capacity of the resolved policy', () => {
    const config = parseBreakerConfig({
      defaults: {
        errorThreshold: 0.5,
        volumeThreshold: 10,
        rollingWindow: '10s',
        resetTimeout: '30s',
        capacity: 50,
      },
      rules: [
        { match: { instrument: 'storage-service' }, errorThreshold: 0.2, resetTimeout: '1m', capacity: 200 },
      ],
    });
    const [rule] = buildDestinationRules(config, [
      {
        name: 'storage-service',
        host: 'storage-service.tracseq.svc.cluster.local',
        namespace: 'tracseq',
        key: { lab: 'lab-a', instrument: 'storage-service' },
      },
    ]);
    expect(rule).toMatchObject({
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'storage-service', namespace: 'tracseq' },
      spec: {
        host: 'storage-service.tracseq.svc.cluster.local',
        trafficPolicy: {
          connectionPool: { http: { http2MaxRequests: 200, http1MaxPendingRequests: 200 } },
          outlierDetection: {
            consecutive5xxErrors: 2,
            interval: '10s',
            baseEjectionTime: '60s',
            maxEjectionPercent: 100,
          },
        },
      },
    });
  });
});
