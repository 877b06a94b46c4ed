/**
 * Settlements keyed by msgid (the idempotency key of 2207) and their reversals (2208, one per
 * settlement). Each commit changes the person's counters, the bill and the stored answer (given
 * back verbatim to a retry) together or not at all.
 */
import type Database from 'better-sqlite3';
import type { Cents } from '../../../core/money.ts';
import type { SettlementStatus } from '../../wire-vocabulary.ts';

export const settlementsSchema = `
      CREATE TABLE IF NOT EXISTS settlements (
        setl_id TEXT PRIMARY KEY, msgid TEXT NOT NULL UNIQUE, infno TEXT NOT NULL,
        chrg_bchno TEXT NOT NULL REFERENCES bills(chrg_bchno), psn_no TEXT NOT NULL,
        response_json TEXT NOT NULL, status TEXT NOT NULL, created_at TEXT NOT NULL,
        opter TEXT NOT NULL DEFAULT '', insutype TEXT NOT NULL DEFAULT '',
        clr_type TEXT NOT NULL DEFAULT '');
      CREATE UNIQUE INDEX IF NOT EXISTS one_live_settlement_per_bill ON settlements(chrg_bchno) WHERE status = 'settled';
      CREATE TABLE IF NOT EXISTS reversals (
        orig_setl_id TEXT PRIMARY KEY REFERENCES settlements(setl_id), setl_id TEXT NOT NULL UNIQUE,
        msgid TEXT NOT NULL, response_json TEXT NOT NULL, created_at TEXT NOT NULL);
`;

export interface SettlementRow {
  setl_id: string;
  msgid: string;
  infno: string;
  chrg_bchno: string;
  psn_no: string;
  response_json: string;
  status: SettlementStatus;
  /** Hospital time of the settlement: its date is the business day 3201 counts it on. */
  created_at: string;
  /** The terminal that settled it, its insurance type and its clearing type (3201's groups). */
  opter: string;
  insutype: string;
  clr_type: string;
}

/** Which settlements a 3201 or 3202 counts: one business-date range, one group, maybe one terminal. */
export interface StatementScope {
  begin: string;
  end: string;
  insutype: string;
  clrType: string;
  opter?: string | undefined;
}

export interface ReversalRow {
  setl_id: string;
  response_json: string;
}

export class SettlementTables {
  constructor(private readonly db: Database.Database) {
    // A database from before 3201 counted by terminal and group gets the columns.
    const columns = new Set(
      (db.prepare(`PRAGMA table_info(settlements)`).all() as { name: string }[]).map((c) => c.name),
    );
    for (const column of ['opter', 'insutype', 'clr_type']) {
      if (!columns.has(column))
        db.exec(`ALTER TABLE settlements ADD COLUMN ${column} TEXT NOT NULL DEFAULT ''`);
    }
    // Older settlements keep counting in the institution's totals: their insurance type is the
    // person's, their clearing type the bill's (the terminal is not known, so no kiosk's).
    if (!columns.has('insutype'))
      db.exec(`UPDATE settlements SET
        insutype = (SELECT insutype FROM persons WHERE persons.psn_no = settlements.psn_no),
        clr_type = (SELECT CASE WHEN type LIKE 'inpatient%' THEN '21' ELSE '11' END
                    FROM bills WHERE bills.chrg_bchno = settlements.chrg_bchno)`);
  }

  byMsgid(msgid: string): SettlementRow | undefined {
    return this.db.prepare(`SELECT * FROM settlements WHERE msgid = ?`).get(msgid) as
      SettlementRow | undefined;
  }

  byId(setlId: string): SettlementRow | undefined {
    return this.db.prepare(`SELECT * FROM settlements WHERE setl_id = ?`).get(setlId) as
      SettlementRow | undefined;
  }

  /** The bill's live (not reversed) settlement, if any. */
  liveOf(chrgBchno: string): SettlementRow | undefined {
    return this.db
      .prepare(`SELECT * FROM settlements WHERE chrg_bchno = ? AND status = 'settled'`)
      .get(chrgBchno) as SettlementRow | undefined;
  }

  /** Live (not reversed) settlements. */
  count(): number {
    return (
      this.db.prepare(`SELECT COUNT(*) AS n FROM settlements WHERE status = 'settled'`).get() as {
        n: number;
      }
    ).n;
  }

  /** Live (not reversed) settlements in a statement's scope, by the date they were settled. */
  settledIn(scope: StatementScope): SettlementRow[] {
    return this.db
      .prepare(
        `SELECT * FROM settlements WHERE status = 'settled'
           AND substr(created_at, 1, 10) BETWEEN @begin AND @end
           AND insutype = @insutype AND clr_type = @clrType
           AND (@opter IS NULL OR opter = @opter)
         ORDER BY created_at, setl_id`,
      )
      .all({ ...scope, opter: scope.opter ?? null }) as SettlementRow[];
  }

  /**
   * Records a settlement atomically: the person's counters, the bill's status and the stored
   * response (returned verbatim to a retry with the same msgid) change together or not at all.
   */
  commit(args: {
    setlId: string;
    msgid: string;
    infno: string;
    chrgBchno: string;
    psnNo: string;
    after: { accountBalance: Cents; deductibleUsed: Cents; fundUsed: Cents };
    /** Family mutual aid: the payer's account pays `amount` (balance may not go below zero). */
    mutualAid?: { psnNo: string; amount: Cents };
    responseJson: string;
    at: string;
    /** The terminal (envelope opter), insutype and clearing type: what 3201 groups by. */
    opter: string;
    insutype: string;
    clrType: string;
  }): void {
    this.db.transaction(() => {
      if (args.mutualAid && args.mutualAid.amount > 0) {
        const paid = this.db
          .prepare(
            `UPDATE persons SET balance_cents = balance_cents - ? WHERE psn_no = ? AND balance_cents >= ?`,
          )
          .run(args.mutualAid.amount, args.mutualAid.psnNo, args.mutualAid.amount);
        if (paid.changes !== 1) throw new Error('mutual-aid account balance is not enough');
      }
      this.db
        .prepare(
          `UPDATE persons SET balance_cents = ?, deductible_used_cents = ?, fund_used_cents = ? WHERE psn_no = ?`,
        )
        .run(args.after.accountBalance, args.after.deductibleUsed, args.after.fundUsed, args.psnNo);
      const updated = this.db
        .prepare(`UPDATE bills SET status = 'paid' WHERE chrg_bchno = ? AND status = 'unpaid'`)
        .run(args.chrgBchno);
      if (updated.changes !== 1) throw new Error('bill is not unpaid');
      this.db
        .prepare(
          `INSERT INTO settlements (setl_id, msgid, infno, chrg_bchno, psn_no, response_json, status,
             created_at, opter, insutype, clr_type)
           VALUES (?, ?, ?, ?, ?, ?, 'settled', ?, ?, ?, ?)`,
        )
        .run(
          args.setlId,
          args.msgid,
          args.infno,
          args.chrgBchno,
          args.psnNo,
          args.responseJson,
          args.at,
          args.opter,
          args.insutype,
          args.clrType,
        );
    })();
  }

  reversalOf(origSetlId: string): ReversalRow | undefined {
    return this.db
      .prepare(`SELECT setl_id, response_json FROM reversals WHERE orig_setl_id = ?`)
      .get(origSetlId) as ReversalRow | undefined;
  }

  reversalByMsgid(msgid: string): ReversalRow | undefined {
    return this.db
      .prepare(`SELECT setl_id, response_json FROM reversals WHERE msgid = ?`)
      .get(msgid) as ReversalRow | undefined;
  }

  /**
   * Reverses a settlement atomically: the person's counters get back what it took, the bill is
   * unpaid again, and the reversal's answer is stored for a retry.
   */
  commitReversal(args: {
    orig: SettlementRow;
    setlId: string;
    msgid: string;
    give: { account: Cents; deductible: Cents; fund: Cents };
    /** Family mutual aid: what goes back to the payer's account. */
    giveMutualAid?: { psnNo: string; amount: Cents };
    responseJson: string;
    at: string;
  }): void {
    this.db.transaction(() => {
      if (args.giveMutualAid && args.giveMutualAid.amount > 0) {
        this.db
          .prepare(`UPDATE persons SET balance_cents = balance_cents + ? WHERE psn_no = ?`)
          .run(args.giveMutualAid.amount, args.giveMutualAid.psnNo);
      }
      this.db
        .prepare(
          `UPDATE persons SET balance_cents = balance_cents + ?, deductible_used_cents = MAX(0, deductible_used_cents - ?), fund_used_cents = MAX(0, fund_used_cents - ?) WHERE psn_no = ?`,
        )
        .run(args.give.account, args.give.deductible, args.give.fund, args.orig.psn_no);
      this.db
        .prepare(
          `UPDATE settlements SET status = 'reversed' WHERE setl_id = ? AND status = 'settled'`,
        )
        .run(args.orig.setl_id);
      this.db
        .prepare(`UPDATE bills SET status = 'unpaid' WHERE chrg_bchno = ?`)
        .run(args.orig.chrg_bchno);
      this.db
        .prepare(`INSERT INTO reversals VALUES (?, ?, ?, ?, ?)`)
        .run(args.orig.setl_id, args.setlId, args.msgid, args.responseJson, args.at);
    })();
  }
}
