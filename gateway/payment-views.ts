/**
 * Read-only views of journalled payments: the settlement a settled row holds, and the open
 * payments staff see in admin mode (the reference on the patient's slip, amounts and states;
 * never who, which stays sealed in the journal).
 */
import type { Settlement } from '../core/domain.ts';
import { type Cents, cents } from '../core/money.ts';
import type { PaymentJournal, PaymentRow } from './journal.ts';
import type { TxOutput } from './protocol.ts';
import { splitFromSetlinfo } from './wire-mapping.ts';

export function settlementOfRow(p: PaymentRow): Settlement {
  const out = JSON.parse(p.settlement_json) as TxOutput<'2207'>;
  return {
    settlementId: out.setlinfo.setl_id,
    msgid: p.payment_id,
    billId: p.bill_id,
    settledAt: out.setlinfo.setl_time,
    split: splitFromSetlinfo(out.setlinfo),
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
