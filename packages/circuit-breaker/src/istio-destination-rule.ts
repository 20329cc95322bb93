import type { BreakerKey } from '@tracseq/contract';
import { resolvePolicy } from '@tracseq/contract';
import type { BreakerConfig } from './breaker-config.js';

/** A Kubernetes service whose calls a breaker policy governs. */
export interface IstioTarget {
  /** DestinationRule name. */
  readonly name: string;
  /** Service host, e.g. `storage-service.tracseq.svc.cluster.local`. */
  readonly host: string;
  readonly namespace?: string;
  /** The breaker key whose policy applies to calls to this host. */
  readonly key: BreakerKey;
}

function seconds(ms: number): string {
  return `${Math.max(1, Math.round(ms / 1000))}s`;
}

/**
 * The breaker policy of each target as an Istio `networking.istio.io/v1` `DestinationRule`.
 * Istio ejects hosts after consecutive errors rather than on an error ratio, so the ratio
 * threshold over the minimum volume becomes that many consecutive 5xx errors; the rolling
 * window becomes the analysis interval, the reset timeout the base ejection time, and the
 * capacity the connection pool's request limits. Half-open trials, maintenance windows, error
 * classification, fallbacks and timeouts have no DestinationRule equivalent (timeouts belong to
 * a VirtualService).
 */
export function buildDestinationRules(
  config: BreakerConfig,
  targets: readonly IstioTarget[],
): Record<string, unknown>[] {
  return targets.map((t) => {
    const policy = resolvePolicy(config, t.key);
    return {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: {
        name: t.name,
        ...(t.namespace ? { namespace: t.namespace } : {}),
        labels: {
          'app.kubernetes.io/managed-by': 'tracseq-circuit-breaker',
          'app.kubernetes.io/part-of': 'tracseq',
        },
      },
      spec: {
        host: t.host,
        trafficPolicy: {
          connectionPool: {
            http: { http2MaxRequests: policy.capacity, http1MaxPendingRequests: policy.capacity },
          },
          outlierDetection: {
            consecutive5xxErrors: Math.max(1, Math.ceil(policy.errorThreshold * policy.volumeThreshold)),
            interval: seconds(policy.rollingWindowMs),
            baseEjectionTime: seconds(policy.resetTimeoutMs),
            maxEjectionPercent: 100,
          },
        },
      },
    };
  });
}
