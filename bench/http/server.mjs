// Child process: one HTTP scenario on one port. Usage: node server.mjs <scenario> <sink-url>.
// Express is loaded with require() after the scenario started, because the OTel
// instrumentations patch modules through the CommonJS require hook (no ESM loader needed).
import { createRequire } from 'node:module';
import { failStartup, serveParent } from '../lib/child-ipc.mjs';
import { addRoute } from './route.mjs';

const SCENARIOS = ['bare', 'tracseq', 'hand', 'peer', 'otel-auto'];

async function main() {
  const [name, sinkUrl] = process.argv.slice(2);
  if (!SCENARIOS.includes(name)) throw new Error(`unknown scenario "${name}"`);
  const require = createRequire(import.meta.url);
  const { start } = await import(`./scenarios/${name}.mjs`);
  const scenario = await start({ sinkUrl, require });
  const express = require('express');
  const app = express();
  scenario.instrument?.(app);
  addRoute(app);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve, reject) => server.once('listening', resolve).once('error', reject));
  serveParent({
    flush: async () => {
      await scenario.flush?.();
      return {};
    },
    stats: async () => {
      const cpu = process.cpuUsage();
      return { rss: process.memoryUsage().rss, cpuUs: cpu.user + cpu.system, ...(await scenario.stats?.()) };
    },
  });
  process.send({
    type: 'ready',
    port: /** @type {import('node:net').AddressInfo} */ (server.address()).port,
  });
}

main().catch(failStartup);
