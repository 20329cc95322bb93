import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LabSettingsError, parseLabSettings } from '@tracseq/contract';
import { describe, expect, it } from 'vitest';
import { createMetricsRegistry } from '../metrics/create-metrics-registry.js';
import { SeriesLimiter } from '../metrics/series-limiter.js';
import { createLabMetrics } from './lab-metrics.js';

const EXAMPLE = readFileSync(
  join(dirname(fileURLToPath(import.meta.url)), '../../../../examples/lab-settings.yaml'),
  'utf8',
);

describe('lab metrics', () => {
  it('sets zone capacity and info from the lab settings and bounds labels by the allow-lists', async () => {
    const settings = parseLabSettings(EXAMPLE);
    const { registry, metrics } = createMetricsRegistry({
      serviceName: 'storage-service',
      defaultMetrics: false,
    });
    const dropped: string[] = [];
    const lab = createLabMetrics(settings, metrics, new SeriesLimiter(3, (m) => dropped.push(m)));
    lab.sampleReceived({ sampleType: 'blood' });
    lab.sampleReceived({ sampleType: 'patient-1234' });
    lab.sampleProcessed({ sampleType: 'blood', outcome: 'failed' });
    lab.processingDuration({ sampleType: 'blood', stage: 'total' }, 5400);
    lab.setStorageUsed('freezer_minus_80', 250);
    lab.setStorageUsed('no_such_zone', 1);
    lab.setStorageTemperature('freezer_minus_80', -79.5);
    lab.manualOperation({ operation: 'relabel' });
    lab.manualOperation({ operation: 'a' });
    lab.manualOperation({ operation: 'b', lab: 'lab-z' });
    lab.manualOperation({ operation: 'override_qc' });
    const text = await registry.metrics();
    expect(text).toContain(
      'tracseq_storage_capacity_slots{zone="freezer_minus_80",service="storage-service"} 1000',
    );
    expect(text).toContain(
      'tracseq_storage_capacity_slots{zone="freezer_minus_20",service="storage-service"} 2000',
    );
    expect(text).toContain(
      'tracseq_storage_zone_info{zone="freezer_minus_80",lab="lab-a",target_temperature_celsius="-80",service="storage-service"} 1',
    );
    expect(text).toContain(
      'tracseq_storage_used_slots{zone="freezer_minus_80",service="storage-service"} 250',
    );
    expect(text).not.toContain('no_such_zone');
    expect(text).toContain(
      'tracseq_samples_received_total{lab="lab-a",sample_type="other",service="storage-service"} 1',
    );
    expect(text).not.toContain('patient-1234');
    expect(text).toContain(
      'tracseq_sample_processing_duration_seconds_bucket{le="7200",service="storage-service",lab="lab-a",sample_type="blood",stage="total"} 1',
    );
    // relabel, other (a), other/other (b in lab-z): the 4th distinct set hits the cap of 3.
    expect(dropped).toEqual(['tracseq_manual_operations_total']);
  });

  it('names the file, line and field of a bad lab settings document (the contract parser)', () => {
    expect(() =>
      parseLabSettings(
        'lab: lab-a\nstorage_zones:\n  - { name: f, temperature: -80, capacity: 0 }\n',
        'lab.yaml',
      ),
    ).toThrow(LabSettingsError);
    expect(() => parseLabSettings('storage_zones: []\n')).toThrow(
      /laboratory_settings:1:1: missing required field "lab"/,
    );
  });
});
