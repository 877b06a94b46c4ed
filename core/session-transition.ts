/**
 * The session as a pure state machine: (state, event) -> state. Side effects (camera, gateway,
 * printer) live in the controller and its flows; this file decides only what may follow what, so
 * an out-of-order event (a late face match after Cancel, a second Confirm) cannot move money.
 */
import { cashToCollect } from './domain.ts';
import { faceUnavailableErrors } from './errors.ts';
import {
  type SessionEvent,
  type SessionState,
  InvalidTransition,
  backOf,
  isCommitting,
} from './session-state.ts';

export function transition(state: SessionState, event: SessionEvent): SessionState {
  const invalid = () => new InvalidTransition(state.kind, event.type);
  switch (event.type) {
    case 'cancel':
      if (isCommitting(state)) throw invalid();
      return { kind: 'home' };
    case 'failed':
      if (state.kind === 'home') throw invalid();
      return {
        kind: 'error',
        error: event.error,
        ...(event.slipPrinted !== undefined ? { slipPrinted: event.slipPrinted } : {}),
      };
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
      if (
        state.kind !== 'home' &&
        state.kind !== 'not-recognised' &&
        state.kind !== 'identifying' &&
        !faceCannotWork(state)
      )
        throw invalid();
      return { kind: 'finding-patient', lookup: { by: 'voucher', token: event.token } };
    case 'start-id-entry':
      if (state.kind !== 'home' && state.kind !== 'not-recognised') throw invalid();
      return { kind: 'id-entry' };
    case 'id-entered':
      if (state.kind !== 'id-entry') throw invalid();
      return { kind: 'verifying', idNumber: event.idNumber, hint: 'look-at-camera' };
    case 'uncertain':
      if (state.kind !== 'identifying' || event.candidates.length === 0) throw invalid();
      return { kind: 'second-factor', candidates: event.candidates };
    case 'matched':
      if (
        state.kind !== 'identifying' &&
        state.kind !== 'verifying' &&
        state.kind !== 'second-factor'
      ) {
        throw invalid();
      }
      return { kind: 'finding-patient', lookup: { by: 'id-number', idNumber: event.idNumber } };
    case 'face-hint':
      if (state.kind === 'bind-face') return { ...state, hint: event.hint };
      if (state.kind !== 'identifying' && state.kind !== 'verifying') throw invalid();
      return { ...state, hint: event.hint };
    case 'identified':
      if (state.kind !== 'finding-patient') throw invalid();
      return { kind: 'loading-bills', patient: event.patient };
    case 'not-recognised':
      if (
        state.kind !== 'identifying' &&
        state.kind !== 'verifying' &&
        state.kind !== 'second-factor' &&
        state.kind !== 'finding-patient'
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
    case 'family-reloaded':
      // After an unbinding, the bills screen comes back with the family as it now is.
      if (state.kind !== 'unbinding') throw invalid();
      return { ...state.back, family: event.family, quota: event.quota };
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
      return { kind: 'binding', back: state.back, request: event.request };
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
    case 'confirm-unbind':
      if (state.kind !== 'unbind-confirm') throw invalid();
      return { kind: 'unbinding', back: state.back, link: state.link, side: state.side };
    case 'select-bill': {
      if (state.kind === 'member-bills') {
        // Paying for a family member: the payer is the patient at the kiosk.
        const bill = state.bills.find((b) => b.id === event.billId);
        if (!bill || bill.beingChecked) throw invalid();
        const { patient } = state.back;
        return { kind: 'pre-settling', patient, bills: state.bills, bill, member: state.member };
      }
      if (state.kind !== 'bills' && state.kind !== 'review' && state.kind !== 'choose-cash')
        throw invalid();
      const bill = state.bills.find((b) => b.id === event.billId);
      // A bill whose earlier payment is still being checked cannot be paid again meanwhile.
      if (!bill || bill.beingChecked) throw invalid();
      const member = state.kind === 'bills' ? undefined : state.member;
      return {
        kind: 'pre-settling',
        patient: state.patient,
        bills: state.bills,
        bill,
        member,
        ...(event.useAccount !== undefined ? { useAccount: event.useAccount } : {}),
      };
    }
    case 'preview-ready':
      if (state.kind !== 'pre-settling' || event.preview.billId !== state.bill.id) throw invalid();
      return { ...state, kind: 'review', preview: event.preview };
    case 'confirm': {
      if (state.kind !== 'review') throw invalid();
      const { patient, bill, preview, member } = state;
      // Nothing to pay in cash: straight to settlement. Otherwise the patient chooses how.
      if (cashToCollect(preview) === 0)
        return { kind: 'settling', patient, bill, preview, method: 'none', member };
      return { kind: 'choose-cash', patient, bills: state.bills, bill, preview, member };
    }
    case 'choose-cash': {
      if (state.kind !== 'choose-cash' || event.method === 'none') throw invalid();
      if (
        event.method === 'credit' &&
        !(state.preview.credit && state.preview.credit.available >= cashToCollect(state.preview))
      ) {
        throw invalid();
      }
      const { patient, bill, preview, member } = state;
      return {
        kind: 'opening-cash',
        patient,
        bill,
        preview,
        method: event.method,
        member,
        ...(event.walletCode ? { walletCode: event.walletCode } : {}),
      };
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
    case 'payment-checking':
      if (state.kind !== 'settling') throw invalid();
      return { ...state, checking: true };
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

/** An error screen that offers the e-voucher (core/errors.ts `faceUnavailableErrors`). */
function faceCannotWork(state: SessionState): boolean {
  return state.kind === 'error' && faceUnavailableErrors.includes(state.error);
}
