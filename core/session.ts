/**
 * The patient's session as a pure state machine: (state, event) -> state. Side effects (camera,
 * gateway, printer) live in the controller; this file decides only what may follow what, so an
 * out-of-order event (a late face match after Cancel, a second Confirm) cannot move money.
 */
import type { Bill, CashMethod, CashOrder, Patient, PreSettlement, Settlement } from './domain.ts';
import type { KioskErrorCode } from './errors.ts';
import type { FaceHint, SessionView } from './kiosk-api.ts';
import { maskIdNumber, maskName } from './masking.ts';
import type { SettlementSplit } from './settlement.ts';

export type SessionState =
  | { kind: 'home' }
  | { kind: 'identifying'; hint: FaceHint }
  | { kind: 'reading-voucher' }
  | { kind: 'id-entry' }
  | { kind: 'verifying'; hint: FaceHint }
  /** Two people look alike: the last 4 characters of the ID number decide. Candidates stay here. */
  | { kind: 'second-factor'; candidates: string[] }
  | { kind: 'not-recognised' }
  | { kind: 'loading-bills'; patient: Patient }
  | { kind: 'bills'; patient: Patient; bills: Bill[] }
  | { kind: 'pre-settling'; patient: Patient; bills: Bill[]; bill: Bill }
  | { kind: 'review'; patient: Patient; bills: Bill[]; bill: Bill; preview: PreSettlement }
  | { kind: 'choose-cash'; patient: Patient; bills: Bill[]; bill: Bill; preview: PreSettlement }
  | {
      kind: 'opening-cash';
      patient: Patient;
      bill: Bill;
      preview: PreSettlement;
      method: CashMethod;
    }
  | {
      kind: 'paying-cash';
      patient: Patient;
      bill: Bill;
      preview: PreSettlement;
      method: CashMethod;
      paymentId: string;
      order: CashOrder;
    }
  | {
      kind: 'settling';
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

export type SessionEvent =
  | { type: 'start-face' }
  | { type: 'start-voucher' }
  | { type: 'start-id-entry' }
  | { type: 'id-entered' }
  | { type: 'uncertain'; candidates: string[] }
  | { type: 'second-factor-entered' }
  | { type: 'face-hint'; hint: FaceHint }
  | { type: 'identified'; patient: Patient }
  | { type: 'not-recognised' }
  | { type: 'bills-loaded'; bills: Bill[] }
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
      return { kind: 'bills', patient: state.patient, bills: event.bills };
    case 'select-bill': {
      if (state.kind !== 'bills' && state.kind !== 'review' && state.kind !== 'choose-cash')
        throw invalid();
      const bill = state.bills.find((b) => b.id === event.billId);
      if (!bill) throw invalid();
      return { kind: 'pre-settling', patient: state.patient, bills: state.bills, bill };
    }
    case 'preview-ready':
      if (state.kind !== 'pre-settling' || event.preview.billId !== state.bill.id) throw invalid();
      return {
        kind: 'review',
        patient: state.patient,
        bills: state.bills,
        bill: state.bill,
        preview: event.preview,
      };
    case 'confirm': {
      if (state.kind !== 'review') throw invalid();
      const { patient, bill, preview } = state;
      // Nothing to pay in cash: straight to settlement. Otherwise the patient chooses how.
      if (preview.split.cash === 0)
        return { kind: 'settling', patient, bill, preview, method: 'none' };
      return { kind: 'choose-cash', patient, bills: state.bills, bill, preview };
    }
    case 'choose-cash': {
      if (state.kind !== 'choose-cash' || event.method === 'none') throw invalid();
      if (
        event.method === 'credit' &&
        !(state.preview.credit && state.preview.credit.available >= state.preview.split.cash)
      ) {
        throw invalid();
      }
      const { patient, bill, preview } = state;
      return { kind: 'opening-cash', patient, bill, preview, method: event.method };
    }
    case 'cash-opened': {
      if (state.kind !== 'opening-cash') throw invalid();
      const { patient, bill, preview, method } = state;
      if (event.paid)
        return { kind: 'settling', patient, bill, preview, method, paymentId: event.paymentId };
      if (!event.order) throw invalid();
      return {
        kind: 'paying-cash',
        patient,
        bill,
        preview,
        method,
        paymentId: event.paymentId,
        order: event.order,
      };
    }
    case 'cash-paid': {
      if (state.kind !== 'paying-cash') throw invalid();
      const { patient, bill, preview, method, paymentId } = state;
      return { kind: 'settling', patient, bill, preview, method, paymentId };
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
      };
    case 'review':
      return {
        screen: 'review',
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
