/**
 * Inpatient deposits (the hospital's cash prepayments on a visit, K701, or paid before the kiosk
 * in the scenario) and the nettings of discharge settlements (2304) against them. Deposits are
 * not insurance settlements: they are never in the settlements table, so never in 3201.
 *
 * A deposit is `available` until a discharge nets it (`netted`, naming the settlement) or staff
 * refund it (`refunded`, K702). A discharge reversed (2305) makes its deposits available again;
 * the surplus the hospital refunded at that discharge stays refunded, kept as a negative entry
 * (`kind` 'refund-kept') so the visit's deposits sum to what the hospital still holds.
 */
import type Database from 'better-sqlite3';

export const depositsSchema = `
      CREATE TABLE IF NOT EXISTS deposits (
        dpst_id TEXT PRIMARY KEY, mdtrt_id TEXT NOT NULL, psn_no TEXT NOT NULL,
        chrg_bchno TEXT NOT NULL DEFAULT '', amount_cents INTEGER NOT NULL,
        kind TEXT NOT NULL CHECK (kind IN ('deposit', 'refund-kept')),
        status TEXT NOT NULL CHECK (status IN ('available', 'netted', 'refunded')),
        netted_by TEXT NOT NULL DEFAULT '', msgid TEXT UNIQUE, order_no TEXT NOT NULL DEFAULT '',
        response_json TEXT NOT NULL DEFAULT '', created_at TEXT NOT NULL,
        refund_msgid TEXT UNIQUE, refund_json TEXT NOT NULL DEFAULT '');
      CREATE INDEX IF NOT EXISTS deposits_visit ON deposits(mdtrt_id, status);
      CREATE TABLE IF NOT EXISTS deposit_nettings (
        setl_id TEXT PRIMARY KEY, mdtrt_id TEXT NOT NULL, dpst_cents INTEGER NOT NULL,
        refund_cents INTEGER NOT NULL, status TEXT NOT NULL CHECK (status IN ('live', 'reversed')));
`;

export interface DepositRow {
  dpst_id: string;
  mdtrt_id: string;
  psn_no: string;
  chrg_bchno: string;
  amount_cents: number;
  kind: 'deposit' | 'refund-kept';
  status: 'available' | 'netted' | 'refunded';
  netted_by: string;
  msgid: string | null;
  order_no: string;
  response_json: string;
  created_at: string;
  refund_msgid: string | null;
  refund_json: string;
}

export interface NettingRow {
  setl_id: string;
  mdtrt_id: string;
  dpst_cents: number;
  refund_cents: number;
  status: 'live' | 'reversed';
}

export class DepositTables {
  constructor(private readonly db: Database.Database) {}

  insert(row: Omit<DepositRow, 'refund_msgid' | 'refund_json' | 'netted_by'>): void {
    this.db
      .prepare(
        `INSERT INTO deposits (dpst_id, mdtrt_id, psn_no, chrg_bchno, amount_cents, kind, status, msgid,
           order_no, response_json, created_at)
         VALUES (@dpst_id, @mdtrt_id, @psn_no, @chrg_bchno, @amount_cents, @kind, @status, @msgid,
           @order_no, @response_json, @created_at)`,
      )
      .run(row);
  }

  byId(dpstId: string): DepositRow | undefined {
    return this.db.prepare(`SELECT * FROM deposits WHERE dpst_id = ?`).get(dpstId) as
      DepositRow | undefined;
  }

  byMsgid(msgid: string): DepositRow | undefined {
    return this.db.prepare(`SELECT * FROM deposits WHERE msgid = ?`).get(msgid) as
      DepositRow | undefined;
  }

  byRefundMsgid(msgid: string): DepositRow | undefined {
    return this.db.prepare(`SELECT * FROM deposits WHERE refund_msgid = ?`).get(msgid) as
      DepositRow | undefined;
  }

  /** The entries a discharge of this visit would net now. */
  available(mdtrtId: string): DepositRow[] {
    return this.db
      .prepare(
        `SELECT * FROM deposits WHERE mdtrt_id = ? AND status = 'available' ORDER BY created_at, dpst_id`,
      )
      .all(mdtrtId) as DepositRow[];
  }

  /** The deposits a deposit bill recorded (K701), any status. */
  ofBill(chrgBchno: string): DepositRow[] {
    return this.db
      .prepare(`SELECT * FROM deposits WHERE chrg_bchno = ? AND chrg_bchno != ''`)
      .all(chrgBchno) as DepositRow[];
  }

  /** Every deposit of a visit, any status (for testers). */
  ofVisit(mdtrtId: string): DepositRow[] {
    return this.db
      .prepare(`SELECT * FROM deposits WHERE mdtrt_id = ? ORDER BY created_at, dpst_id`)
      .all(mdtrtId) as DepositRow[];
  }

  /** Sum and count (real deposits only) of what a discharge of this visit would net. */
  availableSum(mdtrtId: string): { cents: number; count: number } {
    const rows = this.available(mdtrtId);
    return {
      cents: rows.reduce((a, r) => a + r.amount_cents, 0),
      count: rows.filter((r) => r.kind === 'deposit').length,
    };
  }

  /** A discharge settlement nets every available entry of the visit. */
  net(mdtrtId: string, setlId: string, dpstCents: number, refundCents: number): void {
    this.db
      .prepare(
        `UPDATE deposits SET status = 'netted', netted_by = ? WHERE mdtrt_id = ? AND status = 'available'`,
      )
      .run(setlId, mdtrtId);
    this.db
      .prepare(`INSERT INTO deposit_nettings VALUES (?, ?, ?, ?, 'live')`)
      .run(setlId, mdtrtId, dpstCents, refundCents);
  }

  netting(setlId: string): NettingRow | undefined {
    return this.db.prepare(`SELECT * FROM deposit_nettings WHERE setl_id = ?`).get(setlId) as
      NettingRow | undefined;
  }

  /**
   * A discharge reversed: its deposits are available again, less the surplus already refunded
   * (a negative entry, so the visit's sum is what the hospital still holds).
   */
  unnet(setlId: string, keptRefundId: string, psnNo: string, at: string): void {
    const n = this.netting(setlId);
    if (!n || n.status !== 'live') return;
    this.db
      .prepare(
        `UPDATE deposits SET status = 'available', netted_by = '' WHERE netted_by = ? AND status = 'netted'`,
      )
      .run(setlId);
    if (n.refund_cents > 0)
      this.insert({
        dpst_id: keptRefundId,
        mdtrt_id: n.mdtrt_id,
        psn_no: psnNo,
        chrg_bchno: '',
        amount_cents: -n.refund_cents,
        kind: 'refund-kept',
        status: 'available',
        msgid: null,
        order_no: '',
        response_json: '',
        created_at: at,
      });
    this.db
      .prepare(`UPDATE deposit_nettings SET status = 'reversed' WHERE setl_id = ?`)
      .run(setlId);
  }

  /** K702: an available deposit refunded by staff. */
  refund(dpstId: string, msgid: string, responseJson: string): void {
    const r = this.db
      .prepare(
        `UPDATE deposits SET status = 'refunded', refund_msgid = ?, refund_json = ?
         WHERE dpst_id = ? AND status = 'available' AND kind = 'deposit'`,
      )
      .run(msgid, responseJson, dpstId);
    if (r.changes !== 1) throw new Error(`deposit ${dpstId} is not available`);
  }
}
