/**
 * Steps 3 and 4 of payments.ts on the wire: the journalled settling call (2207, 2304 or K701)
 * sent with the journalled msgid, its answer taken into the journal only when it adds up and is
 * what the patient confirmed (otherwise reversed, never an overcharge), and the one K102 query
 * that may settle a payment in doubt while its patient waits. The coordinator's complete() and
 * recovery (payment-recovery.ts) both settle through these, so a payment is accepted the same way
 * whoever finishes it. The coordinator runs them inside its per-payment lock (payment-locks.ts);
 * they never take it.
 */
import type { Settlement } from '../core/domain.ts';
import { KioskError } from '../core/errors.ts';
import type { GatewayClient } from './client.ts';
import type { PaymentRow } from './journal.ts';
import {
  type SettleOutput,
  isCode,
  requirePayment,
  retryOnce,
  settleOutputOf,
} from './payment-calls.ts';
import { type UndoDeps, reversePayment } from './payment-undo.ts';
import { settledAnswerOf, settlementOfRow } from './payment-views.ts';
import type { TxInput } from './protocol.ts';

/** The journalled settling call (2207, 2304 or K701), by its journalled msgid. */
export async function sendSettle(client: GatewayClient, p: PaymentRow): Promise<SettleOutput> {
  const options = { insuredArea: p.insured_area, msgid: p.payment_id };
  // Retried only with the same msgid: the gateway returns the first result, never settles twice.
  switch (p.settle_infno) {
    case '2304': {
      const input = JSON.parse(p.settle_input_json) as TxInput<'2304'>;
      return retryOnce(() => client.call('2304', input, options));
    }
    case 'K701': {
      const input = JSON.parse(p.settle_input_json) as TxInput<'K701'>;
      return retryOnce(() => client.call('K701', input, options));
    }
    default: {
      const input = JSON.parse(p.settle_input_json) as TxInput<'2207'>;
      return retryOnce(() => client.call('2207', input, options));
    }
  }
}

/** A settling answer journalled as settled, or the payment in doubt (or reversed) and a throw. */
export async function acceptSettlement(
  deps: UndoDeps,
  paymentId: string,
  out: SettleOutput,
): Promise<Settlement> {
  const p = requirePayment(deps.journal, paymentId);
  let answer;
  try {
    answer = settledAnswerOf(p.settle_infno, out);
  } catch (error) {
    // An answer that does not add up is in doubt, never a success; recovery asks again.
    deps.journal.update(
      paymentId,
      { settle_state: 'in-doubt', problem: 'bad-split' },
      `${p.settle_infno} answer failed the split check`,
    );
    throw new KioskError('settlement-in-doubt', 'settlement answer failed the split check', {
      cause: error,
    });
  }
  deps.journal.update(
    paymentId,
    {
      settle_state: 'settled',
      setl_id: answer.setlId,
      settlement_json: JSON.stringify(out),
    },
    `${p.settle_infno} settled ${answer.setlId}`,
  );
  // What was collected: the cash part, or for a discharge the cash part less the deposits.
  const collected = answer.deposits ? answer.deposits.due : answer.split.cash;
  if (answer.split.total !== p.total_cents || collected !== p.cash_cents) {
    // The patient agreed to (and paid) a different cash part: undo rather than overcharge.
    deps.log('payment.split-changed', { paymentId });
    await reversePayment(deps, paymentId, 'split differs from the pre-settlement');
    throw new KioskError(
      'gateway-bad-response',
      'the settlement differs from what the patient confirmed; it was reversed',
    );
  }
  return settlementOfRow(requirePayment(deps.journal, paymentId));
}

/**
 * While the patient waits: one query by msgid may already tell what happened. Settled at the
 * gateway: accepted as its answer would have been; anything else stays in doubt (`cause`).
 */
export async function settleByQuery(
  deps: UndoDeps,
  paymentId: string,
  cause: unknown,
): Promise<Settlement> {
  const p = requirePayment(deps.journal, paymentId);
  try {
    const q = (
      await deps.client.call(
        'K102',
        { data: { msgid: paymentId } },
        { insuredArea: p.insured_area },
      )
    ).txn;
    if (q.found && q.status === 'settled')
      return await acceptSettlement(deps, paymentId, settleOutputOf(q.response, p.settle_infno));
  } catch (error) {
    if (!isCode(error, 'settlement-in-doubt', 'gateway-unavailable', 'gateway-bad-response'))
      throw error;
  }
  throw new KioskError('settlement-in-doubt', 'the settlement outcome is unknown', { cause });
}
