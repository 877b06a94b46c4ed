/**
 * The journal's settled payments by the business day they were settled on at the gateway: the
 * date of the gateway's setl_time (hospital time), not the day the payment began. A payment
 * begun before midnight and settled (or recovered) after it belongs to the next day, as it does
 * in the gateway's own 3201 totals. Read through the journal's public reads only.
 */
import type { SettlementSplit } from '../core/settlement.ts';
import type { PaymentJournal, PaymentRow } from './journal.ts';
import type { TxInput, TxOutput } from './protocol.ts';
import { splitFromSetlinfo } from './wire-mapping-settlement.ts';
import { type ClearingType, clearingTypeOfMedType } from './wire-vocabulary.ts';

export interface SettledPayment {
  paymentId: string; // the 2207 msgid
  setlId: string;
  /** yyyy-MM-dd: the date of the gateway's setl_time. */
  settledOn: string;
  insutype: string;
  clrType: ClearingType;
  split: SettlementSplit;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The day before `date` (yyyy-MM-dd), calendar arithmetic only. */
function dayBefore(date: string): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);
}

/** Payments whose settlement at the gateway fell on `date` (hospital time zone). */
export function settledOnDay(journal: PaymentJournal, date: string): SettledPayment[] {
  if (!DATE.test(date)) throw new RangeError(`not a date (yyyy-MM-dd): ${date}`);
  // Candidates, without opening every sealed row of the journal's history: a payment settled on
  // `date` began on or before it, and was last changed at or after the settlement, which is no
  // earlier than the day before in UTC whatever the hospital's zone (offsets are under 24 h).
  const ids = journal.db
    .prepare(
      `SELECT payment_id FROM payments WHERE settle_state = 'settled' AND settle_infno != 'K701'
         AND business_date <= ? AND updated_at >= ? ORDER BY created_at`,
    )
    .all(date, `${dayBefore(date)}T00:00:00.000Z`) as { payment_id: string }[];
  const out: SettledPayment[] = [];
  for (const { payment_id } of ids) {
    const row = journal.get(payment_id);
    // A deposit (K701) is the hospital's prepayment, not an insurance settlement: never in 3201.
    if (!row || row.settle_state !== 'settled' || row.settle_infno === 'K701') continue;
    const payment = settledPayment(row);
    if (payment.settledOn === date) out.push(payment);
  }
  return out;
}

export function settledPayment(row: PaymentRow): SettledPayment {
  // 2207 and 2304 answer the same setlinfo (2304's deposits are not the insurance's).
  const setlinfo = (JSON.parse(row.settlement_json) as TxOutput<'2207'>).setlinfo;
  const input = (JSON.parse(row.settle_input_json) as TxInput<'2207'> | TxInput<'2304'>).data;
  const day = setlinfo.setl_time.slice(0, 10);
  return {
    paymentId: row.payment_id,
    setlId: setlinfo.setl_id,
    // A setl_time that is not a hospital-time stamp leaves the day the payment began.
    settledOn: DATE.test(day) ? day : row.business_date,
    insutype: input.insutype,
    // A discharge (2304) is inpatient; 2207 by its med_type.
    clrType: 'med_type' in input ? clearingTypeOfMedType(input.med_type) : '21',
    split: splitFromSetlinfo(setlinfo),
  };
}
