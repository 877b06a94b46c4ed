/**
 * A production gateway over HTTPS: the client trusts the hospital's CA it is given (and no public
 * one then), and with pinned keys only a gateway holding one of them. A gateway it does not
 * trust cannot be reached at all.
 */
import { execFileSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayClient } from './client.ts';
import { type GatewayTls, publicKeyPin } from './http-post.ts';
import { loadScenario } from './simulator/scenario.ts';
import { GatewaySimulator } from './simulator/server.ts';
import { testClientOptions } from './testing/test-client.ts';
import { testCertificate } from './testing/tls-cert.ts';

const ours = testCertificate();
const someoneElses = testCertificate();
const pinOf = (pem: string) => publicKeyPin(new X509Certificate(pem).raw);
let sim: GatewaySimulator;

beforeAll(async () => {
  sim = new GatewaySimulator({
    scenario: loadScenario(),
    databaseFile: ':memory:',
    clients: { kiosk: 'test-secret' },
    clock: { now: () => new Date() },
    tls: ours,
  });
  await sim.start(0);
});
afterAll(() => sim.close());

const read = (tls?: GatewayTls) =>
  new GatewayClient(
    testClientOptions(
      sim.url,
      { now: () => new Date() },
      { timeoutMs: 3000, ...(tls ? { tls } : {}) },
    ),
  ).call('K501', { data: { since_version: '' } });

describe('HTTPS to the gateway', () => {
  it('the simulator serves https, and a client given its CA reads from it', async () => {
    expect(sim.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect((await read({ ca: ours.cert })).gallery.changed).toBe(true);
  });

  it('without that CA the gateway is not trusted: the public CAs do not vouch for it', async () => {
    await expect(read()).rejects.toMatchObject({ code: 'gateway-unavailable' });
    await expect(read({ ca: someoneElses.cert })).rejects.toMatchObject({
      code: 'gateway-unavailable',
    });
  });

  it('with pinned keys, only a gateway holding one of them', async () => {
    const pinned = { ca: ours.cert, pinnedKeys: [pinOf(someoneElses.cert), pinOf(ours.cert)] };
    expect((await read(pinned)).gallery.changed).toBe(true);
    await expect(
      read({ ca: ours.cert, pinnedKeys: [pinOf(someoneElses.cert)] }),
    ).rejects.toMatchObject({
      code: 'gateway-unavailable',
      cause: { name: 'CertificatePinError' },
    });
  });

  it('a pin is what openssl prints for the certificate (how a hospital computes it)', () => {
    const openssl = execFileSync(
      'sh',
      [
        '-c',
        'openssl x509 -pubkey -noout | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64',
      ],
      { input: ours.cert },
    );
    expect(openssl.toString().trim()).toBe(pinOf(ours.cert));
  });
});
