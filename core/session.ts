/**
 * The patient's session as a pure state machine: (state, event) -> state. Side effects (camera,
 * gateway, printer) live in the controller; this file decides only what may follow what, so an
 * out-of-order event (a late face match after Cancel, a second Confirm) cannot move money.
 */
import type { Bill, CashMethod, CashOrder, Patient, PreSettlement, Settlement } from './domain.ts';
import {
  type BindingQuota,
  type FamilyLink,
  type FamilyMember,
  type FamilyOverview,
  type FamilyRelation,
  canPayForMember,
} from './family.ts';
import type { KioskErrorCode } from './errors.ts';
import type { FaceHint, SessionView } from './kiosk-api.ts';
import { maskIdNumber, maskName } from './masking.ts';
import type { SettlementSplit } from './settlement.ts';
import type { FamilyRefusalRule } from './vocabulary.ts';

export type SessionState =
  | { kind: 'home' }
  /** Before any face processing the patient agrees to it (or chooses another way). */
  | { kind: 'consent'; route: 'face' | 'id' }
  | { kind: 'identifying'; hint: FaceHint }
  | { kind: 'reading-voucher' }
  | { kind: 'id-entry' }
  | { kind: 'verifying'; hint: FaceHint }
  /** Two people look alike: the last 4 characters of the ID number decide. Candidates stay here. */
  | { kind: 'second-factor'; candidates: string[] }
  | { kind: 'not-recognised' }
  | { kind: 'loading-bills'; patient: Patient }
  | BillsState
  | { kind: 'loading-member'; back: BillsState; member: FamilyMember }
  | { kind: 'member-bills'; back: BillsState; member: FamilyMember; bills: Bill[] }
  | { kind: 'family-refused'; back: BillsState; refusal: KioskFamilyRefusal }
  | { kind: 'bind-id'; back: BillsState }
  | {
      kind: 'bind-relation';
      back: BillsState;
      memberIdNumber: string;
      verification: 'face' | 'document';
    }
  | {
      kind: 'bind-face';
      back: BillsState;
      memberIdNumber: string;
      relation: FamilyRelation;
      hint: FaceHint;
    }
  | { kind: 'bind-document'; back: BillsState; memberIdNumber: string; relation: FamilyRelation }
  | { kind: 'binding'; back: BillsState }
  | { kind: 'bind-done'; back: BillsState; memberName: string }
  | { kind: 'unbind-confirm'; back: BillsState; link: FamilyLink; side: 'member' | 'payer' }
  | { kind: 'pre-settling'; patient: Patient; bills: Bill[]; bill: Bill; member?: FamilyMember }
  | {
      kind: 'review';
      patient: Patient;
      bills: Bill[];
      bill: Bill;
      preview: PreSettlement;
      member?: FamilyMember;
    }
  | {
      kind: 'choose-cash';
      patient: Patient;
      bills: Bill[];
      bill: Bill;
      preview: PreSettlement;
      member?: FamilyMember;
    }
  | {
      kind: 'opening-cash';
      member?: FamilyMember;
      patient: Patient;
      bill: Bill;
      preview: PreSettlement;
      method: CashMethod;
    }
  | {
      kind: 'paying-cash';
      member?: FamilyMember;
      patient: Patient;
      bill: Bill;
      preview: PreSettlement;
      method: CashMethod;
      paymentId: string;
      order: CashOrder;
    }
  | {
      kind: 'settling';
      member?: FamilyMember;
      patient: Patient;
      bill: Bill;
      preview: PreSettlement;
      method: CashMethod;
      paymentId?: string;
    }
  | {
      kind: 'printing';
      patient: Patient;
      bill: Bill;
      settlement: Settlement;
      method: CashMethod;
      repayDate?: string;
    }
  | {
      kind: 'done';
      patient: Patient;
      bill: Bill;
      settlement: Settlement;
      method: CashMethod;
      repayDate?: string;
      printed: boolean;
      eReceiptUrl: string;
    }
  | { kind: 'error'; error: KioskErrorCode };

/** A family refusal the patient is told about: a gateway rule, or one the kiosk checks itself. */
export interface KioskFamilyRefusal {
  rule: FamilyRefusalRule;
  resetsOn?: string;
}

export interface BillsState {
  kind: 'bills';
  patient: Patient;
  bills: Bill[];
  /** The patient's family members (whose bills they may pay) and binding quota, when loaded. */
  family?: FamilyOverview;
  quota?: BindingQuota;
}

export type SessionEvent =
  | { type: 'ask-consent'; route: 'face' | 'id' }
  | { type: 'consent'; agreed: boolean }
  | { type: 'start-face' }
  | { type: 'start-voucher' }
  | { type: 'start-id-entry' }
  | { type: 'id-entered' }
  | { type: 'uncertain'; candidates: string[] }
  | { type: 'second-factor-entered' }
  | { type: 'face-hint'; hint: FaceHint }
  | { type: 'identified'; patient: Patient }
  | { type: 'not-recognised' }
  | { type: 'bills-loaded'; bills: Bill[]; family?: FamilyOverview; quota?: BindingQuota }
  | { type: 'family-reloaded'; family: FamilyOverview; quota: BindingQuota }
  | { type: 'open-member'; bindingId: string }
  | { type: 'member-bills-loaded'; bills: Bill[] }
  | { type: 'family-refused'; refusal: KioskFamilyRefusal }
  | { type: 'back-to-bills' }
  | { type: 'start-bind' }
  | { type: 'bind-id-entered'; memberIdNumber: string; verification: 'face' | 'document' }
  | { type: 'bind-relation'; relation: FamilyRelation }
  | { type: 'bind-verified' }
  | { type: 'bound'; memberName: string; family: FamilyOverview; quota: BindingQuota }
  | { type: 'start-unbind'; bindingId: string }
  | { type: 'select-bill'; billId: string }
  | { type: 'preview-ready'; preview: PreSettlement }
  | { type: 'confirm' }
  | { type: 'choose-cash'; method: CashMethod }
  | { type: 'cash-opened'; paymentId: string; order?: CashOrder; paid: boolean }
  | { type: 'cash-paid' }
  | { type: 'settled'; settlement: Settlement }
  | { type: 'printed'; printed: boolean; eReceiptUrl: string }
  | { type: 'failed'; error: KioskErrorCode }
  | { type: 'cancel' }
  | { type: 'finish' };

export class InvalidTransition extends Error {
  override readonly name = 'InvalidTransition';
  constructor(state: SessionState['kind'], event: SessionEvent['type']) {
    super(`event ${event} is not allowed in state ${state}`);
  }
}

/** States in which money may be moving: nothing may interrupt them, not even Cancel. */
export function isCommitting(state: SessionState): boolean {
  return state.kind === 'settling' || state.kind === 'printing' || state.kind === 'opening-cash';
}

export function transition(state: SessionState, event: SessionEvent): SessionState {
  const invalid = () => new InvalidTransition(state.kind, event.type);
  switch (event.type) {
    case 'cancel':
      if (isCommitting(state)) throw invalid();
      return { kind: 'home' };
    case 'failed':
      if (state.kind === 'home') throw invalid();
      return { kind: 'error', error: event.error };
    case 'ask-consent':
      if (state.kind !== 'home' && state.kind !== 'not-recognised') throw invalid();
      return { kind: 'consent', route: event.route };
    case 'consent':
      if (state.kind !== 'consent') throw invalid();
      if (!event.agreed) return { kind: 'home' };
      return state.route === 'face'
        ? { kind: 'identifying', hint: 'look-at-camera' }
        : { kind: 'id-entry' };
    case 'start-face':
      if (state.kind !== 'home' && state.kind !== 'not-recognised') throw invalid();
      return { kind: 'identifying', hint: 'look-at-camera' };
    case 'start-voucher':
      if (state.kind !== 'home' && state.kind !== 'not-recognised' && state.kind !== 'identifying')
        throw invalid();
      return { kind: 'reading-voucher' };
    case 'start-id-entry':
      if (state.kind !== 'home' && state.kind !== 'not-recognised') throw invalid();
      return { kind: 'id-entry' };
    case 'id-entered':
      if (state.kind !== 'id-entry') throw invalid();
      return { kind: 'verifying', hint: 'look-at-camera' };
    case 'uncertain':
      if (state.kind !== 'identifying' || event.candidates.length < 2) throw invalid();
      return { kind: 'second-factor', candidates: event.candidates };
    case 'second-factor-entered':
      if (state.kind !== 'second-factor') throw invalid();
      return { kind: 'reading-voucher' };
    case 'face-hint':
      if (state.kind === 'bind-face') return { ...state, hint: event.hint };
      if (state.kind !== 'identifying' && state.kind !== 'verifying') throw invalid();
      return { kind: state.kind, hint: event.hint };
    case 'identified':
      if (
        state.kind !== 'identifying' &&
        state.kind !== 'reading-voucher' &&
        state.kind !== 'verifying'
      ) {
        throw invalid();
      }
      return { kind: 'loading-bills', patient: event.patient };
    case 'not-recognised':
      if (
        state.kind !== 'identifying' &&
        state.kind !== 'verifying' &&
        state.kind !== 'reading-voucher'
      ) {
        throw invalid();
      }
      return { kind: 'not-recognised' };
    case 'bills-loaded':
      if (state.kind !== 'loading-bills') throw invalid();
      return {
        kind: 'bills',
        patient: state.patient,
        bills: event.bills,
        ...(event.family ? { family: event.family } : {}),
        ...(event.quota ? { quota: event.quota } : {}),
      };
    case 'family-reloaded': {
      const back = backOf(state);
      if (!back) throw invalid();
      return { ...back, family: event.family, quota: event.quota };
    }
    case 'open-member': {
      if (state.kind !== 'bills') throw invalid();
      const member = state.family?.members.find((m) => m.bindingId === event.bindingId);
      if (!member) throw invalid();
      return { kind: 'loading-member', back: state, member };
    }
    case 'member-bills-loaded':
      if (state.kind !== 'loading-member') throw invalid();
      return { kind: 'member-bills', back: state.back, member: state.member, bills: event.bills };
    case 'family-refused': {
      const back = backOf(state);
      if (!back) throw invalid();
      return { kind: 'family-refused', back, refusal: event.refusal };
    }
    case 'back-to-bills': {
      const back = backOf(state);
      if (!back || state.kind === 'bills' || state.kind === 'binding') throw invalid();
      return back;
    }
    case 'start-bind':
      if (state.kind !== 'bills') throw invalid();
      return { kind: 'bind-id', back: state };
    case 'bind-id-entered':
      if (state.kind !== 'bind-id') throw invalid();
      return {
        kind: 'bind-relation',
        back: state.back,
        memberIdNumber: event.memberIdNumber,
        verification: event.verification,
      };
    case 'bind-relation':
      if (state.kind !== 'bind-relation') throw invalid();
      return state.verification === 'face'
        ? {
            kind: 'bind-face',
            back: state.back,
            memberIdNumber: state.memberIdNumber,
            relation: event.relation,
            hint: 'look-at-camera',
          }
        : {
            kind: 'bind-document',
            back: state.back,
            memberIdNumber: state.memberIdNumber,
            relation: event.relation,
          };
    case 'bind-verified':
      if (state.kind !== 'bind-face' && state.kind !== 'bind-document') throw invalid();
      return { kind: 'binding', back: state.back };
    case 'bound':
      if (state.kind !== 'binding') throw invalid();
      return {
        kind: 'bind-done',
        back: { ...state.back, family: event.family, quota: event.quota },
        memberName: event.memberName,
      };
    case 'start-unbind': {
      if (state.kind !== 'bills') throw invalid();
      const asPayer = state.family?.members.find((m) => m.bindingId === event.bindingId);
      const asMember = state.family?.boundBy.find((m) => m.bindingId === event.bindingId);
      const link = asPayer ?? asMember;
      if (!link) throw invalid();
      return { kind: 'unbind-confirm', back: state, link, side: asPayer ? 'payer' : 'member' };
    }
    case 'select-bill': {
      if (state.kind === 'member-bills') {
        // Paying for a family member: the payer is the patient at the kiosk.
        const bill = state.bills.find((b) => b.id === event.billId);
        if (!bill) throw invalid();
        const { patient } = state.back;
        return { kind: 'pre-settling', patient, bills: state.bills, bill, member: state.member };
      }
      if (state.kind !== 'bills' && state.kind !== 'review' && state.kind !== 'choose-cash')
        throw invalid();
      const bill = state.bills.find((b) => b.id === event.billId);
      if (!bill) throw invalid();
      const member = state.kind === 'bills' ? undefined : state.member;
      return { kind: 'pre-settling', patient: state.patient, bills: state.bills, bill, member };
    }
    case 'preview-ready':
      if (state.kind !== 'pre-settling' || event.preview.billId !== state.bill.id) throw invalid();
      return { ...state, kind: 'review', preview: event.preview };
    case 'confirm': {
      if (state.kind !== 'review') throw invalid();
      const { patient, bill, preview, member } = state;
      // Nothing to pay in cash: straight to settlement. Otherwise the patient chooses how.
      if (preview.split.cash === 0)
        return { kind: 'settling', patient, bill, preview, method: 'none', member };
      return { kind: 'choose-cash', patient, bills: state.bills, bill, preview, member };
    }
    case 'choose-cash': {
      if (state.kind !== 'choose-cash' || event.method === 'none') throw invalid();
      if (
        event.method === 'credit' &&
        !(state.preview.credit && state.preview.credit.available >= state.preview.split.cash)
      ) {
        throw invalid();
      }
      const { patient, bill, preview, member } = state;
      return { kind: 'opening-cash', patient, bill, preview, method: event.method, member };
    }
    case 'cash-opened': {
      if (state.kind !== 'opening-cash') throw invalid();
      const { patient, bill, preview, method, member } = state;
      if (event.paid)
        return {
          kind: 'settling',
          patient,
          bill,
          preview,
          method,
          paymentId: event.paymentId,
          member,
        };
      if (!event.order) throw invalid();
      return {
        kind: 'paying-cash',
        patient,
        bill,
        preview,
        method,
        paymentId: event.paymentId,
        order: event.order,
        member,
      };
    }
    case 'cash-paid': {
      if (state.kind !== 'paying-cash') throw invalid();
      const { patient, bill, preview, method, paymentId, member } = state;
      return { kind: 'settling', patient, bill, preview, method, paymentId, member };
    }
    case 'settled':
      if (state.kind !== 'settling' || event.settlement.billId !== state.bill.id) throw invalid();
      return {
        kind: 'printing',
        patient: state.patient,
        bill: state.bill,
        settlement: event.settlement,
        method: state.method,
        ...(state.method === 'credit' && state.preview.credit
          ? { repayDate: state.preview.credit.repayDate }
          : {}),
      };
    case 'printed':
      if (state.kind !== 'printing') throw invalid();
      return {
        kind: 'done',
        patient: state.patient,
        bill: state.bill,
        settlement: state.settlement,
        method: state.method,
        ...(state.repayDate ? { repayDate: state.repayDate } : {}),
        printed: event.printed,
        eReceiptUrl: event.eReceiptUrl,
      };
    case 'finish':
      if (state.kind !== 'done' && state.kind !== 'error' && state.kind !== 'not-recognised') {
        throw invalid();
      }
      return { kind: 'home' };
  }
}

function splitView(split: SettlementSplit) {
  return {
    total: split.total,
    fund: split.fund,
    personalPart: split.personalPart,
    account: split.account,
    mutualAid: split.mutualAid,
    cash: split.cash,
  };
}

function billView(bill: Bill) {
  return {
    id: bill.id,
    visitType: bill.visitType,
    category: bill.category,
    department: bill.department,
    createdAt: bill.createdAt,
    total: bill.total,
    items: bill.items.map((i) => ({
      name: i.name,
      itemClass: i.itemClass,
      quantity: i.quantity,
      amount: i.amount,
    })),
  };
}

function patientView(p: Patient) {
  return {
    maskedName: maskName(p.name),
    maskedIdNumber: maskIdNumber(p.idNumber),
    insuranceType: p.insuranceType,
  };
}

function memberView(m: FamilyLink) {
  return { bindingId: m.bindingId, maskedName: maskName(m.name), relation: m.relation };
}

/** What the renderer may see: personal data masked, internal ids and balances left out. */
export function toView(state: SessionState): SessionView {
  switch (state.kind) {
    case 'home':
      return { screen: 'home' };
    case 'identifying':
      return { screen: 'identifying', hint: state.hint };
    case 'not-recognised':
      return { screen: 'not-recognised' };
    case 'loading-bills':
      return { screen: 'loading', what: 'bills' };
    case 'reading-voucher':
      return { screen: 'loading', what: 'patient' };
    case 'id-entry':
      return { screen: 'id-entry' };
    case 'consent':
      return { screen: 'consent' };
    case 'verifying':
      return { screen: 'identifying', hint: state.hint };
    case 'second-factor':
      return { screen: 'second-factor' };
    case 'pre-settling':
      return { screen: 'loading', what: 'pre-settlement' };
    case 'opening-cash':
      return { screen: 'loading', what: 'payment' };
    case 'settling':
      return { screen: 'loading', what: 'settlement' };
    case 'choose-cash':
      return {
        screen: 'choose-cash',
        cash: state.preview.split.cash,
        credit:
          state.preview.credit && state.preview.credit.available >= state.preview.split.cash
            ? {
                available: state.preview.credit.available,
                repayDate: state.preview.credit.repayDate,
              }
            : null,
      };
    case 'paying-cash':
      return {
        screen: 'paying-cash',
        amount: state.order.amount,
        codeUrl: state.order.codeUrl,
        expiresAt: state.order.expiresAt,
      };
    case 'printing':
      return { screen: 'loading', what: 'printing' };
    case 'bills':
      return {
        screen: 'bills',
        patient: patientView(state.patient),
        bills: state.bills.map(billView),
        family: state.family
          ? {
              members: state.family.members.map((m) => ({
                ...memberView(m),
                unpaidBills: m.unpaidBills,
              })),
              boundBy: state.family.boundBy.map(memberView),
            }
          : null,
        quota: state.quota
          ? { remaining: state.quota.remaining, resetsOn: state.quota.resetsOn }
          : null,
      };
    case 'loading-member':
      return { screen: 'loading', what: 'member-bills' };
    case 'member-bills':
      return {
        screen: 'member-bills',
        member: memberView(state.member),
        bills: state.bills.map(billView),
        excluded: state.bills.filter((b) => !canPayForMember(b.category).ok).map((b) => b.id),
      };
    case 'family-refused':
      return {
        screen: 'family-refused',
        rule: state.refusal.rule,
        resetsOn: state.refusal.resetsOn ?? null,
      };
    case 'bind-id':
      return {
        screen: 'bind-id',
        quota: state.back.quota
          ? { remaining: state.back.quota.remaining, resetsOn: state.back.quota.resetsOn }
          : null,
      };
    case 'bind-relation':
      return { screen: 'bind-relation', verification: state.verification };
    case 'bind-face':
      return { screen: 'bind-face', hint: state.hint };
    case 'bind-document':
      return { screen: 'bind-document' };
    case 'binding':
      return { screen: 'loading', what: 'binding' };
    case 'bind-done':
      return { screen: 'bind-done', member: { maskedName: state.memberName } };
    case 'unbind-confirm':
      return { screen: 'unbind-confirm', member: memberView(state.link), side: state.side };
    case 'review':
      return {
        screen: 'review',
        forMember: state.member ? memberView(state.member) : null,
        useAccount: state.preview.useAccount ?? true,
        patient: patientView(state.patient),
        bill: billView(state.bill),
        split: splitView(state.preview.split),
      };
    case 'done':
      return {
        screen: 'done',
        patient: patientView(state.patient),
        bill: billView(state.bill),
        split: splitView(state.settlement.split),
        settlementId: state.settlement.settlementId,
        receipt: state.printed ? 'printed' : 'not-printed',
        method: state.method,
        repayDate: state.repayDate ?? null,
        eReceiptUrl: state.eReceiptUrl,
      };
    case 'error':
      return { screen: 'error', error: state.error };
  }
}

/** The bills screen a family step returns to. */
function backOf(state: SessionState): BillsState | undefined {
  if (state.kind === 'bills') return state;
  return 'back' in state ? state.back : undefined;
}
