import { DestinationRule } from '@kubernetes-models/istio/networking.istio.io/v1';
import { EnvoyFilter } from '@kubernetes-models/istio/networking.istio.io/v1alpha3';
import { describe, expect, it } from 'vitest';
import { parseBreakerConfigYaml } from './breaker-config.js';
import { buildIstioExport } from './istio-export.js';

const SETTINGS = [
  'lab: lab-a',
  'breakers:',
  '  defaults: { errorThreshold: 0.5, volumeThreshold: 10 }',
  '  rules:',
  '    - match: { instrument: sequencer-1 }',
  '      slowCallDuration: 2s',
  '      slowCallRateThreshold: 0.5',
  '      errorThresholds: { timeout: 0.2 }',
  '      window: { type: count, size: 50 }',
  '    - match: { instrument: storage-robot }',
  '      capacity: 16',
  '      concurrency: { adaptive: vegas, min: 2, max: 12 }',
  '',
].join('\n');

/** Validates a resource with the typed Istio model of its kind (the models' OpenAPI schemas). */
function validate(resource: Record<string, unknown>): void {
  const Model = resource.kind === 'EnvoyFilter' ? EnvoyFilter : DestinationRule;
  new Model(resource as never).validate();
}

describe('buildIstioExport', () => {
  const config = parseBreakerConfigYaml(SETTINGS);
  const [sequencer, robot, lims] = buildIstioExport(config, [
    {
      name: 'sequencer',
      host: 'sequencer.lab.svc.cluster.local',
      namespace: 'lab',
      key: { lab: 'lab-a', instrument: 'sequencer-1' },
    },
    {
      name: 'storage-robot',
      host: 'robot.lab.svc.cluster.local',
      namespace: 'lab',
      key: { lab: 'lab-a', instrument: 'storage-robot' },
    },
    { name: 'lims', host: 'lims.lab.svc.cluster.local', key: { lab: 'lab-a', instrument: 'lims' } },
  ]);

  it('every resource validates against the Istio models', () => {
    const all = [sequencer, robot, lims].flatMap((e) => e?.resources ?? []);
    expect(all.map((r) => `${r.kind} ${(r.metadata as { name: string }).name}`)).toEqual([
      'DestinationRule sequencer',
      'EnvoyFilter sequencer-failure-percentage',
      'DestinationRule storage-robot',
      'EnvoyFilter storage-robot-failure-percentage',
      'EnvoyFilter storage-robot-adaptive-concurrency',
      'DestinationRule lims',
      'EnvoyFilter lims-failure-percentage',
    ]);
    for (const resource of all) expect(() => validate(resource)).not.toThrow();
  });

  it('the models catch a broken EnvoyFilter (the validation can fail)', () => {
    const broken = structuredClone(robot?.resources[2]) as { spec: { configPatches: { applyTo: string }[] } };
    (broken.spec.configPatches[0] as { applyTo: string }).applyTo = 'SOMEWHERE';
    expect(() => validate(broken as never)).toThrow();
  });

  it('turns the failure ratio into Envoy failure-percentage ejection on the outbound cluster', () => {
    expect(sequencer?.resources[1]).toMatchObject({
      spec: {
        configPatches: [
          {
            applyTo: 'CLUSTER',
            match: { context: 'SIDECAR_OUTBOUND', cluster: { service: 'sequencer.lab.svc.cluster.local' } },
            patch: {
              operation: 'MERGE',
              value: {
                outlier_detection: {
                  failure_percentage_threshold: 50,
                  enforcing_failure_percentage: 100,
                  failure_percentage_request_volume: 10,
                },
              },
            },
          },
        ],
      },
    });
  });

  it('adds Envoy adaptive concurrency with min and max for a concurrency policy', () => {
    expect(robot?.resources[2]).toMatchObject({
      spec: {
        workloadSelector: { labels: { 'app.kubernetes.io/name': 'storage-robot' } },
        configPatches: [
          {
            applyTo: 'HTTP_FILTER',
            match: { context: 'SIDECAR_INBOUND' },
            patch: {
              operation: 'INSERT_BEFORE',
              value: {
                name: 'envoy.filters.http.adaptive_concurrency',
                typed_config: {
                  gradient_controller_config: {
                    concurrency_limit_params: { max_concurrency_limit: 12 },
                    min_rtt_calc_params: { min_concurrency: 2 },
                  },
                },
              },
            },
          },
        ],
      },
    });
  });

  it('warns for every policy a DestinationRule cannot express, naming it', () => {
    expect(sequencer?.warnings).toEqual([
      "sequencer (breaker lab-a/sequencer-1/*): errorThreshold 50 % over 10 calls is a failure ratio; the DestinationRule approximates it as consecutive5xxErrors 5; EnvoyFilter sequencer-failure-percentage sets Envoy's failure-percentage ejection",
      'sequencer (breaker lab-a/sequencer-1/*): slowCallDuration 2000 ms / slowCallRateThreshold 50 %: neither a DestinationRule nor Envoy ejects a host for slow successes; not exported',
      'sequencer (breaker lab-a/sequencer-1/*): errorThresholds (timeout): Istio and Envoy eject on all 5xx or gateway errors together, not on a ratio per failure kind; not exported',
      'sequencer (breaker lab-a/sequencer-1/*): window { type: count, size: 50 }: Istio judges errors per interval, not over the last N calls; exported as interval 10s',
    ]);
    expect(robot?.warnings.at(-1)).toBe(
      "storage-robot (breaker lab-a/storage-robot/*): concurrency (adaptive: vegas): a DestinationRule has only fixed limits; EnvoyFilter storage-robot-adaptive-concurrency adds Envoy's adaptive concurrency filter (Envoy's own gradient controller, not vegas; min 2, max 12) on workloads labelled app.kubernetes.io/name=storage-robot",
    );
    expect(lims?.warnings).toHaveLength(1);
  });
});
