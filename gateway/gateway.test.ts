import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KioskError } from '../core/errors.ts';
import { GatewayClient } from './client.ts';
import { PaymentJournal } from './journal.ts';
import { PaymentCoordinator } from './payments.ts';
import { GatewaySettlementPort } from './settlement-port.ts';
import { signRequest } from './signing.ts';
import { loadScenario } from './simulator/scenario.ts';
import type { GatewaySimulator } from './simulator/server.ts';
import { startTestGateway } from './testing/test-client.ts';

const scenario = loadScenario();
const clock = { now: () => new Date('2026-11-22T02:00:00Z') };
let sim: GatewaySimulator;
let client: GatewayClient;

function clientOptions(secret = 'test-secret', baseUrl = sim?.url ?? 'http://127.0.0.1:1') {
  return {
    baseUrl,
    paasid: 'kiosk',
    secret,
    fixmedinsCode: scenario.hospital.fixmedins_code,
    fixmedinsName: scenario.hospital.fixmedins_name,
    areaCode: scenario.hospital.admdvs,
    timeZone: scenario.hospital.timezone,
    operatorId: 'KIOSK-01',
    operatorName: 'Lobby kiosk 1',
    clock,
    timeoutMs: 3000,
  };
}

function makeClient(secret = 'test-secret', baseUrl = sim.url) {
  return new GatewayClient(clientOptions(secret, baseUrl));
}

beforeEach(async () => {
  sim = await startTestGateway(':memory:', clock, scenario);
  client = makeClient();
});
afterEach(async () => {
  await sim.close();
});

const sheldon = scenario.patients[0]!;

function portFor(c: GatewayClient) {
  const journal = new PaymentJournal(':memory:', clock.now);
  const payments = new PaymentCoordinator({
    client: c,
    journal,
    clock,
    timeZone: scenario.hospital.timezone,
    log: () => undefined,
    pollMs: [5],
  });
  return new GatewaySettlementPort(c, payments);
}

describe('gateway simulator + client over HTTP', () => {
  it('pays an outpatient bill: 1101 -> K101 -> 2206 -> 2207, and the split adds up', async () => {
    const port = portFor(client);
    const patient = await port.findPatient(sheldon.certno);
    expect(patient.personNo).toBe(sheldon.psn_no);
    const bills = await port.unpaidBills(patient);
    expect(bills.map((b) => b.visitType)).toContain('outpatient');
    const bill = bills.find((b) => b.visitType === 'outpatient')!;
    const preview = await port.preSettle(patient, bill);
    expect(preview.split.total).toBe(bill.total);
    // Sheldon's personal account covers his part: no cash to collect.
    expect(preview.split.cash).toBe(0);
    const start = await port.beginPayment(patient, bill, preview, 'none');
    expect(start.cash).toBe('none');
    const settlement = await port.completePayment(start.paymentId);
    expect(settlement.split).toEqual(preview.split);
    expect(await port.unpaidBills(patient)).not.toContainEqual(
      expect.objectContaining({ id: bill.id }),
    );
    expect(sim.store.settlements.count()).toBe(1);
  });

  it('2207 replayed with the same msgid returns the first result and settles once', async () => {
    const port = portFor(client);
    const patient = await port.findPatient(sheldon.certno);
    const [bill] = await port.unpaidBills(patient);
    const input = {
      data: {
        psn_no: patient.personNo,
        mdtrt_cert_type: '02' as const,
        mdtrt_cert_no: patient.idNumber,
        med_type: '11',
        medfee_sumamt: bill!.total / 100,
        psn_setlway: '01' as const,
        mdtrt_id: bill!.visit.id,
        chrg_bchno: bill!.id,
        insutype: patient.insuranceType,
        acct_used_flag: '1' as const,
      },
    };
    const msgid = client.newMsgid();
    const first = await client.call('2207', input, { msgid });
    const again = await client.call('2207', input, { msgid });
    expect(again).toEqual(first);
    expect(sim.store.settlements.count()).toBe(1);
    // A different msgid for the same bill is refused: the bill is already settled.
    await expect(client.call('2207', input)).rejects.toMatchObject({ code: 'gateway-rejected' });
    expect(sim.store.settlements.count()).toBe(1);
  });

  it('rejects a bad signature, a stale timestamp and a replayed nonce, changing nothing', async () => {
    // A kiosk with the wrong secret is refused, and cannot even read the refusal: it is unsigned.
    await expect(
      makeClient('wrong-secret').call('9001', { signIn: { opter_no: 'K', mac: '', ip: '' } }),
    ).rejects.toMatchObject({
      code: 'gateway-bad-response',
      cause: { name: 'ResponseSignatureError', reason: 'missing-headers' },
    });
    const post = (body: string, headers: Record<string, string>) =>
      fetch(`${sim.url}/api/9001`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      }).then((r) => r.json() as Promise<{ infcode: number; err_msg: string }>);
    const body = JSON.stringify({ infno: '9001' });
    const stale = signRequest(
      'kiosk',
      'test-secret',
      body,
      clock.now().getTime() - 301_000,
      'n'.repeat(16),
    );
    expect(await post(body, { ...stale })).toMatchObject({
      infcode: -1,
      err_msg: expect.stringMatching(/stale-timestamp/),
    });
    const forged = signRequest(
      'kiosk',
      'wrong-secret',
      body,
      clock.now().getTime(),
      'f'.repeat(16),
    );
    expect(await post(body, { ...forged })).toMatchObject({
      infcode: -1,
      err_msg: expect.stringMatching(/bad-signature/),
    });
    const fresh = signRequest('kiosk', 'test-secret', body, clock.now().getTime(), 'x'.repeat(16));
    expect((await post(body, { ...fresh })).err_msg).toMatch(/malformed request envelope/);
    expect(await post(body, { ...fresh })).toMatchObject({
      infcode: -1,
      err_msg: expect.stringMatching(/replayed-nonce/),
    });
  });

  it('gateway down: a typed gateway-unavailable error, and it works again when back', async () => {
    const port = portFor(client);
    await client.signIn();
    await sim.stop();
    const err = await port.findPatient(sheldon.certno).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KioskError);
    expect((err as KioskError).code).toBe('gateway-unavailable');
    await sim.start();
    expect((await port.findPatient(sheldon.certno)).personNo).toBe(sheldon.psn_no);
  });
});

describe('the simulator at rest', () => {
  it('idle() waits for a held answer to be done, and is at once when nothing is in hand', async () => {
    await sim.idle();
    sim.injectFault({ infno: '9001', kind: 'latency', latencyMs: 300 });
    let answered = false;
    const call = client.signIn().then(() => (answered = true));
    while (sim.callsInHand === 0) await new Promise((r) => setTimeout(r, 5));
    let idle = false;
    const resting = sim.idle().then(() => (idle = true));
    await new Promise((r) => setImmediate(r));
    expect(idle).toBe(false);
    await resting;
    expect(sim.callsInHand).toBe(0);
    await call;
    expect(answered).toBe(true);
  });
});

describe('msgid', () => {
  it('is fixmedins_code + yyyyMMddHHmmss + 4 digits, and kiosks in different slots never collide', () => {
    const a = new GatewayClient({
      ...clientOptions(),
      terminalSlot: { index: 0, slots: 2 },
      initialSequence: 4999,
    });
    const b = new GatewayClient({
      ...clientOptions(),
      terminalSlot: { index: 1, slots: 2 },
      initialSequence: 4999,
    });
    const fromA = new Set(Array.from({ length: 6000 }, () => a.newMsgid()));
    const fromB = Array.from({ length: 6000 }, () => b.newMsgid());
    expect(fromB.some((m) => fromA.has(m))).toBe(false);
    expect(a.newMsgid()).toMatch(/^H1101050000120261122100000\d{4}$/);
    expect(
      () => new GatewayClient({ ...clientOptions(), terminalSlot: { index: 2, slots: 2 } }),
    ).toThrow(RangeError);
  });
});

describe('face gallery sync (K501)', () => {
  it('lists who is enrolled and from which images, with a version a kiosk can skip on', async () => {
    const first = (await client.call('K501', { data: { since_version: '' } })).gallery;
    expect(first.changed).toBe(true);
    expect(first.persons.map((p) => p.psn_no)).toContain(sheldon.psn_no);
    expect(first.persons.find((p) => p.psn_no === sheldon.psn_no)?.face_images).toEqual(
      sheldon.face_photos,
    );
    // Stuart is insured but has not enrolled his face: he is not in the gallery.
    expect(
      first.persons.some(
        (p) => p.certno === scenario.patients.find((x) => x.name.startsWith('Stuart'))!.certno,
      ),
    ).toBe(false);
    const again = (await client.call('K501', { data: { since_version: first.version } })).gallery;
    expect(again).toEqual({ version: first.version, changed: false, persons: [] });
  });
});
