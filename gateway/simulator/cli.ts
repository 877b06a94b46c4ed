/**
 * npm run gateway -- [--port N] [--data DIR] [--scenario FILE] [--secret S]
 * Runs the gateway simulator on 127.0.0.1 until SIGINT/SIGTERM.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { systemClock } from '../../core/domain.ts';
import { loadScenario } from './scenario.ts';
import { GatewaySimulator } from './server.ts';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    data: { type: 'string' },
    scenario: { type: 'string' },
    secret: { type: 'string' },
    paasid: { type: 'string', default: 'kiosk' },
  },
});
const secret = values.secret ?? process.env.GATEWAY_SECRET;
if (!secret) {
  console.error('gateway: a secret is required (--secret S or GATEWAY_SECRET)');
  process.exit(2);
}
let databaseFile = ':memory:';
if (values.data) {
  mkdirSync(values.data, { recursive: true, mode: 0o700 });
  databaseFile = join(values.data, 'gateway.sqlite');
}
const sim = new GatewaySimulator({
  scenario: loadScenario(values.scenario),
  databaseFile,
  clients: { [values.paasid]: secret },
  clock: systemClock,
  // Testers drive faults and wallet payments through /control/ with this header value.
  ...(process.env.SIM_CONTROL_TOKEN ? { controlToken: process.env.SIM_CONTROL_TOKEN } : {}),
});
const url = await sim.start(Number(values.port));
console.log(`listening on ${url}`);
const stop = () => {
  void sim.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
