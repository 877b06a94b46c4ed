/**
 * The kiosk's durable payment journal (SQLite, WAL, synchronous=FULL). Every state-changing
 * gateway call is written here BEFORE it is sent, so whatever fails and whenever the power goes,
 * start-up recovery knows what might have happened and asks the gateway. A payment moves
 *   settle: intent -> sent -> settled | failed | in-doubt -> (reversal-sent -> reversed)
 *   cash:   none | pending -> paid | cancelled | expired -> (refund-pending -> refunded)
 * only as journal-states.ts allows, and each move is appended to an audit trail. The journal holds what a retry needs (the exact
 * 2207 input), never face data; with a sealer, the two fields that name the patient (the 2207
 * input and output) are encrypted at rest (field-sealer.ts).
 */
import type Database from 'better-sqlite3';
import { openPrivateDatabase } from './private-files.ts';
import type { CashMethod } from '../core/domain.ts';
import type { FieldSealer } from './field-sealer.ts';
import {
  type CashState,
  JournalMoveError,
  type SettleState,
  initialStates,
  isLegalMove,
} from './journal-states.ts';

/**
 * Columns that hold personal data, sealed given a sealer: the person number, the 2207 input and
 * output (ID number, insurance details), the receipt draft (masked names, the bill's items).
 * The amounts, states and bill number stay clear: reconciliation sums them in SQL, and without
 * the person they name no one.
 */
const SEALED = ['psn_no', 'settle_input_json', 'settlement_json', 'receipt_json'] as const;

export interface PaymentRow {
  payment_id: string; // the 2207 msgid
  created_at: string;
  updated_at: string;
  business_date: string; // yyyy-MM-dd in the hospital's time zone
  bill_id: string;
  psn_no: string;
  insured_area: string;
  settle_input_json: string;
  total_cents: number;
  fund_cents: number;
  account_cents: number;
  mutual_aid_cents: number;
  cash_cents: number;
  cash_method: CashMethod;
  order_no: string;
  cash_state: CashState;
  settle_state: SettleState;
  setl_id: string;
  settlement_json: string;
  reversal_msgid: string;
  problem: string;
  /**
   * What the receipt needs that the settlement does not hold (masked names, the bill's items,
   * the payment method), so a settlement that recovery finishes still gets its receipt record.
   * Empty on rows written before it existed.
   */
  receipt_json: string;
  /**
   * 1: the kiosk uploaded the bill's fee details itself (2204), so a payment that ends without a
   * settlement revokes them (2205); 0: the hospital uploaded them, and they stay.
   */
  fees_uploaded_here: number;
  /**
   * The transaction that settles this payment, sent with its msgid (payment_id): 2207 an
   * outpatient settlement, 2304 an inpatient discharge, K701 an inpatient deposit. Its undo is
   * 2208, 2305 or K702. Rows from before it existed are 2207.
   */
  settle_infno: SettleInfno;
}

export const settleInfnos = ['2207', '2304', 'K701'] as const;
export type SettleInfno = (typeof settleInfnos)[number];

/** A new payment: its intent and amounts, in an initial state (journal-states.ts). */
export type NewPayment = Omit<
  PaymentRow,
  | 'created_at'
  | 'updated_at'
  | 'setl_id'
  | 'settlement_json'
  | 'reversal_msgid'
  | 'problem'
  | 'settle_state'
  | 'cash_state'
  | 'receipt_json'
  | 'fees_uploaded_here'
  | 'settle_infno'
> & {
  receipt_json?: string;
  fees_uploaded_here?: number;
  settle_infno?: SettleInfno;
  settle_state: (typeof initialStates.settle)[number];
  cash_state: (typeof initialStates.cash)[number];
};

/** What changes after creation; a state change must be a legal move. */
export type PaymentPatch = Partial<
  Pick<
    PaymentRow,
    'settle_state' | 'cash_state' | 'setl_id' | 'settlement_json' | 'reversal_msgid' | 'problem'
  >
>;

/** States from which recovery has nothing left to do. */
export function isFinal(
  p: Pick<PaymentRow, 'settle_state' | 'cash_state' | 'cash_method'>,
): boolean {
  const cashOpen = p.cash_state === 'pending' || p.cash_state === 'refund-pending';
  if (p.settle_state === 'settled')
    return !cashOpen && (p.cash_method === 'none' || p.cash_state === 'paid');
  if (p.settle_state === 'failed' || p.settle_state === 'reversed' || p.settle_state === 'intent') {
    return p.cash_state !== 'paid' && !cashOpen;
  }
  return false;
}

export class PaymentJournal {
  readonly db: Database.Database;

  constructor(
    file: string,
    private readonly now: () => Date = () => new Date(),
    private readonly sealer?: FieldSealer,
  ) {
    this.db = openPrivateDatabase(file, { wal: true });
    this.db.pragma('synchronous = FULL');
    // Rewritten and deleted cells are zeroed: a field sealed on open or a row past retention
    // leaves no clear text behind in the file.
    this.db.pragma('secure_delete = ON');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS payments (
        payment_id TEXT PRIMARY KEY, created_at TEXT NOT NULL, updated_at TEXT NOT NULL,
        business_date TEXT NOT NULL, bill_id TEXT NOT NULL, psn_no TEXT NOT NULL,
        insured_area TEXT NOT NULL, settle_input_json TEXT NOT NULL,
        total_cents INTEGER NOT NULL, fund_cents INTEGER NOT NULL, account_cents INTEGER NOT NULL,
        mutual_aid_cents INTEGER NOT NULL, cash_cents INTEGER NOT NULL,
        cash_method TEXT NOT NULL, order_no TEXT NOT NULL DEFAULT '',
        cash_state TEXT NOT NULL, settle_state TEXT NOT NULL,
        setl_id TEXT NOT NULL DEFAULT '', settlement_json TEXT NOT NULL DEFAULT '',
        reversal_msgid TEXT NOT NULL DEFAULT '', problem TEXT NOT NULL DEFAULT '');
      CREATE TABLE IF NOT EXISTS payment_events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT, payment_id TEXT NOT NULL REFERENCES payments(payment_id),
        at TEXT NOT NULL, what TEXT NOT NULL);
      CREATE INDEX IF NOT EXISTS payments_open ON payments(settle_state, cash_state);
      CREATE INDEX IF NOT EXISTS payments_day ON payments(business_date);
      CREATE INDEX IF NOT EXISTS payments_bill ON payments(bill_id);
    `);
    // Journals from before the receipt draft gain its column; old rows keep it empty.
    const columns = this.db.prepare(`PRAGMA table_info(payments)`).all() as { name: string }[];
    if (!columns.some((c) => c.name === 'receipt_json'))
      this.db.exec(`ALTER TABLE payments ADD COLUMN receipt_json TEXT NOT NULL DEFAULT ''`);
    if (!columns.some((c) => c.name === 'fees_uploaded_here'))
      this.db.exec(`ALTER TABLE payments ADD COLUMN fees_uploaded_here INTEGER NOT NULL DEFAULT 0`);
    if (!columns.some((c) => c.name === 'settle_infno'))
      this.db.exec(`ALTER TABLE payments ADD COLUMN settle_infno TEXT NOT NULL DEFAULT '2207'`);
    this.sealFieldsInClear();
  }

  /**
   * A journal written before a column was sealed (or without a sealer) keeps it in clear: sealed
   * now, in one transaction, and the WAL flushed so no clear copy stays in it.
   */
  private sealFieldsInClear(): void {
    const sealer = this.sealer;
    if (!sealer) return;
    let sealed = 0;
    this.db.transaction(() => {
      for (const column of SEALED) {
        const rows = this.db
          .prepare(
            `SELECT payment_id, ${column} AS value FROM payments WHERE ${column} != '' AND ${column} NOT LIKE 'enc1:%'`,
          )
          .all() as { payment_id: string; value: string }[];
        const update = this.db.prepare(`UPDATE payments SET ${column} = ? WHERE payment_id = ?`);
        for (const r of rows) {
          update.run(sealer.seal(r.value, `${r.payment_id}/${column}`), r.payment_id);
          sealed++;
        }
      }
    })();
    if (sealed > 0) this.db.pragma('wal_checkpoint(TRUNCATE)');
  }

  /**
   * Retention: payments in a final state last changed before `cutoff` are deleted with their
   * events; an open one is kept whatever its age (recovery still needs it). Counts only.
   */
  deleteFinalOlderThan(cutoff: Date): { deleted: number; keptOpen: number } {
    const before = cutoff.toISOString();
    const old = this.db
      .prepare(
        `SELECT payment_id, settle_state, cash_state, cash_method FROM payments WHERE updated_at < ?`,
      )
      .all(before) as (Pick<PaymentRow, 'payment_id'> & Parameters<typeof isFinal>[0])[];
    const final = old.filter((p) => isFinal(p));
    this.db.transaction(() => {
      const events = this.db.prepare(`DELETE FROM payment_events WHERE payment_id = ?`);
      const payment = this.db.prepare(`DELETE FROM payments WHERE payment_id = ?`);
      for (const p of final) {
        events.run(p.payment_id);
        payment.run(p.payment_id);
      }
    })();
    if (final.length > 0) this.db.pragma('wal_checkpoint(TRUNCATE)');
    return { deleted: final.length, keptOpen: old.length - final.length };
  }

  create(row: NewPayment): PaymentRow {
    if (
      !(initialStates.settle as readonly string[]).includes(row.settle_state) ||
      !(initialStates.cash as readonly string[]).includes(row.cash_state)
    ) {
      throw new Error(`journal: payment ${row.payment_id} cannot start in these states`);
    }
    const at = this.now().toISOString();
    this.db.transaction(() => {
      this.db
        .prepare(
          `INSERT INTO payments (payment_id, created_at, updated_at, business_date, bill_id, psn_no, insured_area,
             settle_input_json, total_cents, fund_cents, account_cents, mutual_aid_cents, cash_cents, cash_method,
             order_no, cash_state, settle_state, receipt_json, fees_uploaded_here, settle_infno)
           VALUES (@payment_id, @at, @at, @business_date, @bill_id, @psn_no, @insured_area, @settle_input_json,
             @total_cents, @fund_cents, @account_cents, @mutual_aid_cents, @cash_cents, @cash_method, @order_no,
             @cash_state, @settle_state, @receipt_json, @fees_uploaded_here, @settle_infno)`,
        )
        .run({
          ...this.sealed(row.payment_id, {
            receipt_json: '',
            fees_uploaded_here: 0,
            settle_infno: '2207',
            ...row,
          }),
          at,
        });
      this.event(
        row.payment_id,
        `created ${row.settle_infno ?? '2207'} settle=${row.settle_state} cash=${row.cash_state} method=${row.cash_method}`,
        at,
      );
    })();
    return this.get(row.payment_id)!;
  }

  get(paymentId: string): PaymentRow | undefined {
    const row = this.db.prepare(`SELECT * FROM payments WHERE payment_id = ?`).get(paymentId) as
      PaymentRow | undefined;
    return row && this.opened(row);
  }

  /**
   * Applies a change and records it in the audit trail, in one transaction (fsync'd on commit).
   * Every state change goes through here: a move journal-states.ts does not allow is refused
   * with a JournalMoveError and nothing is written.
   */
  update(paymentId: string, patch: PaymentPatch, what: string): PaymentRow {
    const at = this.now().toISOString();
    const keys = Object.keys(patch).filter((k) => /^[a-z_]+$/.test(k));
    this.db.transaction(() => {
      const current = this.db
        .prepare(`SELECT settle_state, cash_state FROM payments WHERE payment_id = ?`)
        .get(paymentId) as Pick<PaymentRow, 'settle_state' | 'cash_state'> | undefined;
      if (!current) throw new Error(`journal: no payment ${paymentId}`);
      if (patch.settle_state !== undefined) {
        const move = {
          kind: 'settle',
          from: current.settle_state,
          to: patch.settle_state,
        } as const;
        if (!isLegalMove(move)) throw new JournalMoveError(paymentId, move);
      }
      if (patch.cash_state !== undefined) {
        const move = { kind: 'cash', from: current.cash_state, to: patch.cash_state } as const;
        if (!isLegalMove(move)) throw new JournalMoveError(paymentId, move);
      }
      const sets = [...keys.map((k) => `${k} = @${k}`), 'updated_at = @updated_at'].join(', ');
      const r = this.db
        .prepare(`UPDATE payments SET ${sets} WHERE payment_id = @payment_id`)
        .run({ ...this.sealed(paymentId, patch), updated_at: at, payment_id: paymentId });
      if (r.changes !== 1) throw new Error(`journal: no payment ${paymentId}`);
      this.event(paymentId, what, at);
    })();
    return this.get(paymentId)!;
  }

  /** Payments that recovery must still resolve. */
  open(): PaymentRow[] {
    return this.openIds().map((o) => this.get(o.payment_id)!);
  }

  /**
   * Bills with a payment still open: paying one again before it is resolved could charge twice,
   * so they are held ("being checked") until recovery settles or undoes the open payment.
   */
  openBillIds(): Set<string> {
    return new Set(this.openIds().map((o) => o.bill_id));
  }

  /**
   * Read from the clear state columns only: nothing is unsealed to find what is open. The query
   * is isFinal in SQL, so the index answers it however long the journal grows; isFinal itself
   * still has the last word.
   */
  private openIds(): { payment_id: string; bill_id: string }[] {
    const rows = this.db
      .prepare(
        `SELECT payment_id, bill_id, settle_state, cash_state, cash_method FROM payments
         WHERE cash_state IN ('pending', 'refund-pending')
            OR settle_state IN ('sent', 'in-doubt', 'reversal-sent')
            OR (settle_state IN ('failed', 'reversed', 'intent') AND cash_state = 'paid')
            OR (settle_state = 'settled' AND cash_method != 'none' AND cash_state != 'paid')
         ORDER BY created_at`,
      )
      .all() as (Pick<PaymentRow, 'payment_id' | 'bill_id'> & Parameters<typeof isFinal>[0])[];
    return rows.filter((r) => !isFinal(r));
  }

  events(paymentId: string): { at: string; what: string }[] {
    return this.db
      .prepare(`SELECT at, what FROM payment_events WHERE payment_id = ? ORDER BY seq`)
      .all(paymentId) as { at: string; what: string }[];
  }

  /** The payment a settlement id belongs to (settled, or reversed since), if this kiosk made it. */
  bySettlementId(setlId: string): PaymentRow | undefined {
    const row = this.db
      .prepare(`SELECT payment_id FROM payments WHERE setl_id = ? AND setl_id != ''`)
      .get(setlId) as { payment_id: string } | undefined;
    return row && this.get(row.payment_id);
  }

  /** Every settled payment's id and settlement id, from the clear columns (nothing unsealed). */
  settledIds(): { payment_id: string; setl_id: string }[] {
    return this.db
      .prepare(
        `SELECT payment_id, setl_id FROM payments WHERE settle_state = 'settled' ORDER BY created_at`,
      )
      .all() as { payment_id: string; setl_id: string }[];
  }

  /** Settled payments of one business day, for end-of-day reconciliation. */
  settledOn(date: string): PaymentRow[] {
    return (
      this.db
        .prepare(`SELECT * FROM payments WHERE business_date = ? AND settle_state = 'settled'`)
        .all(date) as PaymentRow[]
    ).map((row) => this.opened(row));
  }

  all(): PaymentRow[] {
    return (
      this.db.prepare(`SELECT * FROM payments ORDER BY created_at`).all() as PaymentRow[]
    ).map((row) => this.opened(row));
  }

  close(): void {
    this.db.close();
  }

  /** The personal fields of a row or patch sealed, each bound to its payment and column. */
  private sealed<T extends Partial<PaymentRow>>(paymentId: string, row: T): T {
    if (!this.sealer) return row;
    const out = { ...row };
    for (const column of SEALED) {
      const value = out[column];
      // An empty settlement (not settled yet) stays empty: there is nothing personal in it.
      if (typeof value === 'string' && value !== '')
        out[column] = this.sealer.seal(value, `${paymentId}/${column}`);
    }
    return out;
  }

  private opened(row: PaymentRow): PaymentRow {
    if (!this.sealer) return row;
    const out = { ...row };
    for (const column of SEALED)
      if (out[column] !== '')
        out[column] = this.sealer.open(out[column], `${row.payment_id}/${column}`);
    return out;
  }

  private event(paymentId: string, what: string, at: string): void {
    this.db
      .prepare(`INSERT INTO payment_events (payment_id, at, what) VALUES (?, ?, ?)`)
      .run(paymentId, at, what);
  }
}
