/**
 * Every receipt the kiosk produced, durable in SQLite, so staff can reprint one from admin mode
 * after the printer ran out of paper, or the kiosk restarted.
 *
 * The receipt itself (masked names, department, medicines) is sealed at rest with the same
 * AES-GCM field sealer as the payment journal (gateway/field-sealer.ts), bound to its settlement
 * id; only what lists and retention need stays in clear: settlement id, time, total, whether
 * paper came out, and the printer's problem code. A database written before sealing is sealed
 * on open, in one transaction. A key that is not the one the rows were sealed with is refused
 * at open (a sealed check value), so rows are never sealed under two keys.
 */
import type Database from 'better-sqlite3';
import { openPrivateDatabase } from '../gateway/private-files.ts';
import type { ReceiptData } from '../core/domain.ts';
import { SealedFieldError, type FieldSealer } from '../gateway/field-sealer.ts';

const SEALED_PREFIX = 'enc1:';
const KEY_CHECK = 'receipts-key-check';

export class ReceiptStoreError extends Error {
  override readonly name = 'ReceiptStoreError';
  constructor(
    readonly code: 'wrong-key' | 'unreadable',
    /** Which receipt, when one row is at fault: an id, never personal data. */
    readonly settlementId?: string,
  ) {
    super(
      code === 'wrong-key'
        ? 'the receipts database was sealed with another key'
        : `receipt ${settlementId ?? ''} does not open (wrong key or tampered)`,
    );
  }
}

/** What retention did, in counts only. */
export interface RetentionCounts {
  deleted: number;
  /** Old enough, but its payment is still open in the journal: kept for recovery. */
  keptOpen: number;
  /** Old enough, but its sealed body does not open, so its payment could not be checked. */
  keptUnreadable: number;
}

/** The non-personal handles the host checks against the payment journal. */
export interface ReceiptRef {
  settlementId: string;
  msgid: string;
  billId: string;
}

export class ReceiptStore {
  private readonly db: Database.Database;

  constructor(
    file: string,
    private readonly sealer: FieldSealer,
  ) {
    this.db = openPrivateDatabase(file, { wal: true });
    this.db.pragma('synchronous = FULL');
    // Deleted and rewritten cells are zeroed, so a migrated or expired receipt leaves no text.
    this.db.pragma('secure_delete = ON');
    this.db.exec(`CREATE TABLE IF NOT EXISTS receipts (
      settlement_id TEXT PRIMARY KEY, printed_at TEXT NOT NULL, total_cents INTEGER NOT NULL,
      printed INTEGER NOT NULL, problem TEXT NOT NULL, receipt_json TEXT NOT NULL)`);
    this.db.exec(
      `CREATE TABLE IF NOT EXISTS receipt_meta (name TEXT PRIMARY KEY, value TEXT NOT NULL)`,
    );
    this.checkKey();
    this.sealRowsInClear();
  }

  record(receipt: ReceiptData, printed: boolean, problem = ''): void {
    // The record is the original: a reprint's copy mark is for its paper only.
    const { copy: _copyMark, ...original } = receipt;
    const id = receipt.settlement.settlementId;
    this.db
      .prepare(
        `INSERT INTO receipts VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(settlement_id) DO UPDATE SET printed = MAX(printed, excluded.printed), problem = excluded.problem`,
      )
      .run(
        id,
        receipt.printedAt,
        receipt.settlement.split.total,
        printed ? 1 : 0,
        problem,
        this.sealer.seal(JSON.stringify(original), contextOf(id)),
      );
  }

  /** The receipt, or undefined; a row that does not open is a ReceiptStoreError, never garbage. */
  get(settlementId: string): ReceiptData | undefined {
    const row = this.db
      .prepare(`SELECT receipt_json FROM receipts WHERE settlement_id = ?`)
      .get(settlementId) as { receipt_json: string } | undefined;
    return row ? this.open(settlementId, row.receipt_json) : undefined;
  }

  recent(
    limit = 20,
  ): { settlementId: string; printedAt: string; total: number; printed: boolean }[] {
    return (
      this.db
        .prepare(
          `SELECT settlement_id, printed_at, total_cents, printed FROM receipts ORDER BY printed_at DESC LIMIT ?`,
        )
        .all(limit) as {
        settlement_id: string;
        printed_at: string;
        total_cents: number;
        printed: number;
      }[]
    ).map((r) => ({
      settlementId: r.settlement_id,
      printedAt: r.printed_at,
      total: r.total_cents,
      printed: r.printed === 1,
    }));
  }

  /**
   * Deletes receipts printed before `cutoff`, except those whose payment is still open in the
   * journal (`isPaymentOpen`, from the host): recovery may yet need them for a reprint or K401.
   * One transaction.
   */
  deleteOlderThan(cutoff: Date, isPaymentOpen: (ref: ReceiptRef) => boolean): RetentionCounts {
    const counts: RetentionCounts = { deleted: 0, keptOpen: 0, keptUnreadable: 0 };
    const old = this.db
      .prepare(`SELECT settlement_id, receipt_json FROM receipts WHERE printed_at < ?`)
      .all(cutoff.toISOString()) as { settlement_id: string; receipt_json: string }[];
    const remove = this.db.prepare(`DELETE FROM receipts WHERE settlement_id = ?`);
    this.db.transaction(() => {
      for (const row of old) {
        let ref: ReceiptRef;
        try {
          const { settlement } = this.open(row.settlement_id, row.receipt_json);
          ref = {
            settlementId: row.settlement_id,
            msgid: settlement.msgid,
            billId: settlement.billId,
          };
        } catch {
          counts.keptUnreadable++;
          continue;
        }
        if (isPaymentOpen(ref)) {
          counts.keptOpen++;
          continue;
        }
        remove.run(row.settlement_id);
        counts.deleted++;
      }
    })();
    if (counts.deleted > 0) this.db.pragma('wal_checkpoint(TRUNCATE)');
    return counts;
  }

  /** Whether a receipt is recorded, from the clear key column (nothing unsealed). */
  has(settlementId: string): boolean {
    return (
      this.db.prepare(`SELECT 1 FROM receipts WHERE settlement_id = ?`).get(settlementId) !==
      undefined
    );
  }

  close(): void {
    this.db.close();
  }

  private open(settlementId: string, stored: string): ReceiptData {
    // Rows in clear were all sealed at open: one in clear now was put there by someone else.
    if (!stored.startsWith(SEALED_PREFIX)) throw new ReceiptStoreError('unreadable', settlementId);
    try {
      return JSON.parse(this.sealer.open(stored, contextOf(settlementId))) as ReceiptData;
    } catch (error) {
      if (error instanceof SealedFieldError || error instanceof SyntaxError)
        throw new ReceiptStoreError('unreadable', settlementId);
      throw error;
    }
  }

  /** The first open seals a check value; every later open must open it with the same key. */
  private checkKey(): void {
    const row = this.db.prepare(`SELECT value FROM receipt_meta WHERE name = ?`).get(KEY_CHECK) as
      { value: string } | undefined;
    if (!row) {
      this.db
        .prepare(`INSERT INTO receipt_meta VALUES (?, ?)`)
        .run(KEY_CHECK, this.sealer.seal(KEY_CHECK, KEY_CHECK));
      return;
    }
    let opened: string;
    try {
      opened = this.sealer.open(row.value, KEY_CHECK);
    } catch (error) {
      if (error instanceof SealedFieldError) throw new ReceiptStoreError('wrong-key');
      throw error;
    }
    if (opened !== KEY_CHECK) throw new ReceiptStoreError('wrong-key');
  }

  /** Rows an older version wrote in clear: sealed and rewritten, all in one transaction. */
  private sealRowsInClear(): void {
    const clear = this.db
      .prepare(`SELECT settlement_id, receipt_json FROM receipts WHERE receipt_json NOT LIKE ?`)
      .all(`${SEALED_PREFIX}%`) as { settlement_id: string; receipt_json: string }[];
    if (clear.length === 0) return;
    const rewrite = this.db.prepare(`UPDATE receipts SET receipt_json = ? WHERE settlement_id = ?`);
    this.db.transaction(() => {
      for (const row of clear)
        rewrite.run(
          this.sealer.seal(row.receipt_json, contextOf(row.settlement_id)),
          row.settlement_id,
        );
    })();
    // The clear pages are overwritten in the database file now, not only in the WAL.
    this.db.pragma('wal_checkpoint(TRUNCATE)');
  }
}

const contextOf = (settlementId: string) => `receipt/${settlementId}`;
