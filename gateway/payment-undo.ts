/**
 * Undoing a payment: cancelling its cash order (K203), refunding collected cash (K204), and
 * reversing a settlement (2208) then refunding. Each step is journalled before it is sent and is
 * idempotent by order number or reversal msgid, so a crash or a retry never refunds twice. The
 * coordinator runs these inside its per-payment lock (payment-locks.ts); they never take it.
 */
import { KioskError } from '../core/errors.ts';
import type { LogFn } from '../core/ports.ts';
import type { GatewayClient } from './client.ts';
import type { PaymentJournal } from './journal.ts';
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
}

/** Reverses a settled payment (2208) and refunds its cash. */
export async function reversePayment(
  deps: UndoDeps,
  paymentId: string,
  why: string,
): Promise<void> {
  let p = requirePayment(deps.journal, paymentId);
  if (p.settle_state !== 'settled' && p.settle_state !== 'reversal-sent') return;
  const msgid = p.reversal_msgid || deps.client.newMsgid();
  p = deps.journal.update(
    paymentId,
    { settle_state: 'reversal-sent', reversal_msgid: msgid },
    `2208 sent: ${why}`,
  );
  const input = { data: { psn_no: p.psn_no, setl_id: p.setl_id, chrg_bchno: p.bill_id } };
  await retryOnce(() => deps.client.call('2208', input, { insuredArea: p.insured_area, msgid }));
  deps.journal.update(paymentId, { settle_state: 'reversed' }, '2208 reversed');
  await refundPayment(deps, paymentId, why);
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
