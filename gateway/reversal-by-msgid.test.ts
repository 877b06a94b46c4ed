/**
 * 2601, the platform's reversal of a transaction by its msgid: what it undoes at the simulator,
 * that an original arriving after it changes nothing, and where the kiosk sends it (a resend
 * refused while the first 2207 may still land; a registration whose outcome stayed unknown).
 * Real HTTP to the gateway simulator, real SQLite journal.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestSite, type TestKiosk, billOf } from './testing/test-kiosk.ts';
import { registerVisitInputFor } from './wire-mapping.ts';
import { settleInputFor } from './wire-mapping-settlement.ts';

const clock = { now: () => new Date('2026-11-22T02:00:00Z') };
let site: TestSite;
let k: TestKiosk;

beforeEach(async () => {
  site = await TestSite.start('reversal-', clock);
  k = site.kiosk({
    client: { timeoutMs: 800 },
    payments: { maxLiveMs: 1, inDoubtWaitMs: 1, sleep: async () => undefined },
  });
});
afterEach(() => site.close());

const person = (name: string) => site.patient(name);
const sheldonsBill = () => billOf(k.port, person('Sheldon').certno);

const balance = (psnNo: string) => site.sim.store.people.person(psnNo)!.balance_cents;

describe('2601 at the simulator', () => {
  it('reverses a settlement by its msgid; the original sent again is refused; twice is harmless', async () => {
    const { patient, bill } = await sheldonsBill();
    const before = balance(patient.personNo);
    const msgid = k.client.newMsgid();
    await k.client.call('2207', settleInputFor(patient, bill), { msgid });
    expect(balance(patient.personNo)).toBeLessThan(before);
    const reversal = { data: { psn_no: patient.personNo, omsgid: msgid, oinfno: '2207' as const } };
    expect(await k.client.call('2601', reversal)).toEqual({});
    expect(await k.client.call('2601', reversal)).toEqual({});
    expect(balance(patient.personNo)).toBe(before);
    expect(site.sim.billRecord(bill.id)).toMatchObject({ status: 'unpaid' });
    await expect(k.client.call('2207', settleInputFor(patient, bill), { msgid })).rejects.toThrow(
      /was reversed \(2601\)/,
    );
    expect((await k.client.call('K102', { data: { msgid } })).txn).toMatchObject({
      found: true,
      status: 'reversed',
    });
  });

  it('a msgid the gateway never saw is refused when it arrives after its reversal', async () => {
    const { patient, bill } = await sheldonsBill();
    const msgid = k.client.newMsgid();
    await k.client.call('2601', {
      data: { psn_no: patient.personNo, omsgid: msgid, oinfno: '2207' },
    });
    await expect(k.client.call('2207', settleInputFor(patient, bill), { msgid })).rejects.toThrow(
      /was reversed/,
    );
    expect(site.sim.store.settlements.count()).toBe(0);
    // Another person cannot reverse it as theirs, nor as another transaction.
    await expect(
      k.client.call('2601', { data: { psn_no: 'P0002', omsgid: msgid, oinfno: '2207' } }),
    ).rejects.toThrow(/reversed as another transaction/);
  });

  it('withdraws a registration (2201) with nothing under it; one with fee details is refused', async () => {
    const leonard = await k.port.findPatient(person('Leonard').certno);
    const bill = (await k.port.unpaidBills(leonard)).find((b) => b.visit.id === '')!;
    const msgid = k.client.newMsgid();
    const visit = (await k.client.call('2201', registerVisitInputFor(leonard, bill), { msgid }))
      .data;
    await k.client.call('2601', {
      data: { psn_no: leonard.personNo, omsgid: msgid, oinfno: '2201' },
    });
    expect(site.sim.store.visits.visit(visit.mdtrt_id)).toBeUndefined();
    await expect(
      k.client.call('2201', registerVisitInputFor(leonard, bill), { msgid }),
    ).rejects.toThrow(/was reversed \(2601\): not registered/);
    // Registered and uploaded under: the details must be revoked (2205) first.
    const preview = await k.port.preSettle(leonard, bill);
    const registration = site.sim.store.visits.visit(preview.visit!.id)!;
    await expect(
      k.client.call('2601', {
        data: { psn_no: leonard.personNo, omsgid: registration.msgid!, oinfno: '2201' },
      }),
    ).rejects.toThrow(/revoke them \(2205\) before reversing 2201/);
  });
});

describe('the kiosk sends 2601 where the platform expects it', () => {
  it('a 2207 in doubt whose resend is refused: its msgid is reversed before the cash goes back', async () => {
    const { patient: penny, bill } = await (async () => {
      const p = await k.port.findPatient(person('Penny').certno);
      return { patient: p, bill: (await k.port.unpaidBills(p))[0]! };
    })();
    const preview = await k.port.preSettle(penny, bill);
    const start = await k.port.beginPayment(penny, bill, preview, 'mobile');
    site.sim.payOrder(start.order!.orderNo);
    expect(await k.port.waitForCash(start.paymentId, new AbortController().signal)).toBe('paid');
    // Both sends of 2207 are lost before the gateway applies them: the outcome is unknown.
    site.sim.injectFault({ infno: '2207', kind: 'reset-before-commit', times: 2 });
    await expect(k.port.completePayment(start.paymentId)).rejects.toMatchObject({
      code: 'settlement-in-doubt',
    });
    // Meanwhile the counter took the bill, so a resend is refused.
    site.sim.store.db.prepare(`UPDATE bills SET status = 'paid' WHERE chrg_bchno = ?`).run(bill.id);
    // The gateway is away when recovery first tries 2601: the payment stays in doubt.
    site.sim.injectFault({ infno: '2601', kind: 'http-500', times: 2 });
    await k.payments.recover();
    expect(k.journal.get(start.paymentId)!.settle_state).toBe('in-doubt');
    expect(site.sim.store.reversedMsgids.has(start.paymentId)).toBe(false);
    const report = await k.payments.recover();
    expect(report).toMatchObject({ failed: 1, refunded: 1 });
    expect(site.sim.store.reversedMsgids.has(start.paymentId)).toBe(true);
    expect(k.journal.get(start.paymentId)).toMatchObject({
      settle_state: 'failed',
      cash_state: 'refunded',
    });
    // The lost original, delivered late, can no longer settle.
    site.sim.store.db
      .prepare(`UPDATE bills SET status = 'unpaid' WHERE chrg_bchno = ?`)
      .run(bill.id);
    const input = JSON.parse(k.journal.get(start.paymentId)!.settle_input_json) as ReturnType<
      typeof settleInputFor
    >;
    await expect(k.client.call('2207', input, { msgid: start.paymentId })).rejects.toThrow(
      /was reversed \(2601\)/,
    );
    expect(site.sim.store.settlements.count()).toBe(0);
  });

  it('a registration whose outcome stays unknown is reversed by msgid, leaving no visit behind', async () => {
    const leonard = await k.port.findPatient(person('Leonard').certno);
    const bill = (await k.port.unpaidBills(leonard)).find((b) => b.visit.id === '')!;
    // Applied at the gateway both times, but neither answer arrives.
    site.sim.injectFault({ infno: '2201', kind: 'reset-after-commit', times: 2 });
    await expect(k.port.preSettle(leonard, bill)).rejects.toMatchObject({
      code: 'settlement-in-doubt',
    });
    const rows = site.sim.store.db
      .prepare(`SELECT COUNT(*) AS n FROM visits WHERE psn_no = ? AND registered_by = 'kiosk'`)
      .get(leonard.personNo) as { n: number };
    expect(rows.n).toBe(0);
    expect(
      (
        site.sim.store.db.prepare(`SELECT COUNT(*) AS n FROM reversed_msgids`).get() as {
          n: number;
        }
      ).n,
    ).toBe(1);
  });
});
