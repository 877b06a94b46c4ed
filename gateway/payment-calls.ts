/**
 * How the payment code treats its gateway calls: which failures leave an outcome unknown, the one
 * retry such a call gets (every state-changing call here is idempotent by its msgid or order
 * number), and a settlement read back from a K102 query.
 */
import { KioskError, type KioskErrorCode } from '../core/errors.ts';
import type { PaymentJournal, PaymentRow } from './journal.ts';
import type { SettleInfno } from './journal.ts';
import { type TxOutput, transactions } from './protocol.ts';

/** The answer of a payment's settling transaction (journal settle_infno). */
export type SettleOutput = TxOutput<'2207'> | TxOutput<'2304'> | TxOutput<'K701'>;

export const isCode = (error: unknown, ...codes: KioskErrorCode[]) =>
  error instanceof KioskError && codes.includes(error.code);

/** One retry for a call whose outcome is unknown; every call here is idempotent by key. */
export async function retryOnce<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (!isCode(error, 'settlement-in-doubt', 'gateway-unavailable', 'gateway-bad-response'))
      throw error;
    return call();
  }
}

export function requirePayment(journal: PaymentJournal, paymentId: string): PaymentRow {
  const p = journal.get(paymentId);
  if (!p) throw new KioskError('internal', `no such payment in the journal`);
  return p;
}

/** A K102 answer's stored response, as the settling transaction's output; in doubt otherwise. */
export function settleOutputOf(
  response: Record<string, unknown> | null,
  infno: SettleInfno = '2207',
): SettleOutput {
  const parsed = transactions[infno].output.safeParse(response);
  if (!parsed.success)
    throw new KioskError('settlement-in-doubt', 'query answer has no valid settlement');
  return parsed.data;
}

export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done);
  });
}
