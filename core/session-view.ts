/**
 * What the renderer may see of a session state: personal data masked, internal ids, ID numbers
 * and balances left out.
 */
import { type Bill, type DepositNetting, type Patient, cashToCollect } from './domain.ts';
import { type FamilyLink, canPayForMember } from './family.ts';
import type { SessionView } from './kiosk-api.ts';
import { maskIdNumber, maskName } from './masking.ts';
import type { SessionState } from './session-state.ts';
import type { SettlementSplit } from './settlement.ts';

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

function depositsView(d: DepositNetting | undefined) {
  return d ? { deposits: { total: d.total, count: d.count, due: d.due, refund: d.refund } } : {};
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
    ...(bill.beingChecked ? { beingChecked: true } : {}),
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
    case 'finding-patient':
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
      return { screen: 'loading', what: state.checking ? 'settlement-check' : 'settlement' };
    case 'choose-cash':
      return {
        screen: 'choose-cash',
        cash: cashToCollect(state.preview),
        credit:
          state.preview.credit && state.preview.credit.available >= cashToCollect(state.preview)
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
    case 'unbinding':
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
        ...depositsView(state.preview.deposits),
      };
    case 'done':
      return {
        screen: 'done',
        patient: patientView(state.patient),
        bill: billView(state.bill),
        split: splitView(state.settlement.split),
        ...depositsView(state.settlement.deposits),
        settlementId: state.settlement.settlementId,
        receipt: state.printed ? 'printed' : 'not-printed',
        method: state.method,
        repayDate: state.repayDate ?? null,
        eReceiptUrl: state.eReceiptUrl,
      };
    case 'error':
      return {
        screen: 'error',
        error: state.error,
        ...(state.slipPrinted !== undefined ? { slipPrinted: state.slipPrinted } : {}),
      };
  }
}
