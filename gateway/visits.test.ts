/**
 * Visits as the platform settles them: 2201 registers the visit a bill lacks, 2204 uploads its
 * fee details, 2206/2207 name the visit, a cancelled payment revokes the kiosk's upload (2205),
 * and 2208 names the visit it reverses. The simulator refuses what the platform refuses. Real
 * HTTP to the gateway simulator, real SQLite journal.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TestSite, type TestKiosk, billOf as findBill } from './testing/test-kiosk.ts';
import { registerVisitInputFor, uploadFeesInputFor } from './wire-mapping.ts';
import { settleInputFor } from './wire-mapping-settlement.ts';

const clock = { now: () => new Date('2026-11-22T02:00:00Z') };
let site: TestSite;
let k: TestKiosk;

beforeEach(async () => {
  site = await TestSite.start('visits-', clock);
  k = site.kiosk();
});
afterEach(() => site.close());

const billOf = (name: string, billId: string) =>
  findBill(k.port, site.patient(name).certno, billId);

const WALLET_CODE = '134567890123456789';
const upload = (billId: string) => site.sim.store.visits.upload(billId);

describe('the simulator refuses a settlement without its visit', () => {
  it('2206 and 2207 with no mdtrt_id, or one it never issued, are refused naming mdtrt_id', async () => {
    const { patient, bill } = await billOf('Sheldon', 'OP202611220001');
    for (const code of ['2206', '2207'] as const) {
      await expect(k.client.call(code, settleInputFor(patient, bill, true, ''))).rejects.toThrow(
        /mdtrt_id is required/,
      );
      await expect(
        k.client.call(code, settleInputFor(patient, bill, true, 'MD999999999')),
      ).rejects.toMatchObject({
        code: 'gateway-rejected',
        message: expect.stringMatching(/mdtrt_id MD999999999 was not issued/),
      });
    }
    // Someone else's visit is refused too, and nothing was settled by any of it.
    const { bill: leonards } = await billOf('Leonard', 'OP202611220002');
    await expect(
      k.client.call('2207', settleInputFor(patient, bill, true, leonards.visit.id)),
    ).rejects.toThrow(/is not this person's visit/);
    expect(site.sim.store.settlements.count()).toBe(0);
  });

  it('a visit whose fee details were not uploaded is refused until 2204', async () => {
    const { patient, bill } = await billOf('Amy', 'OP202611220006');
    expect(bill.visit).toMatchObject({ id: 'MD202611220006', feesUploaded: false });
    await expect(k.client.call('2206', settleInputFor(patient, bill))).rejects.toThrow(
      /not uploaded under mdtrt_id MD202611220006 \(2204\)/,
    );
  });
});

describe('the kiosk settles through the visit', () => {
  it('a hospital-registered visit with uploaded fees: 2206/2207 name it, nothing uploaded', async () => {
    const { patient, bill } = await billOf('Sheldon', 'OP202611220001');
    const preview = await k.port.preSettle(patient, bill);
    expect(preview.visit).toEqual({ id: 'MD202611220001', uploadedHere: false });
    const start = await k.port.beginPayment(patient, bill, preview, 'none');
    const settlement = await k.port.completePayment(start.paymentId);
    expect(settlement.settlementId).toMatch(/^S/);
    expect(upload(bill.id)).toMatchObject({ uploaded_by: 'hospital' });
  });

  it('a bill without a visit: the kiosk registers it (2201), uploads (2204) and settles under it', async () => {
    const { patient, bill } = await billOf('Leonard', 'EM202611210001');
    expect(bill.visit.id).toBe('');
    const preview = await k.port.preSettle(patient, bill);
    const visit = site.sim.store.visits.visit(preview.visit!.id);
    expect(visit).toMatchObject({ psn_no: patient.personNo, registered_by: 'kiosk' });
    expect(upload(bill.id)).toMatchObject({ mdtrt_id: visit!.mdtrt_id, uploaded_by: 'kiosk' });
    // A second pre-settlement (the account switched off) registers no second visit.
    const again = await k.port.preSettle(patient, bill, { useAccount: false });
    expect(again.visit!.id).toBe(visit!.mdtrt_id);
    const visits = site.sim.store.db.prepare(`SELECT COUNT(*) AS n FROM visits WHERE psn_no = ?`);
    const before = (visits.get(patient.personNo) as { n: number }).n;
    const start = await k.port.beginPayment(
      patient,
      bill,
      again,
      again.split.cash > 0 ? 'wallet-code' : 'none',
      WALLET_CODE,
    );
    await k.port.completePayment(start.paymentId);
    expect((visits.get(patient.personNo) as { n: number }).n).toBe(before);
    const input = JSON.parse(k.journal.get(start.paymentId)!.settle_input_json) as {
      data: { mdtrt_id: string };
    };
    expect(input.data.mdtrt_id).toBe(visit!.mdtrt_id);
    // The bill is settled; the gateway now lists it under its visit no more (paid).
    expect((await k.port.unpaidBills(patient)).some((b) => b.id === bill.id)).toBe(false);
  });

  it('a cancelled payment takes back the fee details the kiosk uploaded (2205); paying again works', async () => {
    const { patient, bill } = await billOf('Rajesh', 'OP202611220005');
    const preview = await k.port.preSettle(patient, bill);
    expect(preview.visit).toEqual({ id: 'MD202611220005', uploadedHere: true });
    expect(preview.split.cash).toBeGreaterThan(0);
    const start = await k.port.beginPayment(patient, bill, preview, 'mobile');
    expect(upload(bill.id)).toMatchObject({ uploaded_by: 'kiosk' });
    await k.port.abandonPayment(start.paymentId);
    expect(upload(bill.id)).toBeUndefined();
    // The next attempt uploads again and settles.
    const retry = await k.port.preSettle(patient, bill);
    expect(upload(bill.id)).toMatchObject({ mdtrt_id: 'MD202611220005' });
    const second = await k.port.beginPayment(patient, bill, retry, 'wallet-code', WALLET_CODE);
    const settlement = await k.port.completePayment(second.paymentId);
    expect(settlement.split.total).toBe(bill.total);
  });

  it('a review left unpaid releases the upload; the bill is as the hospital left it', async () => {
    const { patient, bill } = await billOf('Rajesh', 'OP202611220005');
    const preview = await k.port.preSettle(patient, bill);
    expect(upload(bill.id)).toMatchObject({ uploaded_by: 'kiosk' });
    await k.port.releasePreSettlement(patient, bill, preview);
    expect(upload(bill.id)).toBeUndefined();
    expect(site.sim.billRecord(bill.id)).toMatchObject({
      status: 'unpaid',
      mdtrt_id: 'MD202611220005',
      visit_registered_by: 'hospital',
      fees_uploaded_by: '',
    });
  });

  it('a reversal names the visit (2208), then revokes the kiosk upload; the wrong visit is refused', async () => {
    const { patient, bill } = await billOf('Amy', 'OP202611220006');
    const preview = await k.port.preSettle(patient, bill);
    const start = await k.port.beginPayment(
      patient,
      bill,
      preview,
      preview.split.cash > 0 ? 'wallet-code' : 'none',
      WALLET_CODE,
    );
    const settlement = await k.port.completePayment(start.paymentId);
    // A settled batch cannot be revoked: the settlement must be reversed first.
    await expect(
      k.client.call('2205', {
        data: { chrg_bchno: bill.id, mdtrt_id: 'MD202611220006', psn_no: patient.personNo },
      }),
    ).rejects.toThrow(/reverse the settlement \(2208\) before revoking/);
    await expect(
      k.client.call('2208', {
        data: {
          psn_no: patient.personNo,
          setl_id: settlement.settlementId,
          mdtrt_id: 'MD202611220001',
        },
      }),
    ).rejects.toThrow(/is not of mdtrt_id MD202611220001/);
    await k.payments.reverse(start.paymentId, 'staff refund');
    expect(k.journal.get(start.paymentId)!.settle_state).toBe('reversed');
    expect(upload(bill.id)).toBeUndefined();
    expect((await k.port.unpaidBills(patient)).some((b) => b.id === bill.id)).toBe(true);
  });
});

describe('2201 and 2204 are safe to resend', () => {
  it('2201 resent with its msgid answers the same visit; 2204 resent answers the same result', async () => {
    const { patient, bill } = await billOf('Leonard', 'EM202611210001');
    const msgid = k.client.newMsgid();
    const input = registerVisitInputFor(patient, bill);
    const first = await k.client.call('2201', input, { msgid });
    const again = await k.client.call('2201', input, { msgid });
    expect(again).toEqual(first);
    const fees = uploadFeesInputFor(patient.personNo, bill, first.data.mdtrt_id);
    const uploaded = await k.client.call('2204', fees);
    expect(await k.client.call('2204', fees)).toEqual(uploaded);
    // Different details for an uploaded batch are refused until 2205 revokes it.
    const changed = {
      feedetail: fees.feedetail.map((r, i) => (i === 0 ? { ...r, cnt: r.cnt + 1 } : r)),
    };
    await expect(k.client.call('2204', changed)).rejects.toThrow(/revoke it \(2205\) first/);
    // Details that are not the bill's are refused: the platform settles what the hospital billed.
    await k.client.call('2205', {
      data: { chrg_bchno: bill.id, mdtrt_id: first.data.mdtrt_id, psn_no: patient.personNo },
    });
    await expect(k.client.call('2204', changed)).rejects.toThrow(/does not match the bill/);
  });
});
