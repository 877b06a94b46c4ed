/**
 * 2601, the platform's reversal of a transaction by its msgid: what it undoes at the simulator,
 * that an original arriving after it changes nothing, and where the kiosk sends it (a resend
 * refused while the first 2207 may still land; a registration whose outcome stayed unknown).
 * Real HTTP to the gateway simulator, real SQLite journal.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GatewayClient } from './client.ts';
import { PaymentJournal } from './journal.ts';
import { PaymentCoordinator } from './payments.ts';
import { GatewaySettlementPort } from './settlement-port.ts';
import { loadScenario } from './simulator/scenario.ts';
import type { GatewaySimulator } from './simulator/server.ts';
import { startTestGateway, testClientOptions } from './testing/test-client.ts';
import { registerVisitInputFor, settleInputFor } from './wire-mapping.ts';

const scenario = loadScenario();
const clock = { now: () => new Date('2026-11-22T02:00:00Z') };
const person = (name: string) => scenario.patients.find((p) => p.name.startsWith(name))!;
let sim: GatewaySimulator;
let dir: string;
let journal: PaymentJournal;
let client: GatewayClient;
let port: GatewaySettlementPort;
let payments: PaymentCoordinator;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'reversal-'));
  sim = await startTestGateway(join(dir, 'gateway.sqlite'), clock, scenario);
  client = new GatewayClient(testClientOptions(sim.url, clock, { timeoutMs: 800 }));
  journal = new PaymentJournal(join(dir, 'journal.sqlite'), clock.now);
  payments = new PaymentCoordinator({
    client,
    journal,
    clock,
    timeZone: scenario.hospital.timezone,
    log: () => undefined,
    pollMs: [5],
    maxLiveMs: 1,
    inDoubtWaitMs: 1,
    sleep: async () => undefined,
  });
  port = new GatewaySettlementPort(client, payments);
});

afterEach(async () => {
  journal.close();
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function sheldonsBill() {
  const patient = await port.findPatient(person('Sheldon').certno);
  const [bill] = await port.unpaidBills(patient);
  return { patient, bill: bill! };
}

const balance = (psnNo: string) => sim.store.people.person(psnNo)!.balance_cents;

describe('2601 at the simulator', () => {
  it('reverses a settlement by its msgid; the original sent again is refused; twice is harmless', async () => {
    const { patient, bill } = await sheldonsBill();
    const before = balance(patient.personNo);
    const msgid = client.newMsgid();
    await client.call('2207', settleInputFor(patient, bill), { msgid });
    expect(balance(patient.personNo)).toBeLessThan(before);
    const reversal = { data: { psn_no: patient.personNo, omsgid: msgid, oinfno: '2207' as const } };
    expect(await client.call('2601', reversal)).toEqual({});
    expect(await client.call('2601', reversal)).toEqual({});
    expect(balance(patient.personNo)).toBe(before);
    expect(sim.billRecord(bill.id)).toMatchObject({ status: 'unpaid' });
    await expect(client.call('2207', settleInputFor(patient, bill), { msgid })).rejects.toThrow(
      /was reversed \(2601\)/,
    );
    expect((await client.call('K102', { data: { msgid } })).txn).toMatchObject({
      found: true,
      status: 'reversed',
    });
  });

  it('a msgid the gateway never saw is refused when it arrives after its reversal', async () => {
    const { patient, bill } = await sheldonsBill();
    const msgid = client.newMsgid();
    await client.call('2601', {
      data: { psn_no: patient.personNo, omsgid: msgid, oinfno: '2207' },
    });
    await expect(client.call('2207', settleInputFor(patient, bill), { msgid })).rejects.toThrow(
      /was reversed/,
    );
    expect(sim.store.settlements.count()).toBe(0);
    // Another person cannot reverse it as theirs, nor as another transaction.
    await expect(
      client.call('2601', { data: { psn_no: 'P0002', omsgid: msgid, oinfno: '2207' } }),
    ).rejects.toThrow(/reversed as another transaction/);
  });

  it('withdraws a registration (2201) with nothing under it; one with fee details is refused', async () => {
    const leonard = await port.findPatient(person('Leonard').certno);
    const bill = (await port.unpaidBills(leonard)).find((b) => b.visit.id === '')!;
    const msgid = client.newMsgid();
    const visit = (await client.call('2201', registerVisitInputFor(leonard, bill), { msgid })).data;
    await client.call('2601', {
      data: { psn_no: leonard.personNo, omsgid: msgid, oinfno: '2201' },
    });
    expect(sim.store.visits.visit(visit.mdtrt_id)).toBeUndefined();
    await expect(
      client.call('2201', registerVisitInputFor(leonard, bill), { msgid }),
    ).rejects.toThrow(/was reversed \(2601\): not registered/);
    // Registered and uploaded under: the details must be revoked (2205) first.
    const preview = await port.preSettle(leonard, bill);
    const registration = sim.store.visits.visit(preview.visit!.id)!;
    await expect(
      client.call('2601', {
        data: { psn_no: leonard.personNo, omsgid: registration.msgid!, oinfno: '2201' },
      }),
    ).rejects.toThrow(/revoke them \(2205\) before reversing 2201/);
  });
});

describe('the kiosk sends 2601 where the platform expects it', () => {
  it('a 2207 in doubt whose resend is refused: its msgid is reversed before the cash goes back', async () => {
    const { patient: penny, bill } = await (async () => {
      const p = await port.findPatient(person('Penny').certno);
      return { patient: p, bill: (await port.unpaidBills(p))[0]! };
    })();
    const preview = await port.preSettle(penny, bill);
    const start = await port.beginPayment(penny, bill, preview, 'mobile');
    sim.payOrder(start.order!.orderNo);
    expect(await port.waitForCash(start.paymentId, new AbortController().signal)).toBe('paid');
    // Both sends of 2207 are lost before the gateway applies them: the outcome is unknown.
    sim.injectFault({ infno: '2207', kind: 'reset-before-commit', times: 2 });
    await expect(port.completePayment(start.paymentId)).rejects.toMatchObject({
      code: 'settlement-in-doubt',
    });
    // Meanwhile the counter took the bill, so a resend is refused.
    sim.store.db.prepare(`UPDATE bills SET status = 'paid' WHERE chrg_bchno = ?`).run(bill.id);
    // The gateway is away when recovery first tries 2601: the payment stays in doubt.
    sim.injectFault({ infno: '2601', kind: 'http-500', times: 2 });
    await payments.recover();
    expect(journal.get(start.paymentId)!.settle_state).toBe('in-doubt');
    expect(sim.store.reversedMsgids.has(start.paymentId)).toBe(false);
    const report = await payments.recover();
    expect(report).toMatchObject({ failed: 1, refunded: 1 });
    expect(sim.store.reversedMsgids.has(start.paymentId)).toBe(true);
    expect(journal.get(start.paymentId)).toMatchObject({
      settle_state: 'failed',
      cash_state: 'refunded',
    });
    // The lost original, delivered late, can no longer settle.
    sim.store.db.prepare(`UPDATE bills SET status = 'unpaid' WHERE chrg_bchno = ?`).run(bill.id);
    const input = JSON.parse(journal.get(start.paymentId)!.settle_input_json) as ReturnType<
      typeof settleInputFor
    >;
    await expect(client.call('2207', input, { msgid: start.paymentId })).rejects.toThrow(
      /was reversed \(2601\)/,
    );
    expect(sim.store.settlements.count()).toBe(0);
  });

  it('a registration whose outcome stays unknown is reversed by msgid, leaving no visit behind', async () => {
    const leonard = await port.findPatient(person('Leonard').certno);
    const bill = (await port.unpaidBills(leonard)).find((b) => b.visit.id === '')!;
    // Applied at the gateway both times, but neither answer arrives.
    sim.injectFault({ infno: '2201', kind: 'reset-after-commit', times: 2 });
    await expect(port.preSettle(leonard, bill)).rejects.toMatchObject({
      code: 'settlement-in-doubt',
    });
    const rows = sim.store.db
      .prepare(`SELECT COUNT(*) AS n FROM visits WHERE psn_no = ? AND registered_by = 'kiosk'`)
      .get(leonard.personNo) as { n: number };
    expect(rows.n).toBe(0);
    expect(
      (sim.store.db.prepare(`SELECT COUNT(*) AS n FROM reversed_msgids`).get() as { n: number }).n,
    ).toBe(1);
  });
});
