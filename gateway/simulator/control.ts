/**
 * The simulator's /control/ routes for tests and testers: arm and clear faults, pay a pending
 * order from a wallet, read the state, reset the world to the scenario as loaded. Every route
 * needs the control token.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import { type WalletChannel, walletChannels } from '../wire-vocabulary.ts';
import { type Fault, faultSchema } from './faults.ts';
import { readBody } from './read-body.ts';
import type { WorldReset } from './world-reset.ts';

export interface ControlTarget {
  injectFault(fault: Fault): void;
  clearFaults(): void;
  faults(): readonly Fault[];
  payOrder(orderNo: string, channel: WalletChannel): string;
  settlementCount(): number;
  /** Every settlement, order, binding and sign-in gone, the scenario loaded again, no faults. */
  resetWorld(): WorldReset;
}

export async function handleControl(
  req: IncomingMessage,
  res: ServerResponse,
  token: string | undefined,
  target: ControlTarget,
): Promise<void> {
  const json = (status: number, body: unknown) =>
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
  const given = req.headers['x-sim-control'];
  if (!token || typeof given !== 'string' || given !== token) {
    json(403, { error: 'control token required' });
    return;
  }
  try {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const body =
      req.method === 'POST' ? (JSON.parse((await readBody(req)) || '{}') as unknown) : {};
    const pay = /^\/control\/orders\/([A-Za-z0-9]{8,40})\/pay$/.exec(url.pathname);
    if (req.method === 'POST' && url.pathname === '/control/faults') {
      target.injectFault(faultSchema.parse(body));
      json(200, { faults: target.faults() });
    } else if (req.method === 'DELETE' && url.pathname === '/control/faults') {
      target.clearFaults();
      json(200, { faults: [] });
    } else if (req.method === 'POST' && pay) {
      const channel = z
        .object({ channel: z.enum(walletChannels).default('wechat') })
        .parse(body).channel;
      json(200, { status: target.payOrder(pay[1]!, channel) });
    } else if (req.method === 'POST' && url.pathname === '/control/reset') {
      json(200, target.resetWorld());
    } else if (req.method === 'GET' && url.pathname === '/control/state') {
      json(200, { settlements: target.settlementCount(), faults: target.faults() });
    } else json(404, { error: 'unknown control route' });
  } catch (error) {
    json(400, { error: error instanceof Error ? error.message.slice(0, 200) : 'bad request' });
  }
}
