/**
 * Undoing a payment: cancelling its cash order (K203), refunding collected cash (K204), and
 * reversing a settlement (2208) then refunding. Each step is journalled before it is sent and is
 * idempotent by order number or reversal msgid, so a crash or a retry never refunds twice. The
 * coordinator runs these inside its per-payment lock (payment-locks.ts); they never take it.
 */
import { KioskError } from '../core/errors.ts';
import type { LogFn } from '../core/ports.ts';
import type { GatewayClient } from './client.ts';
import type { PaymentJournal, PaymentRow, SettleInfno } from './journal.ts';
import type { TxInput } from './protocol.ts';
import { isCode, requirePayment, retryOnce } from './payment-calls.ts';

export interface UndoDeps {
  client: GatewayClient;
  journal: PaymentJournal;
  log: LogFn;
}

/** The session ended before settling: cancel the cash order, refunding it if it was paid. */
export async function abandonPayment(deps: UndoDeps, paymentId: string): Promise<void> {
  const p = requirePayment(deps.journal, paymentId);
  if (p.settle_state !== 'intent') return;
  if (p.cash_state === 'pending') {
    try {
      const order = (
        await deps.client.call(
          'K203',
          { data: { order_no: p.order_no } },
          { insuredArea: p.insured_area },
        )
      ).order;
      if (order.status === 'paid') {
        deps.journal.update(paymentId, { cash_state: 'paid' }, 'paid just before cancel');
        await refundPayment(deps, paymentId, 'session ended');
      } else {
        deps.journal.update(
          paymentId,
          { cash_state: order.status === 'expired' ? 'expired' : 'cancelled' },
          `cash ${order.status}`,
        );
      }
    } catch (error) {
      if (isCode(error, 'gateway-rejected')) {
        deps.journal.update(paymentId, { cash_state: 'cancelled' }, 'no order at the gateway');
      } else deps.log('payment.abandon-deferred', { paymentId }); // recovery finishes it
    }
  } else if (p.cash_state === 'paid') await refundPayment(deps, paymentId, 'session ended');
  await revokeUploadedFees(deps, paymentId);
}

/** Reverses a settled payment (2208, 2305 or K702, by its settling call) and refunds its cash. */
export async function reversePayment(
  deps: UndoDeps,
  paymentId: string,
  why: string,
): Promise<void> {
  let p = requirePayment(deps.journal, paymentId);
  if (p.settle_state !== 'settled' && p.settle_state !== 'reversal-sent') return;
  const msgid = p.reversal_msgid || deps.client.newMsgid();
  const undo = undoInfno[p.settle_infno];
  p = deps.journal.update(
    paymentId,
    { settle_state: 'reversal-sent', reversal_msgid: msgid },
    `${undo} sent: ${why}`,
  );
  const options = { insuredArea: p.insured_area, msgid };
  const visit = visitOf(p);
  // Each is idempotent at the gateway (per setl_id / dpst_id, and by msgid): a resend is harmless.
  if (undo === '2305') {
    const input = { data: { psn_no: p.psn_no, mdtrt_id: visit, setl_id: p.setl_id } };
    await retryOnce(() => deps.client.call('2305', input, options));
  } else if (undo === 'K702') {
    const input = { data: { psn_no: p.psn_no, mdtrt_id: visit, dpst_id: p.setl_id } };
    await retryOnce(() => deps.client.call('K702', input, options));
  } else {
    const input = { data: { psn_no: p.psn_no, setl_id: p.setl_id, mdtrt_id: visit } };
    await retryOnce(() => deps.client.call('2208', input, options));
  }
  deps.journal.update(paymentId, { settle_state: 'reversed' }, `${undo} reversed`);
  await revokeUploadedFees(deps, paymentId);
  await refundPayment(deps, paymentId, why);
}

/** How each settling transaction is undone: 2208, 2305 (discharge), K702 (deposit refund). */
const undoInfno = { '2207': '2208', '2304': '2305', K701: 'K702' } as const satisfies Record<
  SettleInfno,
  string
>;

/** The visit (mdtrt_id) the payment's settling call names, from its journalled input. */
function visitOf(p: PaymentRow): string {
  return (JSON.parse(p.settle_input_json) as TxInput<'2207'>).data.mdtrt_id;
}

/**
 * A payment that ends without a settlement (or whose settlement was reversed) takes back the
 * fee details the kiosk uploaded for it (2205), so the hospital's counter or the next attempt
 * starts from the bill as it was. Details the hospital uploaded are its own and stay. Revoking
 * twice is not an error at the gateway; a failure is logged, and the next 2204 of the same
 * details is answered as already uploaded, so nothing is charged twice either way.
 */
export async function revokeUploadedFees(deps: UndoDeps, paymentId: string): Promise<void> {
  const p = requirePayment(deps.journal, paymentId);
  if (p.fees_uploaded_here !== 1) return;
  const input = { data: { chrg_bchno: p.bill_id, mdtrt_id: visitOf(p), psn_no: p.psn_no } };
  try {
    await retryOnce(() => deps.client.call('2205', input, { insuredArea: p.insured_area }));
    deps.log('payment.fees-revoked', { paymentId });
  } catch (error) {
    deps.log('payment.fees-revoke-failed', {
      paymentId,
      code: error instanceof KioskError ? error.code : 'internal',
    });
  }
}

/** Refunds collected cash; true when this call completed a refund. */
export async function refundPayment(
  deps: UndoDeps,
  paymentId: string,
  why: string,
): Promise<boolean> {
  const p = requirePayment(deps.journal, paymentId);
  if (p.cash_method === 'none' || (p.cash_state !== 'paid' && p.cash_state !== 'refund-pending'))
    return false;
  deps.journal.update(paymentId, { cash_state: 'refund-pending' }, `refund requested: ${why}`);
  const order = (
    await retryOnce(() =>
      deps.client.call(
        'K204',
        { data: { order_no: p.order_no, reason: why.slice(0, 100) } },
        { insuredArea: p.insured_area },
      ),
    )
  ).order;
  if (order.status !== 'refunded' && order.status !== 'cancelled')
    throw new KioskError('gateway-bad-response', 'refund not confirmed');
  deps.journal.update(paymentId, { cash_state: 'refunded' }, 'refunded');
  return true;
}
