/** K301 credit line query and K302 credit authorisation of an order ("treat first, pay later"). */
import { cents, centsToYuan, yuanToCents } from '../../../core/money.ts';
import { orderAnswer, requireOrder } from './cash.ts';
import { GatewayRejection, type Handler, hospitalTime } from './context.ts';

export const creditQuery: Handler<'K301'> = (input, call) => {
  if (!call.store.people.person(input.data.psn_no)) throw new GatewayRejection('person not found');
  const line = call.store.orders.credit(input.data.psn_no);
  const repay = new Date(
    call.clock.now().getTime() + call.scenario.payment.credit_repay_days * 86_400_000,
  );
  return {
    credit: {
      eligible: line !== undefined,
      limit: centsToYuan(cents(line?.limit_cents ?? 0)),
      available: centsToYuan(cents(line ? line.limit_cents - line.used_cents : 0)),
      repay_date: hospitalTime(call, repay).date,
    },
  };
};

export const creditAuthorise: Handler<'K302'> = (input, call) => {
  const d = input.data;
  const orders = call.store.orders;
  const order = requireOrder(call, d.order_no);
  if (order.psn_no !== d.psn_no || order.amount_cents !== yuanToCents(d.amount)) {
    throw new GatewayRejection('credit request does not match the order');
  }
  if (order.status === 'pending') {
    if (!orders.credit(d.psn_no)) throw new GatewayRejection('no credit line for this person');
    if (!orders.drawCredit(d.psn_no, d.order_no, order.amount_cents, call.time)) {
      throw new GatewayRejection('credit limit is not enough');
    }
  }
  return orderAnswer(call, requireOrder(call, d.order_no));
};
