/**
 * Inpatient money as the platform and the hospital handle it, over real HTTP to the gateway
 * simulator with a real SQLite journal: a deposit is the hospital's prepayment (K701), never an
 * insurance settlement nor in 3201; a discharge is 2303 then 2304 with the visit's deposits
 * netted off the cash part (the rest collected first, or the surplus refunded by the hospital);
 * 2305 reverses it; K702 refunds a deposit; a 2304 left in doubt by a crash settles once.
 */
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PaymentJournal } from './journal.ts';
import { settledOnDay } from './settled-days.ts';
import { TestSite, type TestKiosk, billOf as findBill } from './testing/test-kiosk.ts';
import { inpatientSettleInputFor, settleInputFor } from './wire-mapping-settlement.ts';

const clock = { now: () => new Date('2026-11-22T02:00:00Z') };
const DAY = '2026-11-22';
let site: TestSite;
let k: TestKiosk;

/** A kiosk (again) on `file`: a restart after a crash reopens the journal it left. */
function kiosk(file = site.file('journal.sqlite')) {
  k = site.kiosk({ journalFile: file });
}

beforeEach(async () => {
  site = await TestSite.start('inpatient-', clock);
  kiosk();
});
afterEach(() => site.close());

const person = (name: string) => site.patient(name);
const billOf = (name: string, billId: string) => findBill(k.port, person(name).certno, billId);

const STUART_DISCHARGE = 'IP202611200002';
const STUART_DEPOSIT = 'IP202611150001';
const HOWARD_DISCHARGE = 'IP202611190003';
const live = (billId: string) =>
  site.sim.store.db
    .prepare(`SELECT infno, clr_type FROM settlements WHERE chrg_bchno = ? AND status = 'settled'`)
    .all(billId) as { infno: string; clr_type: string }[];
const depositsOf = (mdtrtId: string) =>
  site.sim.store.deposits.ofVisit(mdtrtId).map((d) => [d.amount_cents, d.status]);

/** Pays a bill to the end as a patient would, by phone when there is cash to collect. */
async function pay(name: string, billId: string) {
  const { patient, bill } = await billOf(name, billId);
  const preview = await k.port.preSettle(patient, bill);
  const start = await k.port.beginPayment(patient, bill, preview, 'mobile');
  if (start.order) site.sim.payOrder(start.order.orderNo);
  if (start.cash === 'pending')
    expect(await k.port.waitForCash(start.paymentId, new AbortController().signal)).toBe('paid');
  const settlement = await k.port.completePayment(start.paymentId);
  return { patient, bill, preview, start, settlement };
}

describe('a discharge nets the visit deposits off the cash part (2303, 2304)', () => {
  it('deposits above the cash part: nothing to pay, the hospital refunds the surplus', async () => {
    const { bill } = await billOf('Stuart', STUART_DISCHARGE);
    // K101 tells the patient about the deposits before anything is asked of the platform.
    expect(bill.deposits).toEqual({ total: 50_000, count: 2 });
    const { preview, start, settlement } = await pay('Stuart', STUART_DISCHARGE);
    const cash = preview.split.cash;
    expect(cash).toBeGreaterThan(0);
    expect(cash).toBeLessThan(50_000);
    expect(preview.deposits).toEqual({ total: 50_000, count: 2, due: 0, refund: 50_000 - cash });
    // Nothing collected: no order was opened.
    expect(start.cash).toBe('none');
    expect(site.sim.store.db.prepare(`SELECT COUNT(*) AS n FROM orders`).get()).toEqual({ n: 0 });
    expect(settlement.deposits).toEqual(preview.deposits);
    expect(settlement.split).toEqual(preview.split);
    // One inpatient insurance settlement (2304, clearing type 21); the deposits netted by it.
    expect(live(STUART_DISCHARGE)).toEqual([{ infno: '2304', clr_type: '21' }]);
    expect(depositsOf('MDP0008IP')).toEqual([
      [30_000, 'netted'],
      [20_000, 'netted'],
    ]);
    expect(k.journal.get(start.paymentId)).toMatchObject({
      settle_infno: '2304',
      cash_cents: 0,
      cash_method: 'none',
    });
    const report = await k.payments.reconcile(DAY, 'KIOSK-01');
    expect(report.agree).toBe(true);
    expect(report.groups.map((g) => [g.clrType, g.ours.count, g.theirs.count])).toEqual([
      ['21', 1, 1],
    ]);
  });

  it('deposits below the cash part: the rest is collected first, then 2304 settles', async () => {
    const { bill } = await billOf('Howard', HOWARD_DISCHARGE);
    expect(bill.deposits).toEqual({ total: 35_000, count: 2 });
    const { preview, start, settlement } = await pay('Howard', HOWARD_DISCHARGE);
    const due = preview.split.cash - 35_000;
    expect(due).toBeGreaterThan(0);
    expect(preview.deposits).toEqual({ total: 35_000, count: 2, due, refund: 0 });
    // The order is for the rest only, and it was paid before the settlement.
    expect(start.order?.amount).toBe(due);
    expect(site.sim.store.orders.order(start.paymentId)).toMatchObject({
      amount_cents: due,
      status: 'paid',
    });
    expect(settlement.deposits).toEqual(preview.deposits);
    expect(live(HOWARD_DISCHARGE)).toEqual([{ infno: '2304', clr_type: '21' }]);
    expect(k.journal.get(start.paymentId)).toMatchObject({ settle_infno: '2304', cash_cents: due });
    expect((await k.payments.reconcile(DAY, 'KIOSK-01')).agree).toBe(true);
  });

  it('2303 and 2304 are refused while the ward has not uploaded the fees, naming mdtrt_id', async () => {
    const { patient, bill } = await billOf('Stuart', STUART_DISCHARGE);
    site.sim.store.visits.revokeUpload(STUART_DISCHARGE);
    for (const code of ['2303', '2304'] as const)
      await expect(
        k.client.call(code, inpatientSettleInputFor(patient, bill)),
      ).rejects.toMatchObject({
        code: 'gateway-rejected',
        message: expect.stringMatching(/fee details of mdtrt_id MDP0008IP are not uploaded/),
      });
    // Nor does the outpatient way settle an inpatient bill any more.
    await expect(k.client.call('2207', settleInputFor(patient, bill))).rejects.toThrow(
      /inpatient discharge: settle mdtrt_id MDP0008IP with 2303\/2304/,
    );
    expect(site.sim.store.settlements.count()).toBe(0);
  });
});

describe('a deposit is the hospital prepayment (K701), never an insurance settlement', () => {
  it('is collected in cash, recorded once, never in 3201, and netted by the discharge', async () => {
    const { preview, start, settlement } = await pay('Stuart', STUART_DEPOSIT);
    // No pre-settlement: all of it is cash (the simulator refuses 2206 for a deposit anyway).
    expect(preview.split).toMatchObject({ total: 200_000, fund: 0, account: 0, cash: 200_000 });
    expect(start.order?.amount).toBe(200_000);
    expect(k.journal.get(start.paymentId)).toMatchObject({
      settle_infno: 'K701',
      settle_state: 'settled',
    });
    expect(settlement.settlementId).toMatch(/^D/);
    expect(site.sim.store.settlements.count()).toBe(0);
    expect(depositsOf('MDP0008IP')).toContainEqual([200_000, 'available']);
    // K102 finds it by its msgid, as recovery asks.
    const q = await k.client.call('K102', { data: { msgid: start.paymentId } });
    expect(q.txn).toMatchObject({ found: true, infno: 'K701', status: 'settled' });
    // Not in the kiosk's 3201 totals, nor in the gateway's: nothing to reconcile, and agreed.
    expect(settledOnDay(k.journal, DAY)).toEqual([]);
    const report = await k.payments.reconcile(DAY, 'KIOSK-01');
    expect(report).toMatchObject({ agree: true, groups: [] });
    // The discharge now nets three deposits.
    const { bill } = await billOf('Stuart', STUART_DISCHARGE);
    expect(bill.deposits).toEqual({ total: 250_000, count: 3 });
  });

  it('a deposit refunded by staff (K702) gives the cash back; a netted one is refused', async () => {
    const { settlement, start } = await pay('Stuart', STUART_DEPOSIT);
    const refunded = await k.payments.refundSettlement(settlement.settlementId, 'paid by mistake');
    expect(refunded.row).toMatchObject({ settle_state: 'reversed', cash_state: 'refunded' });
    expect(site.sim.store.orders.order(start.paymentId)?.status).toBe('refunded');
    expect(site.sim.store.deposits.byId(settlement.settlementId)?.status).toBe('refunded');
    expect(site.sim.store.people.bill(STUART_DEPOSIT)?.status).toBe('unpaid');
    // A deposit a discharge has netted can only go back with that discharge (2305 first).
    const discharge = await pay('Stuart', STUART_DISCHARGE);
    const netted = site.sim.store.deposits.ofVisit('MDP0008IP')[0]!;
    await expect(
      k.client.call('K702', {
        data: { psn_no: person('Stuart').psn_no, mdtrt_id: 'MDP0008IP', dpst_id: netted.dpst_id },
      }),
    ).rejects.toThrow(`netted by discharge settlement ${discharge.settlement.settlementId}`);
  });
});

describe('2305 reverses a discharge', () => {
  it('the bill is unpaid again and the deposits held again, less the surplus refunded', async () => {
    const { preview, start, settlement } = await pay('Stuart', STUART_DISCHARGE);
    const cash = preview.split.cash;
    const reversed = await k.payments.refundSettlement(settlement.settlementId, 'wrong ward fees');
    expect(reversed.row).toMatchObject({ settle_state: 'reversed' });
    expect(k.journal.events(start.paymentId).map((e) => e.what)).toContain('2305 reversed');
    expect(live(STUART_DISCHARGE)).toEqual([]);
    expect(site.sim.store.people.bill(STUART_DISCHARGE)?.status).toBe('unpaid');
    // The hospital still holds the cash part: the 500.00 less the surplus it refunded.
    const { bill } = await billOf('Stuart', STUART_DISCHARGE);
    expect(bill.deposits).toEqual({ total: cash, count: 2 });
    // Reversing again is harmless (idempotent per setl_id) and 3201 counts it on neither side.
    await expect(
      k.client.call('2305', {
        data: {
          psn_no: person('Stuart').psn_no,
          mdtrt_id: 'MDP0008IP',
          setl_id: settlement.settlementId,
        },
      }),
    ).resolves.toMatchObject({ setlinfo: { orig_setl_id: settlement.settlementId } });
    expect((await k.payments.reconcile(DAY, 'KIOSK-01')).agree).toBe(true);
    // Settled again, the deposits now cover the cash part exactly: nothing to pay or refund.
    const again = await pay('Stuart', STUART_DISCHARGE);
    expect(again.preview.deposits).toMatchObject({ total: cash, due: 0, refund: 0 });
    expect(live(STUART_DISCHARGE)).toHaveLength(1);
  });
});

describe('a 2304 left by a crash settles once', () => {
  it('"sent" journalled, the kiosk died before sending: recovery resends 2304 with its msgid', async () => {
    const file = site.file('crash.sqlite');
    k.journal.db.close();
    kiosk(file);
    const { patient, bill } = await billOf('Howard', HOWARD_DISCHARGE);
    const preview = await k.port.preSettle(patient, bill);
    const start = await k.port.beginPayment(patient, bill, preview, 'mobile');
    site.sim.payOrder(start.order!.orderNo);
    await k.port.waitForCash(start.paymentId, new AbortController().signal);
    k.journal.update(start.paymentId, { settle_state: 'sent' }, '2304 sent'); // ...and the power went
    k.journal.close();
    kiosk(file);
    const report = await k.payments.recover();
    expect(report).toMatchObject({ examined: 1, settled: 1, stillOpen: 0 });
    expect(live(HOWARD_DISCHARGE)).toEqual([{ infno: '2304', clr_type: '21' }]);
    expect(site.sim.store.settlements.byMsgid(start.paymentId)?.infno).toBe('2304');
    expect(await k.payments.recover()).toMatchObject({ examined: 0 });
  });

  it('2304 committed at the gateway, its answer lost: recovery finds it by msgid', async () => {
    const file = site.file('crash2.sqlite');
    k.journal.db.close();
    kiosk(file);
    const { patient, bill } = await billOf('Stuart', STUART_DISCHARGE);
    const preview = await k.port.preSettle(patient, bill);
    const start = await k.port.beginPayment(patient, bill, preview, 'none');
    k.journal.update(start.paymentId, { settle_state: 'sent' }, '2304 sent');
    const input = JSON.parse(k.journal.get(start.paymentId)!.settle_input_json) as Parameters<
      typeof k.client.call<'2304'>
    >[1];
    await k.client.call('2304', input, { msgid: start.paymentId }); // ...the answer never arrived
    k.journal.close();
    kiosk(file);
    const report = await k.payments.recover();
    expect(report).toMatchObject({ examined: 1, settled: 1, stillOpen: 0 });
    expect(live(STUART_DISCHARGE)).toHaveLength(1);
    expect(k.payments.settled(start.paymentId)?.deposits).toEqual(preview.deposits);
    // The same msgid again answers the first settlement: still one, deposits netted once.
    await k.client.call('2304', input, { msgid: start.paymentId });
    expect(live(STUART_DISCHARGE)).toHaveLength(1);
    expect(site.sim.store.db.prepare(`SELECT COUNT(*) AS n FROM deposit_nettings`).get()).toEqual({
      n: 1,
    });
  });
});

describe('2601 reverses a discharge or a deposit by its msgid', () => {
  it('a 2304 reversed by msgid is undone as 2305 would, and its msgid refused from then on', async () => {
    const { patient, bill } = await billOf('Stuart', STUART_DISCHARGE);
    const input = inpatientSettleInputFor(patient, bill);
    const msgid = k.client.newMsgid();
    const out = await k.client.call('2304', input, { msgid });
    const cash = Math.round(out.setlinfo.psn_cash_pay * 100);
    const stuart = person('Stuart').psn_no;
    await k.client.call('2601', { data: { psn_no: stuart, omsgid: msgid, oinfno: '2304' } });
    expect(live(STUART_DISCHARGE)).toEqual([]);
    expect((await billOf('Stuart', STUART_DISCHARGE)).bill.deposits).toEqual({
      total: cash,
      count: 2,
    });
    await expect(k.client.call('2304', input, { msgid })).rejects.toThrow(/was reversed \(2601\)/);
  });
});

describe('a journal from before settle_infno', () => {
  it('gains the column, its rows settled by 2207 as they were', () => {
    const file = site.file('old.sqlite');
    const old = new Database(file);
    old.exec(`CREATE TABLE payments (
        payment_id TEXT PRIMARY KEY, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
        business_date TEXT NOT NULL, bill_id TEXT NOT NULL, psn_no TEXT NOT NULL,
        insured_area TEXT NOT NULL, settle_input_json TEXT NOT NULL,
        total_cents INTEGER NOT NULL, fund_cents INTEGER NOT NULL, account_cents INTEGER NOT NULL,
        mutual_aid_cents INTEGER NOT NULL, cash_cents INTEGER NOT NULL,
        cash_method TEXT NOT NULL, order_no TEXT NOT NULL DEFAULT '',
        cash_state TEXT NOT NULL, settle_state TEXT NOT NULL,
        setl_id TEXT NOT NULL DEFAULT '', settlement_json TEXT NOT NULL DEFAULT '',
        reversal_msgid TEXT NOT NULL DEFAULT '', problem TEXT NOT NULL DEFAULT '');
      INSERT INTO payments (payment_id, created_at, updated_at, business_date, bill_id, psn_no,
        insured_area, settle_input_json, total_cents, fund_cents, account_cents, mutual_aid_cents,
        cash_cents, cash_method, cash_state, settle_state)
      VALUES ('OLD1', '', '', '2026-11-21', 'OP1', 'P0001', '110105', '{}', 100, 0, 0, 0, 100,
        'mobile', 'pending', 'intent');`);
    old.close();
    const reopened = new PaymentJournal(file, clock.now);
    try {
      expect(reopened.get('OLD1')).toMatchObject({ settle_infno: '2207', fees_uploaded_here: 0 });
    } finally {
      reopened.close();
    }
  });
});
