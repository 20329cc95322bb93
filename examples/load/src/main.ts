// Load generator CLI: node src/main.ts --rate 20 --duration 60 [--fault storage-outage --fault-after 10 --fault-for 30]
import { parseArgs } from 'node:util';
import { FAULTS, isFaultKind, runLoad } from './load.ts';

const USAGE = `usage: node examples/load/src/main.ts [--rate 20] [--duration 60] [--sample-service URL]
       [--storage-service URL] [--fault KIND] [--fault-after 10] [--fault-for 30]
Submits samples at --rate per second for --duration seconds and processes each accepted one;
prints the counts as JSON. Faults (--fault):
${Object.entries(FAULTS)
  .map(([kind, what]) => `  ${kind.padEnd(22)} ${what}`)
  .join('\n')}`;

let values: Record<string, string | boolean | undefined>;
try {
  ({ values } = parseArgs({
    options: {
      rate: { type: 'string', default: '20' },
      duration: { type: 'string', default: '60' },
      'sample-service': { type: 'string', default: 'http://127.0.0.1:3001' },
      'storage-service': { type: 'string', default: 'http://127.0.0.1:3002' },
      fault: { type: 'string', default: 'none' },
      'fault-after': { type: 'string', default: '10' },
      'fault-for': { type: 'string', default: '30' },
      help: { type: 'boolean', short: 'h' },
    },
  }));
} catch (error) {
  process.stderr.write(`load: ${(error as Error).message}\n${USAGE}\n`);
  process.exit(2);
}
if (values.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
const fault = String(values.fault);
if (!isFaultKind(fault)) {
  process.stderr.write(`load: --fault ${fault} is not a fault\n${USAGE}\n`);
  process.exit(2);
}
const controller = new AbortController();
process.once('SIGINT', () => controller.abort());
try {
  const stats = await runLoad(
    {
      sampleServiceUrl: String(values['sample-service']),
      storageServiceUrl: String(values['storage-service']),
      rate: Number(values.rate),
      durationSeconds: Number(values.duration),
      fault,
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
