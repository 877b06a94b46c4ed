/**
 * Mobile payment orders for the cash part (keyed by the kiosk's order number) and the credit
 * lines that can pay them. An order moves only from the state its caller expects, so a late
 * wallet payment and a cancel cannot both win.
 */
import type Database from 'better-sqlite3';
import type { OrderChannel, OrderStatus } from '../../wire-vocabulary.ts';

export const ordersSchema = `
      CREATE TABLE IF NOT EXISTS orders (
        order_no TEXT PRIMARY KEY, psn_no TEXT NOT NULL, chrg_bchno TEXT NOT NULL,
        amount_cents INTEGER NOT NULL CHECK (amount_cents > 0), status TEXT NOT NULL,
        channel TEXT NOT NULL DEFAULT '', code_url TEXT NOT NULL, created_ms INTEGER NOT NULL,
        expire_ms INTEGER NOT NULL, pay_time TEXT NOT NULL DEFAULT '');
      CREATE TABLE IF NOT EXISTS credit (
        psn_no TEXT PRIMARY KEY REFERENCES persons(psn_no), limit_cents INTEGER NOT NULL,
        used_cents INTEGER NOT NULL CHECK (used_cents >= 0 AND used_cents <= limit_cents));
`;

export interface OrderRow {
  order_no: string;
  psn_no: string;
  chrg_bchno: string;
  amount_cents: number;
  status: OrderStatus;
  channel: OrderChannel;
  code_url: string;
  created_ms: number;
  expire_ms: number;
  pay_time: string;
}

export interface CreditRow {
  limit_cents: number;
  used_cents: number;
}

export class OrderTables {
  constructor(private readonly db: Database.Database) {}

  order(orderNo: string): OrderRow | undefined {
    return this.db.prepare(`SELECT * FROM orders WHERE order_no = ?`).get(orderNo) as
      OrderRow | undefined;
  }

  latestPending(): OrderRow | undefined {
    return this.db
      .prepare(
        `SELECT * FROM orders WHERE status = 'pending' ORDER BY created_ms DESC, rowid DESC LIMIT 1`,
      )
      .get() as OrderRow | undefined;
  }

  insert(o: Omit<OrderRow, 'pay_time' | 'channel' | 'status'>): void {
    this.db
      .prepare(
        `INSERT INTO orders (order_no, psn_no, chrg_bchno, amount_cents, status, code_url, created_ms, expire_ms) VALUES (?, ?, ?, ?, 'pending', ?, ?, ?)`,
      )
      .run(
        o.order_no,
        o.psn_no,
        o.chrg_bchno,
        o.amount_cents,
        o.code_url,
        o.created_ms,
        o.expire_ms,
      );
  }

  /** Moves an order between states only from the expected one; false if it was elsewhere. */
  setStatus(
    orderNo: string,
    from: OrderStatus[],
    to: OrderStatus,
    extra: { channel?: OrderChannel; payTime?: string } = {},
  ): boolean {
    const placeholders = from.map(() => '?').join(', ');
    const r = this.db
      .prepare(
        `UPDATE orders SET status = ?, channel = COALESCE(?, channel), pay_time = COALESCE(?, pay_time) WHERE order_no = ? AND status IN (${placeholders})`,
      )
      .run(to, extra.channel ?? null, extra.payTime ?? null, orderNo, ...from);
    return r.changes === 1;
  }

  /** Pending orders whose time ran out (by `nowMs`) become expired. */
  expireDue(nowMs: number): void {
    this.db
      .prepare(`UPDATE orders SET status = 'expired' WHERE status = 'pending' AND expire_ms <= ?`)
      .run(nowMs);
  }

  /** Every pending order runs out of time now; returns how many. */
  runOutPending(): number {
    return this.db.prepare(`UPDATE orders SET expire_ms = 0 WHERE status = 'pending'`).run()
      .changes;
  }

  credit(psnNo: string): CreditRow | undefined {
    return this.db
      .prepare(`SELECT limit_cents, used_cents FROM credit WHERE psn_no = ?`)
      .get(psnNo) as CreditRow | undefined;
  }

  /** Draws on a credit line within its limit, and marks the order paid by credit, atomically. */
  drawCredit(psnNo: string, orderNo: string, amount: number, payTime: string): boolean {
    return this.db.transaction(() => {
      const r = this.db
        .prepare(
          `UPDATE credit SET used_cents = used_cents + ? WHERE psn_no = ? AND used_cents + ? <= limit_cents`,
        )
        .run(amount, psnNo, amount);
      if (r.changes !== 1) return false;
      if (!this.setStatus(orderNo, ['pending'], 'paid', { channel: 'credit', payTime })) {
        throw new Error('order is not pending');
      }
      return true;
    })();
  }

  releaseCredit(psnNo: string, amount: number): void {
    this.db
      .prepare(`UPDATE credit SET used_cents = MAX(0, used_cents - ?) WHERE psn_no = ?`)
      .run(amount, psnNo);
  }
}
