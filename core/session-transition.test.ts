import { describe, expect, it } from 'vitest';
import type { Bill, Patient, PreSettlement, Settlement } from './domain.ts';
import type { FamilyMember, FamilyOverview } from './family.ts';
import { cents } from './money.ts';
import {
  type BillsState,
  type SessionEvent,
  type SessionState,
  InvalidTransition,
} from './session-state.ts';
import { transition } from './session-transition.ts';
import { registeredVisit } from './testing/session-doubles.ts';

type Kind = SessionState['kind'];
type EventType = SessionEvent['type'];

const patient: Patient = {
  personNo: 'P1',
  name: 'Zhang San',
  idNumber: '110105198002260113',
  insuranceType: '310',
  insuranceTypes: ['310'],
  insuredArea: '110105',
  accountBalance: cents(0),
};
const bill: Bill = {
  id: 'B1',
  visitType: 'outpatient',
  category: 'regular',
  department: 'Internal',
  createdAt: '2026-11-22 09:00:00',
  total: cents(10_000),
  items: [],
  visit: registeredVisit,
};
const split = {
  total: cents(10_000),
  fund: cents(6_000),
  poolFund: cents(6_000),
  personalPart: cents(4_000),
  account: cents(2_500),
  mutualAid: cents(0),
  cash: cents(1_500),
};
const preview: PreSettlement = { billId: 'B1', split };
const settlement: Settlement = {
  settlementId: 'S1',
  msgid: 'M1',
  billId: 'B1',
  settledAt: '2026-11-22 10:00:00',
  split,
};
const memberIdNumber = '110105201001010016';
const member: FamilyMember = {
  bindingId: 'L1',
  personNo: 'P2',
  name: 'Zhang Xiao',
  birthDate: '2010-01-01',
  relation: 'child',
  boundAt: '2026-11-01 09:00:00',
  insuranceType: '390',
  insuredArea: '110105',
  unpaidBills: 1,
};
const family: FamilyOverview = { members: [member], boundBy: [] };
const quota = {
  month: '2026-11',
  limit: 5,
  used: 1,
  remaining: 4,
  resetsOn: '2026-12-01',
  memberUsed: 0,
  memberRemaining: 2,
};
const back: BillsState = { kind: 'bills', patient, bills: [bill], family, quota };
const paying = { patient, bill, preview, method: 'mobile' as const };
const request = {
  memberIdNumber: memberIdNumber,
  relation: 'child' as const,
  verification: { method: 'face' as const, verified: true },
};

/** One state of every kind: the type makes a new kind without a sample fail typecheck. */
const states: { [K in Kind]: Extract<SessionState, { kind: K }> } = {
  home: { kind: 'home' },
  consent: { kind: 'consent', route: 'face' },
  identifying: { kind: 'identifying', hint: 'look-at-camera' },
  'finding-patient': { kind: 'finding-patient', lookup: { by: 'voucher', token: 'T' } },
  'id-entry': { kind: 'id-entry' },
  verifying: { kind: 'verifying', idNumber: patient.idNumber, hint: 'look-at-camera' },
  'second-factor': { kind: 'second-factor', candidates: ['A', 'B'] },
  'not-recognised': { kind: 'not-recognised' },
  'loading-bills': { kind: 'loading-bills', patient },
  bills: back,
  'loading-member': { kind: 'loading-member', back, member },
  'member-bills': { kind: 'member-bills', back, member, bills: [bill] },
  'family-refused': { kind: 'family-refused', back, refusal: { rule: 'not-bound' } },
  'bind-id': { kind: 'bind-id', back },
  'bind-relation': {
    kind: 'bind-relation',
    back,
    memberIdNumber: memberIdNumber,
    verification: 'face',
  },
  'bind-face': {
    kind: 'bind-face',
    back,
    memberIdNumber: memberIdNumber,
    relation: 'child',
    hint: 'look-at-camera',
  },
  'bind-document': {
    kind: 'bind-document',
    back,
    memberIdNumber: memberIdNumber,
    relation: 'child',
  },
  binding: { kind: 'binding', back, request },
  unbinding: { kind: 'unbinding', back, link: member, side: 'payer' },
  'bind-done': { kind: 'bind-done', back, memberName: 'Z*' },
  'unbind-confirm': { kind: 'unbind-confirm', back, link: member, side: 'payer' },
  'pre-settling': { kind: 'pre-settling', patient, bills: [bill], bill },
  review: { kind: 'review', patient, bills: [bill], bill, preview },
  'choose-cash': { kind: 'choose-cash', patient, bills: [bill], bill, preview },
  'opening-cash': { kind: 'opening-cash', ...paying },
  'paying-cash': {
    kind: 'paying-cash',
    ...paying,
    paymentId: 'PAY1',
    order: { orderNo: 'O1', codeUrl: 'u', amount: cents(1_500), expiresAt: 'e' },
  },
  settling: { kind: 'settling', ...paying, paymentId: 'PAY1' },
  printing: { kind: 'printing', patient, bill, settlement, method: 'mobile' },
  done: {
    kind: 'done',
    patient,
    bill,
    settlement,
    method: 'mobile',
    printed: true,
    eReceiptUrl: 'u',
  },
  error: { kind: 'error', error: 'internal' },
};

/** One event of every type. */
const events: { [T in EventType]: Extract<SessionEvent, { type: T }> } = {
  'ask-consent': { type: 'ask-consent', route: 'face' },
  consent: { type: 'consent', agreed: true },
  'start-face': { type: 'start-face' },
  'start-voucher': { type: 'start-voucher', token: 'T' },
  'start-id-entry': { type: 'start-id-entry' },
  'id-entered': { type: 'id-entered', idNumber: patient.idNumber },
  uncertain: { type: 'uncertain', candidates: ['A', 'B'] },
  matched: { type: 'matched', idNumber: patient.idNumber },
  'face-hint': { type: 'face-hint', hint: 'blink' },
  identified: { type: 'identified', patient },
  'not-recognised': { type: 'not-recognised' },
  'bills-loaded': { type: 'bills-loaded', bills: [bill] },
  'family-reloaded': { type: 'family-reloaded', family, quota },
  'open-member': { type: 'open-member', bindingId: 'L1' },
  'member-bills-loaded': { type: 'member-bills-loaded', bills: [bill] },
  'family-refused': { type: 'family-refused', refusal: { rule: 'not-bound' } },
  'back-to-bills': { type: 'back-to-bills' },
  'start-bind': { type: 'start-bind' },
  'bind-id-entered': {
    type: 'bind-id-entered',
    memberIdNumber: memberIdNumber,
    verification: 'face',
  },
  'bind-relation': { type: 'bind-relation', relation: 'child' },
  'bind-verified': { type: 'bind-verified', request },
  bound: { type: 'bound', memberName: 'Z*', family, quota },
  'start-unbind': { type: 'start-unbind', bindingId: 'L1' },
  'confirm-unbind': { type: 'confirm-unbind' },
  'select-bill': { type: 'select-bill', billId: 'B1' },
  'preview-ready': { type: 'preview-ready', preview },
  confirm: { type: 'confirm' },
  'choose-cash': { type: 'choose-cash', method: 'mobile' },
  'cash-opened': {
    type: 'cash-opened',
    paymentId: 'PAY1',
    paid: false,
    order: { orderNo: 'O1', codeUrl: 'u', amount: cents(1_500), expiresAt: 'e' },
  },
  'cash-paid': { type: 'cash-paid' },
  'payment-checking': { type: 'payment-checking' },
  settled: { type: 'settled', settlement },
  printed: { type: 'printed', printed: true, eReceiptUrl: 'u' },
  failed: { type: 'failed', error: 'internal' },
  cancel: { type: 'cancel' },
  finish: { type: 'finish' },
};

const allKinds = Object.keys(states) as Kind[];
const committing: Kind[] = ['opening-cash', 'settling', 'printing'];
/** States that return to the bills screen (the family steps). */
const withBack: Kind[] = [
  'loading-member',
  'member-bills',
  'family-refused',
  'bind-id',
  'bind-relation',
  'bind-face',
  'bind-document',
  'binding',
  'unbinding',
  'bind-done',
  'unbind-confirm',
];
const to = (target: Kind, ...from: Kind[]) =>
  Object.fromEntries(from.map((k) => [k, target])) as Partial<Record<Kind, Kind>>;

/** The legal moves: event -> (state it may arrive in -> state it leads to). Anything else is refused. */
const moves: { [T in EventType]: Partial<Record<Kind, Kind>> } = {
  'ask-consent': to('consent', 'home', 'not-recognised'),
  consent: to('identifying', 'consent'),
  'start-face': to('identifying', 'home', 'not-recognised'),
  'start-voucher': to('finding-patient', 'home', 'not-recognised', 'identifying'),
  'start-id-entry': to('id-entry', 'home', 'not-recognised'),
  'id-entered': to('verifying', 'id-entry'),
  uncertain: to('second-factor', 'identifying'),
  matched: to('finding-patient', 'identifying', 'verifying', 'second-factor'),
  'face-hint': { identifying: 'identifying', verifying: 'verifying', 'bind-face': 'bind-face' },
  identified: to('loading-bills', 'finding-patient'),
  'not-recognised': to(
    'not-recognised',
    'identifying',
    'verifying',
    'second-factor',
    'finding-patient',
  ),
  'bills-loaded': to('bills', 'loading-bills'),
  'family-reloaded': to('bills', 'unbinding'),
  'open-member': to('loading-member', 'bills'),
  'member-bills-loaded': to('member-bills', 'loading-member'),
  'family-refused': to('family-refused', 'bills', ...withBack),
  'back-to-bills': to('bills', ...withBack.filter((k) => k !== 'binding')),
  'start-bind': to('bind-id', 'bills'),
  'bind-id-entered': to('bind-relation', 'bind-id'),
  'bind-relation': to('bind-face', 'bind-relation'),
  'bind-verified': to('binding', 'bind-face', 'bind-document'),
  bound: to('bind-done', 'binding'),
  'start-unbind': to('unbind-confirm', 'bills'),
  'confirm-unbind': to('unbinding', 'unbind-confirm'),
  'select-bill': to('pre-settling', 'bills', 'member-bills', 'review', 'choose-cash'),
  'preview-ready': to('review', 'pre-settling'),
  confirm: to('choose-cash', 'review'),
  'choose-cash': to('opening-cash', 'choose-cash'),
  'cash-opened': to('paying-cash', 'opening-cash'),
  'cash-paid': to('settling', 'paying-cash'),
  'payment-checking': to('settling', 'settling'),
  settled: to('printing', 'settling'),
  printed: to('done', 'printing'),
  failed: to('error', ...allKinds.filter((k) => k !== 'home')),
  cancel: to('home', ...allKinds.filter((k) => !committing.includes(k))),
  finish: to('home', 'done', 'error', 'not-recognised'),
};

describe('transition: every state against every event', () => {
  for (const type of Object.keys(events) as EventType[]) {
    it(`${type}`, () => {
      for (const kind of allKinds) {
        const expected = moves[type][kind];
        const run = () => transition(states[kind], events[type]);
        if (expected) expect(run().kind, `${kind} --${type}-->`).toBe(expected);
        else expect(run, `${kind} --${type}--> must be refused`).toThrow(InvalidTransition);
      }
    });
  }
});

describe('transition: what the payload decides', () => {
  it('nothing to pay in cash: confirm goes straight to settling', () => {
    const none = { ...preview, split: { ...split, account: cents(4_000), cash: cents(0) } };
    const next = transition({ ...states.review, preview: none }, { type: 'confirm' });
    expect(next).toMatchObject({ kind: 'settling', method: 'none' });
  });

  it('credit only within the available limit', () => {
    const choose = events['choose-cash'];
    expect(() => transition(states['choose-cash'], { ...choose, method: 'credit' })).toThrow(
      InvalidTransition,
    );
    const offer = { limit: cents(5_000), available: cents(1_500), repayDate: '2026-12-22' };
    const withCredit = { ...states['choose-cash'], preview: { ...preview, credit: offer } };
    expect(transition(withCredit, { ...choose, method: 'credit' }).kind).toBe('opening-cash');
  });

  it('a preview or settlement for another bill is refused', () => {
    const other = { ...preview, billId: 'B2' };
    expect(() =>
      transition(states['pre-settling'], { type: 'preview-ready', preview: other }),
    ).toThrow(InvalidTransition);
    expect(() =>
      transition(states.settling, { type: 'settled', settlement: { ...settlement, billId: 'B2' } }),
    ).toThrow(InvalidTransition);
  });

  it("a bill whose earlier payment is being checked cannot be chosen, own or a member's", () => {
    const held = { ...bill, beingChecked: true };
    expect(() =>
      transition({ ...back, bills: [held] }, { type: 'select-bill', billId: 'B1' }),
    ).toThrow(InvalidTransition);
    expect(() =>
      transition(
        { ...states['member-bills'], bills: [held] },
        { type: 'select-bill', billId: 'B1' },
      ),
    ).toThrow(InvalidTransition);
    expect(transition(back, { type: 'select-bill', billId: 'B1' }).kind).toBe('pre-settling');
  });

  it('an unknown bill, member or binding is refused', () => {
    expect(() => transition(back, { type: 'select-bill', billId: 'B9' })).toThrow();
    expect(() => transition(back, { type: 'open-member', bindingId: 'L9' })).toThrow();
    expect(() => transition(back, { type: 'start-unbind', bindingId: 'L9' })).toThrow();
  });

  it('declined consent goes home; the ID route leads to the keypad', () => {
    expect(transition(states.consent, { type: 'consent', agreed: false }).kind).toBe('home');
    const id = { kind: 'consent', route: 'id' } as const;
    expect(transition(id, events.consent).kind).toBe('id-entry');
  });

  it('the second factor needs at least one candidate; one is enough', () => {
    expect(() => transition(states.identifying, { type: 'uncertain', candidates: [] })).toThrow(
      InvalidTransition,
    );
    const one = transition(states.identifying, { type: 'uncertain', candidates: ['A'] });
    expect(one).toEqual({ kind: 'second-factor', candidates: ['A'] });
  });
});
