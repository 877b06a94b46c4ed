/**
 * Wire schemas of the cash part (kiosk extensions): the mobile payment order K201-K205, paid by a
 * phone scanning the kiosk's code or by the patient's wallet code, and credit K301/K302 ("treat
 * first, pay later"). protocol.ts lists them in its transactions table.
 */
import { z } from 'zod';
import { code, orderChannels, orderStatuses, yuan } from './wire-vocabulary.ts';

// ---- K201-K205 mobile payment of the cash part. order_no is chosen by the kiosk (idempotency).
/** A mobile payment order number, chosen by the kiosk (its idempotency key). */
export const orderNo = z.string().regex(/^[A-Za-z0-9]{8,40}$/);
export const orderStatus = z.enum(orderStatuses);
export const orderSchema = z.object({
  order_no: orderNo,
  amount: yuan,
  status: orderStatus,
  code_url: z.string().max(500),
  expire_time: z.string().max(20),
  pay_time: z.string().max(20),
  channel: z.enum(orderChannels),
});
export const orderOutput = z.object({ order: orderSchema });
export const orderCreateInput = z.object({
  data: z.object({ order_no: orderNo, psn_no: code(30), chrg_bchno: code(64), amount: yuan }),
});
export const orderRefInput = z.object({ data: z.object({ order_no: orderNo }) });
export const orderRefundInput = z.object({
  data: z.object({ order_no: orderNo, reason: z.string().max(100) }),
});
export const walletCodePayInput = z.object({
  data: z.object({ order_no: orderNo, auth_code: z.string().regex(/^\d{16,24}$/) }),
});

// ---- K301/K302 credit ("treat first, pay later")
export const creditQueryInput = z.object({ data: z.object({ psn_no: code(30) }) });
export const creditQueryOutput = z.object({
  credit: z.object({
    eligible: z.boolean(),
    limit: yuan,
    available: yuan,
    repay_date: z.string().max(10),
  }),
});
export const creditAuthoriseInput = z.object({
  data: z.object({ order_no: orderNo, psn_no: code(30), amount: yuan }),
});
