import { breakerName, resolvePolicy } from '@tracseq/contract';
import type { BreakerConfig } from './breaker-config.js';
import { buildDestinationRules, type IstioTarget } from './istio-destination-rule.js';

/** One target's Istio resources and what they leave out. */
export interface IstioExport {
  readonly target: IstioTarget;
  /** The DestinationRule, then an EnvoyFilter per policy only Envoy can express. */
  readonly resources: readonly Record<string, unknown>[];
  /** One line per policy a DestinationRule cannot express, naming the policy and what was done. */
  readonly warnings: readonly string[];
}

const LABELS = {
  'app.kubernetes.io/managed-by': 'tracseq-circuit-breaker',
  'app.kubernetes.io/part-of': 'tracseq',
};

function envoyFilter(
  target: IstioTarget,
  suffix: string,
  spec: Record<string, unknown>,
): Record<string, unknown> {
  return {
    apiVersion: 'networking.istio.io/v1alpha3',
    kind: 'EnvoyFilter',
    metadata: {
      name: `${target.name}-${suffix}`,
      ...(target.namespace ? { namespace: target.namespace } : {}),
      labels: LABELS,
    },
    spec,
  };
}

/**
 * Envoy's failure-percentage outlier ejection on the clients' outbound cluster of the host: the
 * breaker's failure ratio over its minimum volume, which a DestinationRule can only approximate
 * with consecutive 5xx errors.
 */
function failurePercentage(target: IstioTarget, errorThreshold: number, volume: number) {
  return envoyFilter(target, 'failure-percentage', {
    configPatches: [
      {
        applyTo: 'CLUSTER',
        match: { context: 'SIDECAR_OUTBOUND', cluster: { service: target.host } },
        patch: {
          operation: 'MERGE',
          value: {
            outlier_detection: {
              failure_percentage_threshold: Math.round(errorThreshold * 100),
              enforcing_failure_percentage: 100,
              failure_percentage_request_volume: volume,
              failure_percentage_minimum_hosts: 1,
            },
          },
        },
      },
    ],
  });
}

/**
 * Envoy's adaptive concurrency filter in front of the target's workloads (selected by
 * `app.kubernetes.io/name` = the target's name, as the generated Deployments label them). Envoy
 * has one algorithm, a gradient controller that pins the limit to `min` while it measures the
 * minimum RTT; `max` carries over.
 */
function adaptiveConcurrency(target: IstioTarget, min: number, max: number) {
  return envoyFilter(target, 'adaptive-concurrency', {
    workloadSelector: { labels: { 'app.kubernetes.io/name': target.name } },
    configPatches: [
      {
        applyTo: 'HTTP_FILTER',
        match: {
          context: 'SIDECAR_INBOUND',
          listener: {
            filterChain: {
              filter: {
                name: 'envoy.filters.network.http_connection_manager',
                subFilter: { name: 'envoy.filters.http.router' },
              },
            },
          },
        },
        patch: {
          operation: 'INSERT_BEFORE',
          value: {
            name: 'envoy.filters.http.adaptive_concurrency',
            typed_config: {
              '@type':
                'type.googleapis.com/envoy.extensions.filters.http.adaptive_concurrency.v3.AdaptiveConcurrency',
              gradient_controller_config: {
                sample_aggregate_percentile: { value: 50 },
                concurrency_limit_params: { max_concurrency_limit: max, concurrency_update_interval: '0.1s' },
                min_rtt_calc_params: { interval: '60s', request_count: 50, min_concurrency: min },
              },
            },
          },
        },
      },
    ],
  });
}

/**
 * Each target's breaker policy for Istio: the DestinationRule of {@link buildDestinationRules},
 * and for the second-wave policy keys a DestinationRule cannot express, a warning naming the key
 * and, where Envoy can express it, an `EnvoyFilter`: the failure ratio (Envoy's
 * failure-percentage ejection) and `concurrency` (Envoy's adaptive concurrency filter). Slow
 * calls, per-kind `errorThresholds` and count windows have no Envoy equivalent: warning only.
 */
export function buildIstioExport(config: BreakerConfig, targets: readonly IstioTarget[]): IstioExport[] {
  const rules = buildDestinationRules(config, targets);
  return targets.map((target, i) => {
    const policy = resolvePolicy(config, target.key);
    const about = `${target.name} (breaker ${breakerName(target.key)})`;
    const resources: Record<string, unknown>[] = [rules[i] as Record<string, unknown>];
    const warnings: string[] = [];
    const consecutive = Math.max(1, Math.ceil(policy.errorThreshold * policy.volumeThreshold));
    resources.push(failurePercentage(target, policy.errorThreshold, policy.volumeThreshold));
    warnings.push(
      `${about}: errorThreshold ${policy.errorThreshold * 100} % over ${policy.volumeThreshold} calls is a failure ratio; the DestinationRule approximates it as consecutive5xxErrors ${consecutive}; EnvoyFilter ${target.name}-failure-percentage sets Envoy's failure-percentage ejection`,
    );
    if (policy.slowCallDurationMs > 0) {
      warnings.push(
        `${about}: slowCallDuration ${policy.slowCallDurationMs} ms / slowCallRateThreshold ${policy.slowCallRateThreshold * 100} %: neither a DestinationRule nor Envoy ejects a host for slow successes; not exported`,
      );
    }
    const kinds = Object.keys(policy.errorThresholds);
    if (kinds.length > 0) {
      warnings.push(
        `${about}: errorThresholds (${kinds.join(', ')}): Istio and Envoy eject on all 5xx or gateway errors together, not on a ratio per failure kind; not exported`,
      );
    }
    if (policy.window.type === 'count') {
      warnings.push(
        `${about}: window { type: count, size: ${policy.window.size} }: Istio judges errors per interval, not over the last N calls; exported as interval ${Math.max(1, Math.round(policy.rollingWindowMs / 1000))}s`,
      );
    }
    const concurrency = policy.concurrency;
    if (concurrency !== undefined) {
      resources.push(adaptiveConcurrency(target, concurrency.min, concurrency.max));
      warnings.push(
        `${about}: concurrency (adaptive: ${concurrency.adaptive}): a DestinationRule has only fixed limits; EnvoyFilter ${target.name}-adaptive-concurrency adds Envoy's adaptive concurrency filter (Envoy's own gradient controller, not ${concurrency.adaptive}; min ${concurrency.min}, max ${concurrency.max}) on workloads labelled app.kubernetes.io/name=${target.name}`,
      );
    }
    return { target, resources, warnings };
  });
}
