/**
 * End of day for a fleet: two kiosks on one gateway each reconcile their own settlements (3201
 * per opter, insutype and clr_type) and agree; a payment settled just after midnight counts on
 * the day the gateway settled it; a group whose totals differ is explained row by row (3202).
 * Real HTTP against the simulator, real SQLite journals.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TxInput } from './protocol.ts';
import { formatReconciliation, reconcileDay } from './reconciliation.ts';
import { loadScenario } from './simulator/scenario.ts';
import type { GatewaySimulator } from './simulator/server.ts';
import { TestSite, readyToPay } from './testing/test-kiosk.ts';

const scenario = loadScenario();
let nowMs = 0;
const clock = { now: () => new Date(nowMs) };
let site: TestSite;
let sim: GatewaySimulator;

const person = (first: string) => site.patient(first);

function kiosk(id: string, slot: number) {
  const k = site.kiosk({
    client: { operatorId: id, terminalSlot: { index: slot, slots: 4 }, timeoutMs: 1500 },
    journalFile: site.file(`${id}-${slot}.sqlite`),
  });
  const deps = { client: k.client, journal: k.journal, log: () => undefined };
  return { id, ...k, reconcile: (day: string) => reconcileDay(deps, day, id) };
}
type Kiosk = ReturnType<typeof kiosk>;

/** Up to the 2207: the bill found, the cash part (if any) paid from the patient's phone. */
async function begin(k: Kiosk, who: { certno: string }) {
  const { patient, bill, preview } = await readyToPay(k.port, who.certno);
  const method = preview.split.cash > 0 ? 'mobile' : 'none';
  const start = await k.port.beginPayment(patient, bill, preview, method);
  if (start.order) {
    sim.payOrder(start.order.orderNo);
    expect(await k.port.waitForCash(start.paymentId, new AbortController().signal)).toBe('paid');
  }
  return start.paymentId;
}

async function pay(k: Kiosk, who: { certno: string }) {
  return k.port.completePayment(await begin(k, who));
}

/**
 * 3201 for the gateway's 390 outpatient totals on the 22nd (our totals zero, only theirs are
 * read): the institution's, or one kiosk's when `opter` names it.
 */
const totals390 = (opter?: string): TxInput<'3201'> => ({
  data: {
    insutype: '390',
    clr_type: '11',
    setl_optins: scenario.hospital.admdvs,
    stmt_begndate: '2026-11-22',
    stmt_enddate: '2026-11-22',
    medfee_sumamt: 0,
    fund_pay_sumamt: 0,
    acct_pay: 0,
    psn_cash_pay: 0,
    fixmedins_setl_cnt: 0,
    ...(opter === undefined ? {} : { opter }),
  },
});

beforeEach(async () => {
  nowMs = Date.parse('2026-11-22T02:00:00Z'); // 10:00 in Shanghai
  site = await TestSite.start('reconcile-', clock, scenario);
  sim = site.sim;
});
afterEach(() => site.close());

describe('3201 for a fleet', () => {
  it('two kiosks on one gateway each agree for their own day, by insurance type', async () => {
    const one = kiosk('KIOSK-01', 0);
    const two = kiosk('KIOSK-02', 1);
    await pay(one, person('Penny')); // 390
    await pay(one, person('Sheldon')); // 310
    await pay(two, person('Rajesh')); // 390
    const a = await one.reconcile('2026-11-22');
    const b = await two.reconcile('2026-11-22');
    expect(a.agree).toBe(true);
    expect(b.agree).toBe(true);
    expect([a.ours.count, b.ours.count]).toEqual([2, 1]);
    expect(a.theirs).toEqual(a.ours);
    expect(b.theirs).toEqual(b.ours);
    // One group per insurance type with a settlement, each outpatient (clr_type 11).
    expect(a.groups.map((g) => [g.insutype, g.clrType, g.ours.count])).toEqual([
      ['310', '11', 1],
      ['390', '11', 1],
    ]);
    expect(b.groups.map((g) => [g.insutype, g.clrType, g.ours.count])).toEqual([['390', '11', 1]]);
    expect(formatReconciliation(a)).toMatch(/^Reconciliation 2026-11-22, kiosk KIOSK-01: AGREES/);
    expect(formatReconciliation(a)).toMatch(/Insurance 310, outpatient \(clr_type 11\): agrees/);
    // The institution's totals (no opter) are both kiosks' together.
    const all = await one.client.call('3201', totals390());
    expect(all.stmtinfo.fixmedins_setl_cnt).toBe(2);
  });

  it("a kiosk cannot total another kiosk's settlements", async () => {
    const one = kiosk('KIOSK-01', 0);
    await expect(one.client.call('3201', totals390('KIOSK-02'))).rejects.toThrow(
      /opter "KIOSK-02" is not the envelope's opter/,
    );
  });

  it('a payment begun before midnight and settled after it counts on the day it was settled', async () => {
    nowMs = Date.parse('2026-11-22T15:59:40Z'); // 23:59:40 in Shanghai
    const one = kiosk('KIOSK-01', 0);
    const two = kiosk('KIOSK-02', 1);
    await pay(two, person('Rajesh')); // settled on the 22nd, by the other kiosk
    const paymentId = await begin(one, person('Penny'));
    // The gateway goes away before the 2207: the payment waits for recovery.
    await sim.stop();
    await expect(one.port.completePayment(paymentId)).rejects.toThrow();
    nowMs = Date.parse('2026-11-22T16:00:20Z'); // 00:00:20 on the 23rd in Shanghai
    await sim.start();
    expect(await one.payments.recover()).toMatchObject({ settled: 1, stillOpen: 0 });
    const row = one.journal.get(paymentId)!;
    expect(row.business_date).toBe('2026-11-22'); // the day it began
    const day22 = await one.reconcile('2026-11-22');
    const day23 = await one.reconcile('2026-11-23');
    expect([day22.agree, day22.ours.count]).toEqual([true, 0]);
    expect([day23.agree, day23.ours.count]).toEqual([true, 1]);
    expect(await two.reconcile('2026-11-22')).toMatchObject({ agree: true, ours: { count: 1 } });
  });

  it('totals that differ are explained row by row (3202): a settlement only the gateway has', async () => {
    const one = kiosk('KIOSK-01', 0);
    await pay(one, person('Penny'));
    // The same kiosk id with another journal: a settlement this journal never heard of (a
    // restored journal, a second machine misconfigured with the same id).
    const stranger = kiosk('KIOSK-01', 2);
    const theirs = await pay(stranger, person('Rajesh'));
    const report = await one.reconcile('2026-11-22');
    expect(report.agree).toBe(false);
    const [group] = report.groups;
    expect(group).toMatchObject({ insutype: '390', clrType: '11', agree: false });
    expect(group!.ours.count).toBe(1);
    expect(group!.theirs.count).toBe(2);
    const byVerdict = Object.fromEntries(group!.detail.map((d) => [d.verdict, d.setlId]));
    expect(byVerdict['only-at-gateway']).toBe(theirs.settlementId);
    expect(group!.detail.filter((d) => d.verdict === 'agrees')).toHaveLength(1);
    const text = formatReconciliation(report);
    expect(text).toMatch(/DOES NOT AGREE/);
    expect(text).toContain(`${theirs.settlementId} (msgid `);
    expect(text).toMatch(/only at the gateway\n\s+gateway: total \d/);
  });
});
