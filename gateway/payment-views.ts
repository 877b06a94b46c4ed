/**
 * Read-only views of journalled payments: the settlement a settled row holds, and the open
 * payments staff see in admin mode (the reference on the patient's slip, amounts and states;
 * never who, which stays sealed in the journal).
 */
import type { DepositNetting, Settlement } from '../core/domain.ts';
import { type Cents, cents, yuanToCents } from '../core/money.ts';
import type { SettlementSplit } from '../core/settlement.ts';
import type { PaymentJournal, PaymentRow, SettleInfno } from './journal.ts';
import type { SettleOutput } from './payment-calls.ts';
import type { TxOutput } from './protocol.ts';
import {
  depositNettingFromSetlinfo,
  depositSplit,
  splitFromSetlinfo,
} from './wire-mapping-settlement.ts';

/** A settling answer read by its transaction: ids, time, the split checked, deposits netted. */
export interface SettledAnswer {
  setlId: string;
  setlTime: string;
  split: SettlementSplit;
  deposits?: DepositNetting;
}

/** Throws gateway-bad-response when the amounts do not add up. */
export function settledAnswerOf(infno: SettleInfno, out: SettleOutput): SettledAnswer {
  if (infno === 'K701') {
    const d = (out as TxOutput<'K701'>).deposit;
    return { setlId: d.dpst_id, setlTime: d.dpst_time, split: depositSplit(yuanToCents(d.amount)) };
  }
  const s = (out as TxOutput<'2207'> | TxOutput<'2304'>).setlinfo;
  const split = splitFromSetlinfo(s);
  if (infno === '2304') {
    const deposits = depositNettingFromSetlinfo((out as TxOutput<'2304'>).setlinfo);
    return { setlId: s.setl_id, setlTime: s.setl_time, split, deposits };
  }
  return { setlId: s.setl_id, setlTime: s.setl_time, split };
}

export function settlementOfRow(p: PaymentRow): Settlement {
  const answer = settledAnswerOf(p.settle_infno, JSON.parse(p.settlement_json) as SettleOutput);
  return {
    settlementId: answer.setlId,
    msgid: p.payment_id,
    billId: p.bill_id,
    settledAt: answer.setlTime,
    split: answer.split,
    ...(answer.deposits ? { deposits: answer.deposits } : {}),
  };
}

export interface OpenPaymentView {
  reference: string;
  billId: string;
  since: string;
  total: Cents;
  cash: Cents;
  settleState: string;
  cashState: string;
  problem: string;
}

export function openPaymentsOf(journal: Pick<PaymentJournal, 'open'>): OpenPaymentView[] {
  return journal.open().map((p) => ({
    reference: p.payment_id,
    billId: p.bill_id,
    since: p.created_at,
    total: cents(p.total_cents),
    cash: cents(p.cash_cents),
    settleState: p.settle_state,
    cashState: p.cash_state,
    problem: p.problem,
  }));
}
