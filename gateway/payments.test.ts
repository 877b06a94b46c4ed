/**
 * The promise "no settlement is ever lost or applied twice", tested over real HTTP against the
 * gateway simulator with every fault kind, durable journal files, and restarts.
 */
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Bill, Patient, PreSettlement } from '../core/domain.ts';
import { KioskError } from '../core/errors.ts';
import { AesGcmFieldSealer, type FieldSealer, SealedFieldError } from './field-sealer.ts';
import { isFinal } from './journal.ts';
import { formatReconciliation } from './reconciliation.ts';
import { loadScenario } from './simulator/scenario.ts';
import { type FaultKind, faultKinds } from './simulator/faults.ts';
import type { GatewaySimulator } from './simulator/server.ts';
import { TestSite, type TestKiosk, readyToPay as readyToPayAt } from './testing/test-kiosk.ts';

const scenario = loadScenario();
let nowMs = Date.parse('2026-11-22T02:00:00Z');
const clock = { now: () => new Date(nowMs) };
let site: TestSite;
let sim: GatewaySimulator;

const penny = scenario.patients.find((p) => p.name.startsWith('Penny'))!;
const raj = scenario.patients.find((p) => p.name.startsWith('Rajesh'))!;

function kiosk(journalFile = site.file('journal.sqlite'), timeoutMs = 800, sealer?: FieldSealer) {
  return site.kiosk({ journalFile, client: { timeoutMs }, sealer });
}

const readyToPay = (k: TestKiosk, who = penny) => readyToPayAt(k.port, who.certno);

async function payCash(k: TestKiosk, p: { patient: Patient; bill: Bill; preview: PreSettlement }) {
  const start = await k.port.beginPayment(p.patient, p.bill, p.preview, 'mobile');
  sim.payOrder(start.order!.orderNo);
  expect(await k.port.waitForCash(start.paymentId, new AbortController().signal)).toBe('paid');
  return start.paymentId;
}

const settledCount = (billId: string) => site.settledCount(billId);

beforeEach(async () => {
  nowMs = Date.parse('2026-11-22T02:00:00Z');
  site = await TestSite.start('payments-', clock, scenario);
  sim = site.sim;
});
afterEach(() => site.close());

describe('the journal at rest', () => {
  /** Every byte SQLite keeps for the journal: the database file and its write-ahead log. */
  const bytesOf = (file: string) =>
    Buffer.concat(
      [file, `${file}-wal`].filter((f) => existsSync(f)).map((f) => readFileSync(f)),
    ).toString('latin1');

  async function payOnce(sealer?: FieldSealer) {
    const file = site.file(sealer ? 'sealed.sqlite' : 'plain.sqlite');
    const k = kiosk(file, 800, sealer);
    const id = await payCash(k, await readyToPay(k));
    await k.port.completePayment(id);
    return { k, id, file };
  }

  it('holds no ID number in the file when sealed, and still reads back whole', async () => {
    const key = Buffer.alloc(32, 7);
    const { k, id, file } = await payOnce(new AesGcmFieldSealer(key));
    const row = k.journal.get(id)!;
    expect(JSON.parse(row.settle_input_json)).toMatchObject({
      data: { mdtrt_cert_no: penny.certno },
    });
    expect(JSON.parse(row.settlement_json)).toHaveProperty('setlinfo.setl_id', row.setl_id);
    k.journal.close();
    const disk = bytesOf(file);
    expect(disk).not.toContain(penny.certno);
    expect(disk).toContain('enc1:');

    // Reopened with the same key, reconciliation reads the sealed settlement.
    const again = site.journal(file, new AesGcmFieldSealer(key));
    expect(again.settledOn(again.get(id)!.business_date)[0]!.settlement_json).toContain(
      '"setlinfo"',
    );
    // With another key it is a typed error, not garbage.
    const wrong = site.journal(file, new AesGcmFieldSealer(Buffer.alloc(32, 8)));
    expect(() => wrong.get(id)).toThrow(SealedFieldError);
  });

  it('a sealed value copied onto another payment does not open there', async () => {
    const sealer = new AesGcmFieldSealer(Buffer.alloc(32, 9));
    const sealed = sealer.seal('{"mdtrt_cert_no":"x"}', 'A/settle_input_json');
    expect(sealer.open(sealed, 'A/settle_input_json')).toBe('{"mdtrt_cert_no":"x"}');
    expect(() => sealer.open(sealed, 'B/settle_input_json')).toThrow(SealedFieldError);
    expect(() => sealer.open(sealed, 'A/settlement_json')).toThrow(SealedFieldError);
    expect(() => sealer.open(`${sealed.slice(0, -4)}AAAA`, 'A/settle_input_json')).toThrow(
      SealedFieldError,
    );
    expect(() => new AesGcmFieldSealer(Buffer.alloc(16))).toThrow(SealedFieldError);
  });

  it('without a sealer the same payment leaves the ID number readable on disk (the control)', async () => {
    const { k, file } = await payOnce();
    k.journal.close();
    expect(bytesOf(file)).toContain(penny.certno);
  });
});

describe('paying the cash part', () => {
  it('mobile payment: order, patient pays, 2207, journal final, one settlement', async () => {
    const k = kiosk();
    const p = await readyToPay(k);
    expect(p.preview.split.cash).toBeGreaterThan(0);
    const id = await payCash(k, p);
    const settlement = await k.port.completePayment(id);
    expect(settlement.split).toEqual(p.preview.split);
    expect(settledCount(p.bill.id)).toBe(1);
    expect(isFinal(k.journal.get(id)!)).toBe(true);
    expect(k.journal.events(id).map((e) => e.what)).toEqual([
      expect.stringMatching(/^created/),
      expect.stringMatching(/^cash paid/),
      '2207 sent',
      expect.stringMatching(/^2207 settled/),
    ]);
  });

  it('credit: authorised within the limit, settled, and the limit shrinks', async () => {
    const k = kiosk();
    const p = await readyToPay(k);
    expect(p.preview.credit?.available).toBe(200_000);
    expect(p.preview.credit?.repayDate).toBe('2026-12-22');
    const start = await k.port.beginPayment(p.patient, p.bill, p.preview, 'credit');
    expect(start.cash).toBe('paid');
    await k.port.completePayment(start.paymentId);
    expect(sim.store.orders.credit(penny.psn_no)?.used_cents).toBe(p.preview.split.cash);
  });

  it('a patient without a credit line is offered none, and a forced credit request is refused', async () => {
    const k = kiosk();
    const p = await readyToPay(k, raj);
    expect(p.preview.credit).toBeUndefined();
    await expect(k.port.beginPayment(p.patient, p.bill, p.preview, 'credit')).rejects.toMatchObject(
      { code: 'gateway-rejected' },
    );
    expect(settledCount(p.bill.id)).toBe(0);
  });

  it('an order that expires is not settled, and the journal closes it', async () => {
    const k = kiosk();
    const p = await readyToPay(k);
    const start = await k.port.beginPayment(p.patient, p.bill, p.preview, 'mobile');
    nowMs += (scenario.payment.order_ttl_seconds + 1) * 1000;
    expect(await k.port.waitForCash(start.paymentId, new AbortController().signal)).toBe('expired');
    await k.port.abandonPayment(start.paymentId);
    expect(k.journal.get(start.paymentId)).toMatchObject({
      cash_state: 'expired',
      settle_state: 'intent',
    });
    expect(k.journal.open()).toHaveLength(0);
    expect(settledCount(p.bill.id)).toBe(0);
  });

  it('a payment that lands after the session cancelled is refunded, never kept', async () => {
    const k = kiosk();
    const p = await readyToPay(k);
    const start = await k.port.beginPayment(p.patient, p.bill, p.preview, 'mobile');
    await k.port.abandonPayment(start.paymentId);
    expect(sim.payOrder(start.order!.orderNo)).toBe('refunded');
    expect(settledCount(p.bill.id)).toBe(0);
  });

  it('a payment that lands just before the cancel is refunded by the kiosk', async () => {
    const k = kiosk();
    const p = await readyToPay(k);
    const start = await k.port.beginPayment(p.patient, p.bill, p.preview, 'mobile');
    sim.payOrder(start.order!.orderNo);
    await k.port.abandonPayment(start.paymentId);
    expect(k.journal.get(start.paymentId)?.cash_state).toBe('refunded');
    expect(sim.store.orders.order(start.order!.orderNo)?.status).toBe('refunded');
    expect(settledCount(p.bill.id)).toBe(0);
  });

  it('a 2207 whose cash part differs from the confirmed one is reversed and the cash refunded', async () => {
    const k = kiosk();
    const p = await readyToPay(k);
    const id = await payCash(k, p);
    // Between 2206 and 2207 the personal account grew (a top-up elsewhere): 2207 takes less cash.
    sim.store.db
      .prepare(`UPDATE persons SET balance_cents = 100000 WHERE psn_no = ?`)
      .run(penny.psn_no);
    await expect(k.port.completePayment(id)).rejects.toMatchObject({
      code: 'gateway-bad-response',
    });
    expect(k.journal.get(id)).toMatchObject({ settle_state: 'reversed', cash_state: 'refunded' });
    expect(settledCount(p.bill.id)).toBe(0);
    expect(sim.store.people.bill(p.bill.id)?.status).toBe('unpaid');
    // The account got back what the reversed settlement took.
    expect(sim.store.people.person(penny.psn_no)?.balance_cents).toBe(100000);
  });
});

describe('every fault kind on 2207: nothing lost, nothing doubled, the patient told the truth', () => {
  const cases: [FaultKind, number][] = faultKinds.flatMap((kind) => [
    [kind, 1],
    [kind, 3],
  ]);
  it.each(cases)('%s x%i', async (kind, times) => {
    const k = kiosk();
    const p = await readyToPay(k);
    const id = await payCash(k, p);
    sim.injectFault({ infno: '2207', kind, times, latencyMs: kind === 'latency' ? 50 : 1200 });
    let told: 'settled' | 'in-doubt' | 'failed';
    try {
      const s = await k.port.completePayment(id);
      expect(s.split).toEqual(p.preview.split);
      told = 'settled';
    } catch (error) {
      expect(error).toBeInstanceOf(KioskError);
      told = (error as KioskError).code === 'settlement-in-doubt' ? 'in-doubt' : 'failed';
    }
    // The truth at the gateway matches what the patient was told, or is honestly unknown.
    if (told === 'settled') expect(settledCount(p.bill.id)).toBe(1);
    if (told === 'failed') expect(settledCount(p.bill.id)).toBe(0);
    expect(settledCount(p.bill.id)).toBeLessThanOrEqual(1);
    // After the faults clear, recovery (at the next start) leaves exactly one settlement.
    sim.clearFaults();
    await sim.idle(); // any held answer has done its work (a latency fault commits after it)
    const report = await k.payments.recover();
    expect(report.stillOpen).toBe(0);
    const row = k.journal.get(id)!;
    expect(isFinal(row)).toBe(true);
    if (row.settle_state === 'settled') {
      expect(settledCount(p.bill.id)).toBe(1);
      expect(row.cash_state).toBe('paid');
    } else {
      expect(settledCount(p.bill.id)).toBe(0);
      expect(row.cash_state).toBe('refunded');
    }
    // A refusal is the gateway's answer, not a fault to ride out: the patient is told it failed
    // and the cash part goes back. Every other light fault (one occurrence) is absorbed while
    // the patient waits.
    if (kind === 'refuse') expect(told).toBe('failed');
    else if (times === 1) expect(told).toBe('settled');
  });
});

describe('recovery from a journal left by a crash', () => {
  it('2207 reached the gateway but the kiosk died before recording it: one settlement', async () => {
    const file = site.file('crash.sqlite');
    const k1 = kiosk(file);
    const p = await readyToPay(k1);
    const id = await payCash(k1, p);
    k1.journal.update(id, { settle_state: 'sent' }, '2207 sent');
    const input = JSON.parse(k1.journal.get(id)!.settle_input_json) as Parameters<
      typeof k1.client.call<'2207'>
    >[1];
    await k1.client.call('2207', input, { msgid: id }); // ...and the power went
    k1.journal.close();
    const k2 = kiosk(file);
    const report = await k2.payments.recover();
    expect(report).toMatchObject({ examined: 1, settled: 1, stillOpen: 0 });
    expect(settledCount(p.bill.id)).toBe(1);
    expect(await k2.payments.recover()).toMatchObject({ examined: 0 });
  });

  it('the kiosk died after journalling "sent" but before sending: recovery completes it once', async () => {
    const file = site.file('crash2.sqlite');
    const k1 = kiosk(file);
    const p = await readyToPay(k1);
    const id = await payCash(k1, p);
    k1.journal.update(id, { settle_state: 'sent' }, '2207 sent');
    k1.journal.close();
    const k2 = kiosk(file);
    expect(await k2.payments.recover()).toMatchObject({ settled: 1, stillOpen: 0 });
    expect(settledCount(p.bill.id)).toBe(1);
  });

  it('the kiosk died while the patient was paying: the late payment is refunded', async () => {
    const file = site.file('crash3.sqlite');
    const k1 = kiosk(file);
    const p = await readyToPay(k1);
    const start = await k1.port.beginPayment(p.patient, p.bill, p.preview, 'mobile');
    sim.payOrder(start.order!.orderNo);
    k1.journal.close();
    const k2 = kiosk(file);
    expect(await k2.payments.recover()).toMatchObject({ refunded: 1, stillOpen: 0 });
    expect(sim.store.orders.order(start.order!.orderNo)?.status).toBe('refunded');
    expect(settledCount(p.bill.id)).toBe(0);
  });

  it('the gateway still down at start-up: entries stay open, nothing guessed', async () => {
    const file = site.file('crash4.sqlite');
    const k1 = kiosk(file);
    const p = await readyToPay(k1);
    const id = await payCash(k1, p);
    k1.journal.update(id, { settle_state: 'sent' }, '2207 sent');
    await sim.stop();
    expect(await k1.payments.recover()).toMatchObject({ examined: 1, stillOpen: 1 });
    await sim.start();
    expect(await k1.payments.recover()).toMatchObject({ settled: 1, stillOpen: 0 });
  });
});

describe('end-of-day reconciliation (3201)', () => {
  it('agrees with the journal, and says where it does not', async () => {
    const k = kiosk();
    for (const who of [penny, raj]) {
      const p = await readyToPay(k, who);
      await k.port.completePayment(await payCash(k, p));
    }
    const ok = await k.payments.reconcile('2026-11-22', 'KIOSK-01');
    expect(ok.agree).toBe(true);
    expect(ok.ours).toEqual(ok.theirs);
    expect(ok.ours.count).toBe(2);
    expect(formatReconciliation(ok)).toMatch(/AGREES/);
    // A settlement the kiosk's journal does not know about (made elsewhere) shows up.
    const other = kiosk(site.file('other.sqlite'));
    const leonard = scenario.patients.find((x) => x.name.startsWith('Leonard'))!;
    const q = await readyToPay(other, leonard);
    const start = await other.port.beginPayment(
      q.patient,
      q.bill,
      q.preview,
      q.preview.split.cash > 0 ? 'mobile' : 'none',
    );
    if (start.order) sim.payOrder(start.order.orderNo);
    await other.port.waitForCash(start.paymentId, new AbortController().signal);
    await other.port.completePayment(start.paymentId);
    const bad = await k.payments.reconcile('2026-11-22', 'KIOSK-01');
    expect(bad.agree).toBe(false);
    expect(formatReconciliation(bad)).toMatch(/DOES NOT AGREE[\s\S]*differs/);
  });
});

describe('personal account on or off', () => {
  it('with the account switched off, 2206 and 2207 leave the balance alone and the patient pays the part in cash', async () => {
    const k = kiosk();
    const leonard = scenario.patients.find((x) => x.name.startsWith('Leonard'))!;
    const patient = await k.port.findPatient(leonard.certno);
    const bill = (await k.port.unpaidBills(patient)).find((b) => b.visitType === 'outpatient')!;
    const withAccount = await k.port.preSettle(patient, bill);
    expect(withAccount.split.account).toBeGreaterThan(0);
    const without = await k.port.preSettle(patient, bill, { useAccount: false });
    expect(without.useAccount).toBe(false);
    expect(without.split.account).toBe(0);
    expect(without.split.cash).toBe(withAccount.split.account + withAccount.split.cash);
    const balanceBefore = sim.store.people.person(leonard.psn_no)!.balance_cents;
    const start = await k.port.beginPayment(patient, bill, without, 'mobile');
    sim.payOrder(start.order!.orderNo);
    await k.port.waitForCash(start.paymentId, new AbortController().signal);
    const settlement = await k.port.completePayment(start.paymentId);
    expect(settlement.split.account).toBe(0);
    expect(sim.store.people.person(leonard.psn_no)!.balance_cents).toBe(balanceBefore);
  });
});
