/**
 * Family accounts over real HTTP against the gateway simulator, with an injected clock: the
 * binding limits per calendar month in the hospital's time zone, the age rule on the binding
 * day, unbinding by either party, and paying a member's bill with the payer's account.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Patient } from '../core/domain.ts';
import {
  type BindingVerification,
  type FamilyMember,
  type FamilyRelation,
  type FamilyRule,
  FamilyRefusalError,
} from '../core/family.ts';
import { type Scenario, loadScenario } from './simulator/scenario.ts';
import type { GatewaySimulator } from './simulator/server.ts';
import { TestSite, type TestKiosk } from './testing/test-kiosk.ts';
import { settleInputForMember } from './wire-mapping-settlement.ts';

const base = loadScenario();
/** A teenager whose 16th birthday is 2026-11-30, for the age rule on the binding day. */
const teen = {
  ...base.patients.find((p) => p.psn_no === 'P0009')!,
  psn_no: 'T0001',
  name: 'Test Teen',
  certno: '110105201011300513',
  birth_date: '2010-11-30',
};
const scenario: Scenario = { ...base, patients: [...base.patients, teen] };
const who = (first: string) => scenario.patients.find((p) => p.name.startsWith(first))!;
const sheldon = who('Sheldon');
const leonard = who('Leonard');
const penny = who('Penny');
const howard = who('Howard');
const raj = who('Rajesh');
const amy = who('Amy');
const bernadette = who('Bernadette');
const stuart = who('Stuart');
const halley = who('Halley');
const missy = who('Missy');

let nowMs = 0;
const clock = { now: () => new Date(nowMs) };
const setClock = (iso: string) => (nowMs = Date.parse(iso));
let sim: GatewaySimulator;
let site: TestSite;
let k: TestKiosk;

const face: BindingVerification = { method: 'face', verified: true };
const patient = (p: { certno: string }): Promise<Patient> => k.port.findPatient(p.certno);
async function bind(
  payer: { certno: string },
  member: { certno: string },
  verification: BindingVerification = face,
  relation: FamilyRelation = 'other',
) {
  return k.port.bindMember(await patient(payer), {
    memberIdNumber: member.certno,
    relation,
    verification,
  });
}
async function refused(promise: Promise<unknown>, rule: FamilyRule) {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(FamilyRefusalError);
  const refusal = (error as FamilyRefusalError).refusal;
  expect(refusal.rule).toBe(rule);
  return refusal;
}
async function memberOf(payer: { certno: string }, member: { psn_no: string }) {
  const family = await k.port.familyMembers(await patient(payer));
  return family.members.find((m) => m.personNo === member.psn_no);
}
const balance = (p: { psn_no: string }) => sim.store.people.person(p.psn_no)!.balance_cents;
const settled = () => sim.store.settlements.count();

beforeEach(async () => {
  setClock('2026-11-23T02:00:00Z'); // 10:00 in Shanghai
  site = await TestSite.start('family-', clock, scenario);
  sim = site.sim;
  k = site.kiosk({ client: { timeoutMs: 2000 } });
});
afterEach(() => site.close());

describe('the scenario family', () => {
  it('Leonard has Penny bound (last month); Halley is a minor without face photos', async () => {
    const penny0 = await memberOf(leonard, penny);
    expect(penny0).toMatchObject({
      relation: 'spouse',
      boundAt: '2026-10-12 16:30:00',
      insuranceType: '390',
      unpaidBills: 1,
    });
    const pennyView = await k.port.familyMembers(await patient(penny));
    expect(pennyView.boundBy.map((b) => b.personNo)).toEqual([leonard.psn_no]);
    expect(halley.face_photos).toEqual([]);
    // An October binding does not count in November; Howard's November one does.
    expect(await k.port.bindingQuota(await patient(leonard))).toMatchObject({
      month: '2026-11',
      used: 0,
      remaining: 5,
      resetsOn: '2026-12-01',
    });
    expect(await k.port.bindingQuota(await patient(howard))).toMatchObject({ used: 1 });
    expect(await k.port.bindingQuota(await patient(bernadette))).toMatchObject({
      memberUsed: 1,
      memberRemaining: 1,
    });
  });
});

describe('at most 5 bindings per user per calendar month', () => {
  it('the 5th is accepted, the 6th refused with the reset date; unbinding gives no place back', async () => {
    const members = [sheldon, leonard, penny, raj, stuart];
    for (const [i, m] of members.entries()) {
      const r = await bind(amy, m);
      expect(r.quota).toMatchObject({ used: i + 1, remaining: 4 - i });
    }
    const sixth = await refused(bind(amy, missy), 'payer-monthly-limit');
    expect(sixth.resetsOn).toBe('2026-12-01');
    expect(sixth.message).toMatch(/at most 5 family members per calendar month/);
    const amyP = await patient(amy);
    const first = (await k.port.familyMembers(amyP)).members[0]!;
    await k.port.unbindMember(amyP, first.bindingId);
    await refused(bind(amy, missy), 'payer-monthly-limit');
    expect(await k.port.bindingQuota(amyP)).toMatchObject({ used: 5, remaining: 0 });
  });

  it('the month ends at midnight in the hospital time zone (Asia/Shanghai), not UTC', async () => {
    setClock('2026-11-30T15:00:00Z');
    for (const m of [sheldon, leonard, penny, raj, stuart]) await bind(amy, m);
    setClock('2026-11-30T15:59:59Z'); // 23:59:59 on 30 November in Shanghai
    const r = await refused(bind(amy, missy), 'payer-monthly-limit');
    expect(r.resetsOn).toBe('2026-12-01');
    setClock('2026-11-30T16:00:00Z'); // 00:00:00 on 1 December in Shanghai
    const ok = await bind(amy, missy);
    expect(ok.member.boundAt).toBe('2026-12-01 00:00:00');
    expect(ok.quota).toMatchObject({ month: '2026-12', used: 1, remaining: 4 });
  });
});

describe('at most 2 bindings per family member per calendar month', () => {
  it('a member already in 2 bindings this month is refused; last month does not count', async () => {
    // Penny was bound by Leonard in October: November still has two places.
    await bind(amy, penny);
    await bind(raj, penny);
    const r = await refused(bind(howard, penny), 'member-monthly-limit');
    expect(r.resetsOn).toBe('2026-12-01');
    // Bernadette was bound by Howard on 2 November (scenario): one place left.
    await bind(amy, bernadette);
    await refused(bind(raj, bernadette), 'member-monthly-limit');
  });
});

describe('verification by age on the binding day', () => {
  it('a 16th birthday on the binding day (hospital date) counts as 16', async () => {
    setClock('2026-11-29T15:59:59Z'); // 29 November in Shanghai: 15
    const r = await refused(bind(amy, teen), 'minor-needs-documents');
    expect(r.message).toMatch(/under 16 on the binding date \(2026-11-29\)/);
    setClock('2026-11-29T16:00:00Z'); // 30 November in Shanghai: 16 today
    await refused(
      bind(raj, teen, {
        method: 'document',
        documentType: '01',
        documentNumber: teen.certno,
        staffId: 'N1',
      }),
      'adult-needs-face',
    );
    await refused(bind(amy, teen, { method: 'face', verified: false }), 'adult-needs-face');
    expect((await bind(amy, teen)).member.personNo).toBe(teen.psn_no);
  });

  it('a minor needs a document and staff confirmation', async () => {
    const docs = {
      method: 'document',
      documentType: '02',
      documentNumber: 'HR110105-0042',
      staffId: '',
    } as const;
    const r = await refused(bind(howard, halley, docs, 'child'), 'minor-needs-documents');
    expect(r.message).toMatch(/staff confirmation is missing/);
    await refused(bind(howard, halley, face, 'child'), 'minor-needs-documents');
    const ok = await bind(howard, halley, { ...docs, staffId: 'N1024' }, 'child');
    expect(ok.member).toMatchObject({ personNo: halley.psn_no, relation: 'child' });
    expect(await memberOf(howard, halley)).toMatchObject({
      unpaidBills: 1,
      birthDate: '2019-05-20',
    });
    const row = sim.store.family.binding(ok.bindingId)!;
    expect(row).toMatchObject({ verification: 'document', doc_type: '02', staff_id: 'N1024' });
  });
});

describe('who can be bound, unbinding and binding again', () => {
  it('not oneself, not twice; a retried K602 (same msgid) binds once', async () => {
    await refused(bind(amy, amy), 'self-binding');
    const input = {
      data: {
        psn_no: amy.psn_no,
        member_certno: raj.certno,
        relation: 'other' as const,
        verification: { method: 'face' as const, verified: true },
      },
    };
    const msgid = k.client.newMsgid();
    const first = await k.client.call('K602', input, { msgid });
    const again = await k.client.call('K602', input, { msgid });
    expect(again).toEqual(first);
    expect(first.quota.bind_used).toBe(1);
    await refused(bind(amy, raj), 'already-bound');
    expect(await k.port.bindingQuota(await patient(amy))).toMatchObject({ used: 1 });
  });

  it('either party can unbind, independently; unbinding twice is not an error', async () => {
    const pennyP = await patient(penny);
    const link = (await k.port.familyMembers(pennyP)).boundBy[0]!;
    // A third person cannot end someone else's binding.
    await expect(k.port.unbindMember(await patient(amy), link.bindingId)).rejects.toMatchObject({
      code: 'gateway-rejected',
      message: expect.stringMatching(/binding not found for this person/),
    });
    const gone = await k.port.unbindMember(pennyP, link.bindingId); // the member unbinds
    expect(gone).toEqual({ unboundAt: '2026-11-23 10:00:00', unboundBy: penny.psn_no });
    expect(await k.port.unbindMember(pennyP, link.bindingId)).toEqual(gone);
    expect(await memberOf(leonard, penny)).toBeUndefined();
    expect((await k.port.familyMembers(pennyP)).boundBy).toEqual([]);

    const r = await bind(amy, raj);
    await k.port.unbindMember(await patient(amy), r.bindingId); // the payer unbinds
    expect(await memberOf(amy, raj)).toBeUndefined();
  });

  it('binding again after unbinding works, and uses another place', async () => {
    const amyP = await patient(amy);
    const r1 = await bind(amy, raj);
    await k.port.unbindMember(amyP, r1.bindingId);
    const r2 = await bind(amy, raj);
    expect(r2.bindingId).not.toBe(r1.bindingId);
    expect(r2.quota).toMatchObject({ used: 2, remaining: 3 });
    expect(await memberOf(amy, raj)).toMatchObject({ bindingId: r2.bindingId });
  });
});

describe('paying for a bound member (mutual aid)', () => {
  it("the payer's account pays the member's outpatient bill; the member's account is untouched", async () => {
    const payer = await patient(sheldon);
    const member = (await memberOf(sheldon, missy))!;
    const bills = await k.port.memberBills(member);
    const bill = bills.find((b) => b.category === 'regular')!;
    const [sheldon0, missy0] = [balance(sheldon), balance(missy)];
    expect(missy0).toBe(15_000);
    const preview = await k.port.preSettleForMember(payer, member, bill);
    expect(preview.split).toMatchObject({ account: 0, cash: 0 });
    expect(preview.split.mutualAid).toBeGreaterThan(0);
    expect(preview.split.mutualAid).toBe(preview.split.personalPart);
    expect(preview.split.accountBalanceAfter).toBe(sheldon0 - preview.split.mutualAid);
    const start = await k.port.beginPaymentForMember(payer, member, bill, preview, 'none');
    const settlement = await k.port.completePayment(start.paymentId);
    expect(settlement.split).toEqual(preview.split);
    expect(balance(sheldon)).toBe(sheldon0 - preview.split.mutualAid);
    expect(balance(missy)).toBe(missy0);
    expect(sim.store.people.bill(bill.id)?.status).toBe('paid');
    // The day's totals count mutual aid with the account part, on both sides.
    expect((await k.payments.reconcile('2026-11-23', 'KIOSK-01')).agree).toBe(true);
    // A reversal gives the payer's account back what it paid.
    await k.payments.reverse(start.paymentId, 'staff reversal');
    expect(balance(sheldon)).toBe(sheldon0);
    expect(balance(missy)).toBe(missy0);
  });

  it("what the payer's account does not cover is cash, paid by the payer", async () => {
    // Howard (56.30 in his account, no credit line) pays for Bernadette (who has one).
    const payer = await patient(howard);
    const member = (await memberOf(howard, bernadette))!;
    const [bill] = await k.port.memberBills(member);
    const preview = await k.port.preSettleForMember(payer, member, bill!);
    expect(preview.split.mutualAid).toBe(5_630);
    expect(preview.split.cash).toBe(preview.split.personalPart - 5_630);
    expect(preview.credit).toBeUndefined(); // the payer's credit, not the member's
    const start = await k.port.beginPaymentForMember(payer, member, bill!, preview, 'mobile');
    expect(sim.store.orders.order(start.order!.orderNo)?.psn_no).toBe(howard.psn_no);
    sim.payOrder(start.order!.orderNo);
    expect(await k.port.waitForCash(start.paymentId, new AbortController().signal)).toBe('paid');
    await k.port.completePayment(start.paymentId);
    expect(balance(howard)).toBe(0);
  });

  it('chronic, maternity and work-injury bills are refused, by the kiosk and by the gateway', async () => {
    const payer = await patient(sheldon);
    const member = (await memberOf(sheldon, missy))!;
    const bills = await k.port.memberBills(member);
    const wording = {
      chronic: 'chronic disease',
      maternity: 'maternity',
      'work-injury': 'work injury',
    } as const;
    for (const category of ['chronic', 'maternity', 'work-injury'] as const) {
      const bill = bills.find((b) => b.category === category)!;
      const r = await refused(k.port.preSettleForMember(payer, member, bill), 'category-excluded');
      expect(r.message).toContain(`family accounts cannot pay ${wording[category]} bills`);
      // The gateway refuses it too, whatever the kiosk does.
      for (const code of ['2206', '2207'] as const) {
        await expect(
          k.client.call(code, settleInputForMember(payer, member, bill)),
        ).rejects.toMatchObject({
          code: 'gateway-rejected',
          message: expect.stringContaining(
            `family rule category-excluded: family accounts cannot pay ${wording[category]} bills`,
          ),
        });
      }
    }
    expect(settled()).toBe(0);
    expect(balance(sheldon)).toBe(28_000);
  });

  it('paying for a person who is not bound to the payer is refused', async () => {
    const payer = await patient(amy);
    const rajAsMember: FamilyMember = {
      bindingId: '',
      personNo: raj.psn_no,
      name: raj.name,
      birthDate: raj.birth_date,
      relation: 'other',
      boundAt: '',
      insuranceType: raj.insutype,
      insuredArea: raj.insuplc_admdvs,
      unpaidBills: 1,
    };
    const [bill] = await k.port.memberBills(rajAsMember);
    await refused(k.port.preSettleForMember(payer, rajAsMember, bill!), 'not-bound');
    await expect(
      k.client.call('2207', settleInputForMember(payer, rajAsMember, bill!)),
    ).rejects.toMatchObject({ message: expect.stringMatching(/family rule not-bound/) });
    // Unbound after paying once: the next payment is refused.
    const leonardP = await patient(leonard);
    const pennyM = (await memberOf(leonard, penny))!;
    await k.port.unbindMember(leonardP, pennyM.bindingId);
    const [pennyBill] = await k.port.memberBills(pennyM);
    await refused(k.port.preSettleForMember(leonardP, pennyM, pennyBill!), 'not-bound');
    expect(settled()).toBe(0);
    expect(balance(amy)).toBe(80_000);
  });
});
