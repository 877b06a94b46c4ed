/**
 * A kept-alive connection the gateway closed while the kiosk was writing a request on it (the
 * server's idle timer and the kiosk's next call at the same moment): the request is reset unread.
 * A query is sent again on a new connection; a state-changing call stays in doubt, as any lost
 * answer does (docs/settlement.md), and is never sent twice by the client on its own.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GatewayClient } from './client.ts';
import type { GatewaySimulator } from './simulator/server.ts';
import { startTestGateway, testClientOptions } from './testing/test-client.ts';

const clock = { now: () => new Date() };
let sim: GatewaySimulator;
let proxy: Server;
let proxyUrl = '';
/** Requests the proxy reset: each connection's second request, as a server closing it would. */
let resets = 0;
let forwarded = 0;

/** A TCP proxy to the simulator that serves one request per connection, then resets the next. */
function startResettingProxy(target: URL): Promise<Server> {
  const server = createServer((client: Socket) => {
    const upstream = createConnection(Number(target.port), target.hostname);
    let requests = 0;
    client.on('data', (chunk: Buffer) => {
      // Requests are small and never pipelined: a chunk that starts with the method is a new one.
      if (chunk.subarray(0, 5).toString('latin1') === 'POST ') requests++;
      if (requests >= 2) {
        resets++;
        upstream.destroy();
        client.resetAndDestroy();
        return;
      }
      if (chunk.subarray(0, 5).toString('latin1') === 'POST ') forwarded++;
      upstream.write(chunk);
    });
    upstream.on('data', (chunk: Buffer) => client.write(chunk));
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
    client.on('close', () => upstream.destroy());
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

beforeAll(async () => {
  sim = await startTestGateway(':memory:', clock);
  proxy = await startResettingProxy(new URL(sim.url));
  const address = proxy.address();
  if (!address || typeof address === 'string') throw new Error('proxy has no port');
  proxyUrl = `http://127.0.0.1:${address.port}`;
});
afterAll(async () => {
  proxy.close();
  await sim.close();
});
beforeEach(() => {
  resets = 0;
  forwarded = 0;
});

describe('a kept-alive connection closed by the gateway', () => {
  it('a query is sent again on a new connection and answered', async () => {
    const client = new GatewayClient(testClientOptions(proxyUrl, clock, { timeoutMs: 3000 }));
    // The sign-in (9001) opens the connection; the query is the second request on it.
    const out = await client.call('K501', { data: { since_version: '' } });
    expect(out.gallery.changed).toBe(true);
    expect(resets).toBe(1);
    expect(forwarded).toBe(2);
  });

  it('a state-changing call is not sent again by the client: its outcome is in doubt', async () => {
    const client = new GatewayClient(testClientOptions(proxyUrl, clock, { timeoutMs: 3000 }));
    await expect(
      client.call('2205', { data: { chrg_bchno: 'B1', mdtrt_id: 'M1', psn_no: 'P1' } }),
    ).rejects.toMatchObject({ code: 'settlement-in-doubt' });
    expect(resets).toBe(1);
    expect(forwarded).toBe(1);
  });
});
