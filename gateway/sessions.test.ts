/**
 * Sessions on the national interface's terms: 9001 with this machine's real mac and ip and the
 * configured device fields, again on each new business day (hospital time zone), 9002 on
 * shutdown; the simulator refuses a sign_no it did not issue to that terminal, one from another
 * day, and one signed out, each time naming sign_no. Over real HTTP against the simulator.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import type { NetworkInterfaceInfo } from 'node:os';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GatewayClient } from './client.ts';
import { hostAddress, LOOPBACK_ADDRESS } from './host-address.ts';
import { signRequest } from './signing.ts';
import { startTestGateway, testClientOptions } from './testing/test-client.ts';
import { loadScenario } from './simulator/scenario.ts';
import type { GatewaySimulator } from './simulator/server.ts';

const scenario = loadScenario();
// 23:59:30 on 22 November in Shanghai (UTC+8).
const BEFORE_MIDNIGHT = Date.parse('2026-11-22T15:59:30Z');
let nowMs = BEFORE_MIDNIGHT;
const clock = { now: () => new Date(nowMs) };
let sim: GatewaySimulator;
let dir: string;

interface SignInRow {
  sign_no: string;
  opter: string;
  business_date: string;
  mac: string;
  ip: string;
  dev_no: string;
  signed_out_at: string;
}
const signIns = () =>
  sim.store.db.prepare(`SELECT * FROM sign_ins ORDER BY sign_no`).all() as SignInRow[];

/** A business call (K501) sent by hand with a given sign_no, as a terminal would send it. */
async function callWith(signNo: string, opter = 'KIOSK-01') {
  const body = JSON.stringify({
    infno: 'K501',
    msgid: `${scenario.hospital.fixmedins_code}202611221000000001`,
    mdtrtarea_admvs: scenario.hospital.admdvs,
    insuplc_admdvs: '',
    recer_sys_code: 'KIOSK',
    infver: 'V1.0',
    opter_type: '2',
    opter,
    opter_name: 'Lobby kiosk',
    inf_time: '2026-11-22 10:00:00',
    fixmedins_code: scenario.hospital.fixmedins_code,
    fixmedins_name: scenario.hospital.fixmedins_name,
    sign_no: signNo,
    input: { data: { since_version: '' } },
  });
  const headers = signRequest('kiosk', 'test-secret', body, nowMs);
  const r = await fetch(`${sim.url}/api/K501`, { method: 'POST', headers: { ...headers }, body });
  return (await r.json()) as { infcode: number; err_msg: string | null };
}

const gallery = (client: GatewayClient) => client.call('K501', { data: { since_version: '' } });

beforeEach(async () => {
  nowMs = BEFORE_MIDNIGHT;
  dir = mkdtempSync(join(tmpdir(), 'sessions-'));
  sim = await startTestGateway(join(dir, 'gateway.sqlite'), clock, scenario);
});
afterEach(async () => {
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('9001 sign-in', () => {
  it("reports this machine's mac and ip and the configured device number", async () => {
    const client = new GatewayClient(
      testClientOptions(sim.url, clock, { device: { devNo: 'DEV-LOBBY-7', signtype: 'SM2' } }),
    );
    await gallery(client);
    const [row] = signIns();
    const own = hostAddress();
    expect(row).toMatchObject({ opter: 'KIOSK-01', mac: own.mac, ip: own.ip });
    expect(row!.mac).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
    expect(row!.dev_no).toBe('DEV-LOBBY-7');
    expect(row!.business_date).toBe('2026-11-22');
  });

  it('the device number defaults to the kiosk id; a field too long for the envelope is refused', async () => {
    const client = new GatewayClient(testClientOptions(sim.url, clock));
    await gallery(client);
    expect(signIns()[0]!.dev_no).toBe('KIOSK-01');
    expect(
      () =>
        new GatewayClient(
          testClientOptions(sim.url, clock, { device: { signtype: 'X'.repeat(11) } }),
        ),
    ).toThrow(RangeError);
  });

  it("signs in again on the first call of a new business day; yesterday's sign_no is refused by name", async () => {
    const client = new GatewayClient(testClientOptions(sim.url, clock));
    await gallery(client);
    const [yesterday] = signIns();
    nowMs += 60_000; // 00:00:30 on the 23rd in Shanghai, still the 22nd in UTC
    const refused = await callWith(yesterday!.sign_no);
    expect(refused.infcode).toBe(-1);
    expect(refused.err_msg).toBe(
      `sign_no "${yesterday!.sign_no}" was issued on 2026-11-22, not today (2026-11-23): sign in again`,
    );
    // Every request leaves its nonce: a sign-in first is two requests (9001, K501); sending the
    // old sign_no, being refused and signing in then would be three.
    const requestsBefore = sim.store.nonces.count();
    await gallery(client);
    expect(sim.store.nonces.count() - requestsBefore).toBe(2);
    const rows = signIns();
    expect(rows.map((r) => r.business_date)).toEqual(['2026-11-22', '2026-11-23']);
    expect(await callWith(rows[1]!.sign_no)).toMatchObject({ infcode: 0 });
  });

  it('refuses a sign_no issued to another terminal, naming sign_no', async () => {
    const client = new GatewayClient(testClientOptions(sim.url, clock));
    await gallery(client);
    const [row] = signIns();
    const answer = await callWith(row!.sign_no, 'KIOSK-02');
    expect(answer.err_msg).toBe(
      `sign_no "${row!.sign_no}" was not issued to KIOSK-02 by a 9001 sign-in: sign in again`,
    );
  });
});

describe('9002 sign-out', () => {
  it('ends the sign number: the gateway refuses it afterwards, and the client signs in anew', async () => {
    const client = new GatewayClient(testClientOptions(sim.url, clock));
    await gallery(client);
    expect(await client.signOut()).toBe(true);
    expect(client.signedIn).toBe(false);
    const [row] = signIns();
    expect(row!.signed_out_at).toBe('2026-11-22 23:59:30');
    expect((await callWith(row!.sign_no)).err_msg).toBe(
      `sign_no "${row!.sign_no}" was signed out (9002) at 2026-11-22 23:59:30: sign in again`,
    );
    // Nothing to sign out a second time; a later call signs in again.
    expect(await client.signOut()).toBe(false);
    await gallery(client);
    expect(signIns()).toHaveLength(2);
  });

  it('a terminal cannot sign out a sign number it was not given', async () => {
    const a = new GatewayClient(testClientOptions(sim.url, clock));
    await gallery(a);
    const [row] = signIns();
    const b = new GatewayClient(testClientOptions(sim.url, clock, { operatorId: 'KIOSK-02' }));
    await expect(
      b.call('9002', { signOut: { sign_no: row!.sign_no, opter_no: 'KIOSK-02' } }),
    ).rejects.toThrow(`sign_no "${row!.sign_no}" was not issued to KIOSK-02`);
    expect(signIns()[0]!.signed_out_at).toBe('');
  });

  it('a gateway that is gone does not hold the shutdown up: the sign number is dropped', async () => {
    const client = new GatewayClient(testClientOptions(sim.url, clock));
    await gallery(client);
    await sim.stop();
    await expect(client.signOut(500)).rejects.toMatchObject({ code: 'gateway-unavailable' });
    expect(client.signedIn).toBe(false);
  });
});

describe('hostAddress', () => {
  const nic = (over: Partial<NetworkInterfaceInfo>): NetworkInterfaceInfo =>
    ({
      address: '10.1.2.3',
      netmask: '255.255.255.0',
      family: 'IPv4',
      mac: '52:54:00:ab:cd:ef',
      internal: false,
      cidr: '10.1.2.3/24',
      ...over,
    }) as NetworkInterfaceInfo;

  it('takes the first external IPv4 interface with a hardware address', () => {
    expect(
      hostAddress({
        lo: [nic({ address: '127.0.0.1', internal: true, mac: '00:00:00:00:00:00' })],
        tun0: [nic({ address: '10.8.0.2', mac: '00:00:00:00:00:00' })],
        eth0: [
          nic({ family: 'IPv6', address: 'fe80::1' } as Partial<NetworkInterfaceInfo>),
          nic({ address: '192.168.7.20', mac: '52:54:00:AA:BB:CC' }),
        ],
        eth1: [nic({ address: '192.168.8.20' })],
      }),
    ).toEqual({ mac: '52:54:00:aa:bb:cc', ip: '192.168.7.20' });
  });

  it('falls back to loopback when there is none, and skips malformed entries', () => {
    expect(hostAddress({})).toEqual(LOOPBACK_ADDRESS);
    expect(
      hostAddress({ odd: [nic({ address: '999.1.1.1' }), nic({ mac: 'not-a-mac' })] }),
    ).toEqual(LOOPBACK_ADDRESS);
  });
});
