/**
 * A staff refund (admin mode, a supervisor's): the settlement reversed and the cash part
 * refunded through the payment coordinator, which journals it like a payment, then a refund slip
 * for the patient. Split from admin.ts, which checks the role and audits the attempt first.
 */
import type { Clock, ReceiptData, RefundSlipData } from '../core/domain.ts';
import { KioskError } from '../core/errors.ts';
import { KioskCallError } from '../core/kiosk-api.ts';
import { type Cents, cents } from '../core/money.ts';
import type { LogFn } from '../core/ports.ts';
import type { PaymentCoordinator } from '../gateway/payments.ts';

export interface StaffRefundDeps {
  payments: Pick<PaymentCoordinator, 'refundSettlement'>;
  receipts: { get(settlementId: string): ReceiptData | undefined };
  printer: {
    printRefundSlip(slip: RefundSlipData): Promise<{ printed: boolean; problem?: string }>;
  };
  clock: Clock;
  log: LogFn;
  kioskId: string;
}

export async function staffRefund(
  deps: StaffRefundDeps,
  settlementId: string,
  staffId: string,
): Promise<{ refunded: boolean; alreadyRefunded: boolean; cash: Cents; slipPrinted: boolean }> {
  let done;
  try {
    done = await deps.payments.refundSettlement(settlementId, `staff refund by ${staffId}`);
  } catch (error) {
    // Not confirmed: the journal holds the reversal, and recovery finishes it.
    const code = error instanceof KioskError ? error.code : 'unknown';
    deps.log('admin.refund-failed', { settlementId, code });
    throw new KioskCallError(
      code === 'bill-not-payable'
        ? 'no settlement with that id at this kiosk'
        : 'the refund is not confirmed yet; the kiosk will finish it (see payments being checked)',
    );
  }
  const { row } = done;
  const receipt = deps.receipts.get(settlementId);
  const slip = await deps.printer
    .printRefundSlip({
      hospitalName: receipt?.hospitalName ?? '',
      kioskId: deps.kioskId,
      printedAt: deps.clock.now().toISOString(),
      language: receipt?.language ?? 'zh-CN',
      settlementId,
      billId: row.bill_id,
      ...(receipt ? { patientName: receipt.patientName } : {}),
      total: cents(row.total_cents),
      fund: cents(row.fund_cents),
      account: cents(row.account_cents),
      mutualAid: cents(row.mutual_aid_cents),
      cash: cents(row.cash_cents),
      paymentMethod: row.cash_method === 'none' ? 'insurance-only' : row.cash_method,
      staffId,
    })
    .catch(() => ({ printed: false }));
  deps.log('admin.refund', { settlementId, already: done.alreadyReversed });
  return {
    refunded: true,
    alreadyRefunded: done.alreadyReversed,
    cash: cents(row.cash_cents),
    slipPrinted: slip.printed,
  };
}
