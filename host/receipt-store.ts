/**
 * Every receipt the kiosk produced (already masked: the receipt data never holds a full name or
 * ID number), durable in SQLite, so staff can reprint one from admin mode after the printer ran
 * out of paper, or the kiosk restarted.
 */
import type Database from 'better-sqlite3';
import { openPrivateDatabase } from '../gateway/private-files.ts';
import type { ReceiptData } from '../core/domain.ts';

export class ReceiptStore {
  private readonly db: Database.Database;

  constructor(file: string) {
    this.db = openPrivateDatabase(file, { wal: true });
    this.db.pragma('synchronous = FULL');
    this.db.exec(`CREATE TABLE IF NOT EXISTS receipts (
      settlement_id TEXT PRIMARY KEY, printed_at TEXT NOT NULL, total_cents INTEGER NOT NULL,
      printed INTEGER NOT NULL, problem TEXT NOT NULL, receipt_json TEXT NOT NULL)`);
  }

  record(receipt: ReceiptData, printed: boolean, problem = ''): void {
    this.db
      .prepare(
        `INSERT INTO receipts VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(settlement_id) DO UPDATE SET printed = MAX(printed, excluded.printed), problem = excluded.problem`,
      )
      .run(
        receipt.settlement.settlementId,
        receipt.printedAt,
        receipt.settlement.split.total,
        printed ? 1 : 0,
        problem,
        JSON.stringify(receipt),
      );
  }

  get(settlementId: string): ReceiptData | undefined {
    const row = this.db
      .prepare(`SELECT receipt_json FROM receipts WHERE settlement_id = ?`)
      .get(settlementId) as { receipt_json: string } | undefined;
    return row ? (JSON.parse(row.receipt_json) as ReceiptData) : undefined;
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

  close(): void {
    this.db.close();
  }
}
