// Load generator CLI: node src/main.ts --rate 20 --duration 60 [--fault storage-outage --fault-after 10 --fault-for 30]
import { parseArgs } from 'node:util';
import { type FaultKind, runLoad } from './load.ts';

const { values } = parseArgs({
  options: {
    rate: { type: 'string', default: '20' },
    duration: { type: 'string', default: '60' },
    'sample-service': { type: 'string', default: 'http://127.0.0.1:3001' },
    'storage-service': { type: 'string', default: 'http://127.0.0.1:3002' },
    fault: { type: 'string', default: 'none' },
    'fault-after': { type: 'string', default: '10' },
    'fault-for': { type: 'string', default: '30' },
  },
});
const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
try {
  const stats = await runLoad(
    {
      sampleServiceUrl: values['sample-service'],
      storageServiceUrl: values['storage-service'],
      rate: Number(values.rate),
      durationSeconds: Number(values.duration),
      fault: values.fault as FaultKind,
      faultAfterSeconds: Number(values['fault-after']),
      faultForSeconds: Number(values['fault-for']),
    },
    controller.signal,
  );
  process.stdout.write(`${JSON.stringify(stats)}\n`);
} catch (error) {
  process.stderr.write(`load: ${(error as Error).message}\n`);
  process.exitCode = 2;
}
