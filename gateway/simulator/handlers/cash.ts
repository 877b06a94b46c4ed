/**
 * K201-K205: mobile payment orders for the cash part, keyed by the kiosk's order number (so each
 * call is idempotent), and the simulated patient paying one from a phone wallet.
 */
import { cents, centsToYuan, yuanToCents } from '../../../core/money.ts';
import type { OrderStatus, WalletChannel } from '../../wire-vocabulary.ts';
import type { OrderRow } from '../tables/orders.ts';
import {
  GatewayRejection,
  type Handler,
  type SimulatorWorld,
  type TxAnswer,
  hospitalTime,
} from './context.ts';

/** The order as it stands now: a pending order past its time is expired first. */
export function requireOrder(world: SimulatorWorld, orderNo: string): OrderRow {
  world.store.orders.expireDue(world.clock.now().getTime());
  const order = world.store.orders.order(orderNo);
  if (!order) throw new GatewayRejection('order not found');
  return order;
}

export function orderAnswer(world: SimulatorWorld, o: OrderRow): TxAnswer<'K202'> {
  return {
    order: {
      order_no: o.order_no,
      amount: centsToYuan(cents(o.amount_cents)),
      status: o.status,
      code_url: o.code_url,
      expire_time: hospitalTime(world, new Date(o.expire_ms)).dateTime,
      pay_time: o.pay_time,
      channel: o.channel,
    },
  };
}

export const createOrder: Handler<'K201'> = (input, call) => {
  const d = input.data;
  const { orders, people } = call.store;
  const existing = orders.order(d.order_no);
  if (existing) {
    // Idempotent: the same order_no returns the same order.
    if (existing.chrg_bchno !== d.chrg_bchno || existing.amount_cents !== yuanToCents(d.amount)) {
      throw new GatewayRejection('order_no already used for another payment');
    }
    return orderAnswer(call, requireOrder(call, d.order_no));
  }
  const bill = people.bill(d.chrg_bchno);
  if (!bill || !people.person(d.psn_no)) throw new GatewayRejection('bill or person not found');
  if (bill.status !== 'unpaid') throw new GatewayRejection('bill is already settled');
  const amount = yuanToCents(d.amount);
  if (amount <= 0) throw new GatewayRejection('amount must be positive');
  const nowMs = call.clock.now().getTime();
  orders.insert({
    order_no: d.order_no,
    psn_no: d.psn_no,
    chrg_bchno: d.chrg_bchno,
    amount_cents: amount,
    code_url: `https://pay.example/q/${d.order_no}`,
    created_ms: nowMs,
    expire_ms: nowMs + call.scenario.payment.order_ttl_seconds * 1000,
  });
  return orderAnswer(call, requireOrder(call, d.order_no));
};

export const queryOrder: Handler<'K202'> = (input, call) =>
  orderAnswer(call, requireOrder(call, input.data.order_no));

export const cancelOrder: Handler<'K203'> = (input, call) => {
  const order = requireOrder(call, input.data.order_no);
  call.store.orders.setStatus(order.order_no, ['pending'], 'cancelled');
  // A paid order is not cancelled: the answer says "paid" and the kiosk must refund or use it.
  return orderAnswer(call, requireOrder(call, order.order_no));
};

export const refundOrder: Handler<'K204'> = (input, call) => {
  const orders = call.store.orders;
  const order = requireOrder(call, input.data.order_no);
  if (order.status === 'pending') orders.setStatus(order.order_no, ['pending'], 'cancelled');
  if (order.status === 'paid') {
    orders.setStatus(order.order_no, ['paid'], 'refunded');
    if (order.channel === 'credit') orders.releaseCredit(order.psn_no, order.amount_cents);
  }
  return orderAnswer(call, requireOrder(call, order.order_no));
};

export const walletCodePay: Handler<'K205'> = (input, call) => {
  const order = requireOrder(call, input.data.order_no);
  if (order.status === 'pending') {
    const first = input.data.auth_code.slice(0, 2);
    const channel = first === '62' ? 'unionpay' : Number(first) >= 25 ? 'alipay' : 'wechat';
    call.store.orders.setStatus(order.order_no, ['pending'], 'paid', {
      channel,
      payTime: call.time,
    });
  }
  return orderAnswer(call, requireOrder(call, order.order_no));
};

/** The simulated patient pays a pending mobile order from their phone wallet. */
export function payFromWallet(
  world: SimulatorWorld,
  orderNo: string,
  channel: WalletChannel,
): OrderStatus {
  const orders = world.store.orders;
  orders.expireDue(world.clock.now().getTime());
  const order = orders.order(orderNo);
  if (!order) throw new GatewayRejection('order not found');
  const time = hospitalTime(world).dateTime;
  if (orders.setStatus(orderNo, ['pending'], 'paid', { channel, payTime: time })) return 'paid';
  if (order.status === 'cancelled' || order.status === 'expired') {
    // The wallet took the money after the kiosk gave up: the platform refunds it at once.
    orders.setStatus(orderNo, [order.status], 'refunded', { channel, payTime: time });
    return 'refunded';
  }
  return order.status;
}
