/**
 * Transactions reversed by 2601 (冲正), by their msgid: whatever they did is undone, and the
 * msgid is refused from then on, so an original that arrives after its reversal applies nothing.
 */
import type Database from 'better-sqlite3';

export const reversedMsgidsSchema = `
      CREATE TABLE IF NOT EXISTS reversed_msgids (
        msgid TEXT PRIMARY KEY, infno TEXT NOT NULL, psn_no TEXT NOT NULL,
        reversal_msgid TEXT NOT NULL, at TEXT NOT NULL);
`;

export interface ReversedMsgidRow {
  msgid: string;
  infno: string;
  psn_no: string;
  reversal_msgid: string;
  at: string;
}

export class ReversedMsgids {
  constructor(private readonly db: Database.Database) {}

  get(msgid: string): ReversedMsgidRow | undefined {
    return this.db.prepare(`SELECT * FROM reversed_msgids WHERE msgid = ?`).get(msgid) as
      ReversedMsgidRow | undefined;
  }

  has(msgid: string): boolean {
    return this.get(msgid) !== undefined;
  }

  record(row: ReversedMsgidRow): void {
    this.db
      .prepare(
        `INSERT OR IGNORE INTO reversed_msgids VALUES (@msgid, @infno, @psn_no, @reversal_msgid, @at)`,
      )
      .run(row);
  }
}
