/**
 * Collecting a payment's cash part (step 2 of payments.ts). Opening its order: a mobile order
 * (K201), then, for credit, the credit authorisation (K302) or, for a wallet code the scanner
 * read, the code payment (K205). Each is keyed by our order number, so its one retry of an
 * unknown outcome cannot open or charge twice. Then, while the patient pays, a wallet code
 * shown instead of the QR (K205 on the same order) and the polling of the order (K202) until it
 * is paid, expired or given up, journalled as it goes.
 */
import type { CashMethod } from '../core/domain.ts';
import { KioskError } from '../core/errors.ts';
import { type Cents, centsToYuan } from '../core/money.ts';
import type { LogFn } from '../core/ports.ts';
import type { GatewayClient } from './client.ts';
import type { PaymentJournal } from './journal.ts';
import { abortableSleep, requirePayment, retryOnce } from './payment-calls.ts';
import type { TxOutput } from './protocol.ts';

export interface CashOrderRequest {
  orderNo: string;
  /** Who pays the cash part: the patient, or the family payer at the kiosk. */
  payerNo: string;
  billId: string;
  amount: Cents;
  method: CashMethod;
  walletCode?: string;
  insuredArea: string;
}

export async function openCashOrder(
  client: GatewayClient,
  r: CashOrderRequest,
): Promise<TxOutput<'K201'>['order']> {
  const area = { insuredArea: r.insuredArea };
  const created = await retryOnce(() =>
    client.call(
      'K201',
      {
        data: {
          order_no: r.orderNo,
          psn_no: r.payerNo,
          chrg_bchno: r.billId,
          amount: centsToYuan(r.amount),
        },
      },
      area,
    ),
  );
  if (r.method === 'credit') {
    const authorised = await retryOnce(() =>
      client.call(
        'K302',
        { data: { order_no: r.orderNo, psn_no: r.payerNo, amount: centsToYuan(r.amount) } },
        area,
      ),
    );
    return authorised.order;
  }
  if (r.method === 'wallet-code') {
    const walletCode = r.walletCode;
    if (!walletCode) throw new KioskError('internal', 'a wallet code payment needs the code');
    const paid = await retryOnce(() =>
      client.call('K205', { data: { order_no: r.orderNo, auth_code: walletCode } }, area),
    );
    return paid.order;
  }
  return created.order;
}

export type CashOutcome = 'paid' | 'expired' | 'cancelled';

/** What collecting needs of the coordinator's options (payments.ts). */
export interface CashCollectionDeps {
  client: GatewayClient;
  journal: PaymentJournal;
  log: LogFn;
  /** Poll intervals for a mobile order, in ms; the last one repeats. */
  pollMs?: number[];
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** The patient showed a wallet payment code instead of scanning our QR: charge the same order. */
export async function chargeWalletCode(
  deps: CashCollectionDeps,
  paymentId: string,
  code: string,
): Promise<void> {
  const p = requirePayment(deps.journal, paymentId);
  if (p.cash_state !== 'pending') return;
  const order = (
    await retryOnce(() =>
      deps.client.call(
        'K205',
        { data: { order_no: p.order_no, auth_code: code } },
        { insuredArea: p.insured_area },
      ),
    )
  ).order;
  // The poll in waitForCashPaid sees the order paid and moves the session on.
  if (order.status === 'paid') deps.log('payment.wallet-code', { paymentId });
}

/** Polls the mobile order until the patient has paid, it expired, or the session gave up. */
export async function waitForCashPaid(
  deps: CashCollectionDeps,
  paymentId: string,
  signal: AbortSignal,
): Promise<CashOutcome> {
  const p = requirePayment(deps.journal, paymentId);
  if (p.cash_state === 'paid' || p.cash_method === 'none') return 'paid';
  // Fast at first: most phones pay within seconds of the QR, and a 1 s first poll was a 1 s wait
  // after they did (docs/performance.md); then backing off to spare the gateway.
  const intervals = deps.pollMs ?? [150, 250, 500, 1000, 1000, 2000, 3000];
  const sleep = deps.sleep ?? abortableSleep;
  for (let i = 0; !signal.aborted; i++) {
    let order: TxOutput<'K202'>['order'] | undefined;
    try {
      order = (
        await deps.client.call(
          'K202',
          { data: { order_no: p.order_no } },
          { insuredArea: p.insured_area },
        )
      ).order;
    } catch (error) {
      // A failed poll changes nothing; keep polling until the order's own expiry.
      deps.log('payment.poll-failed', {
        paymentId,
        code: error instanceof KioskError ? error.code : 'unknown',
      });
    }
    // The session gave up while this poll was out: abandon() asks the gateway itself and
    // journals what it finds, which a late answer here must not overwrite.
    if (signal.aborted) break;
    if (order?.status === 'paid') {
      deps.journal.update(paymentId, { cash_state: 'paid' }, `cash paid by ${order.channel}`);
      return 'paid';
    }
    if (
      order?.status === 'expired' ||
      order?.status === 'cancelled' ||
      order?.status === 'refunded'
    ) {
      deps.journal.update(
        paymentId,
        { cash_state: order.status === 'expired' ? 'expired' : 'cancelled' },
        `cash ${order.status}`,
      );
      return order.status === 'expired' ? 'expired' : 'cancelled';
    }
    await sleep(intervals[Math.min(i, intervals.length - 1)]!, signal);
  }
  return 'cancelled';
}
