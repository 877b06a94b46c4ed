/**
 * Opening the order that collects a payment's cash part (step 2 of payments.ts): a mobile order
 * (K201), then, for credit, the credit authorisation (K302) or, for a wallet code the scanner
 * read, the code payment (K205). Each is keyed by our order number, so its one retry of an
 * unknown outcome cannot open or charge twice.
 */
import type { CashMethod } from '../core/domain.ts';
import { KioskError } from '../core/errors.ts';
import { type Cents, centsToYuan } from '../core/money.ts';
import type { GatewayClient } from './client.ts';
import { retryOnce } from './payment-calls.ts';
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
