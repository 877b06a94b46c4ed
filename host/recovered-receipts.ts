/**
 * A receipt record for every settlement, including those no patient saw finish: the ones
 * recovery settled after a crash or a 2207 left in doubt, and the ones settled just before the
 * kiosk died mid-print. Each is recorded (masked, from the draft journalled with the payment) as
 * not printed, and K401 tells the hospital's system so its e-receipt desk knows who may need a
 * copy; staff can reprint it from admin mode, and the patient can scan the e-receipt code.
 *
 * It is not printed at the next idle moment on purpose: by then the patient has gone, and an
 * unattended slip naming a patient and their medicines would wait in the tray for whoever comes
 * next.
 */
import type { ReceiptData } from '../core/domain.ts';
import type { LogFn } from '../core/ports.ts';
import type { PaymentJournal } from '../gateway/journal.ts';
import type { PaymentCoordinator } from '../gateway/payments.ts';
import { type ReceiptContext, receiptFromJournal } from '../gateway/receipt-draft.ts';

export interface RecoveredReceiptsDeps {
  journal: Pick<PaymentJournal, 'get' | 'settledIds'>;
  payments: Pick<PaymentCoordinator, 'settled'>;
  store: {
    has(settlementId: string): boolean;
    record(receipt: ReceiptData, printed: boolean, problem?: string): void;
  };
  /** K401: whether paper came out. Best effort; the record stands either way. */
  notify(receipt: ReceiptData, printed: boolean, problem: string): Promise<void>;
  context: () => Omit<ReceiptContext, 'printedAt'>;
  now: () => Date;
  log: LogFn;
}

export const RECOVERED_PROBLEM = 'recovered';

/** Records receipts for the given settled payments (all settled ones when omitted). */
export async function recordMissingReceipts(
  deps: RecoveredReceiptsDeps,
  paymentIds?: readonly string[],
): Promise<number> {
  const wanted = paymentIds && new Set(paymentIds);
  let recorded = 0;
  for (const { payment_id: paymentId, setl_id } of deps.journal.settledIds()) {
    if (wanted && !wanted.has(paymentId)) continue;
    if (deps.store.has(setl_id)) continue;
    const settlement = deps.payments.settled(paymentId);
    if (!settlement) continue;
    const row = deps.journal.get(paymentId)!;
    const receipt = receiptFromJournal(row, settlement, {
      ...deps.context(),
      printedAt: deps.now().toISOString(),
    });
    deps.store.record(receipt, false, RECOVERED_PROBLEM);
    recorded++;
    await deps
      .notify(receipt, false, RECOVERED_PROBLEM)
      .catch(() => deps.log('receipt.record-failed', { settlementId: settlement.settlementId }));
  }
  if (recorded > 0) deps.log('receipt.recovered', { recorded });
  return recorded;
}
