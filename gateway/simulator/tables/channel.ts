/**
 * The channel's own state: the sign numbers 9001 issued, which every business transaction must
 * carry, and the request nonces seen within the signature window, so a captured request cannot
 * be replayed after the simulator restarts either.
 */
import type Database from 'better-sqlite3';
import type { NonceStore } from '../../signing.ts';

export const channelSchema = `
      CREATE TABLE IF NOT EXISTS sign_ins (
        sign_no TEXT PRIMARY KEY, opter TEXT NOT NULL, signed_at TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS seen_nonces (
        nonce TEXT PRIMARY KEY, expires_at INTEGER NOT NULL) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS seen_nonces_by_expiry ON seen_nonces(expires_at);
`;

export class SignInTable {
  constructor(private readonly db: Database.Database) {}

  record(signNo: string, opter: string, signedAt: string): void {
    this.db.prepare(`INSERT INTO sign_ins VALUES (?, ?, ?)`).run(signNo, opter, signedAt);
  }

  /** True when 9001 issued this sign number to this operator (terminal). */
  issued(signNo: string, opter: string): boolean {
    return (
      this.db
        .prepare(`SELECT 1 FROM sign_ins WHERE sign_no = ? AND opter = ?`)
        .get(signNo, opter) !== undefined
    );
  }
}

/**
 * Seen nonces, each row kept until its timestamp leaves the window. The table is written through
 * its own connection with synchronous=NORMAL: in WAL mode a row survives a crash of the process
 * without an fsync per request (only a power cut may forget the last moments' nonces, and every
 * state change is idempotent by its key besides).
 */
export class NonceTable implements NonceStore {
  private readonly insert: Database.Statement;
  private readonly sweep: Database.Statement;
  private nextSweep = 0;

  constructor(private readonly db: Database.Database) {
    // A nonce not seen, or seen but expired, is (re)recorded: one change. A live one: none.
    this.insert = db.prepare(
      `INSERT INTO seen_nonces VALUES (@nonce, @expiresAt)
       ON CONFLICT(nonce) DO UPDATE SET expires_at = excluded.expires_at
       WHERE seen_nonces.expires_at < @now`,
    );
    this.sweep = db.prepare(`DELETE FROM seen_nonces WHERE expires_at < ?`);
  }

  remember(nonce: string, expiresAt: number, nowSeconds: number): boolean {
    if (nowSeconds >= this.nextSweep) {
      this.sweep.run(nowSeconds);
      this.nextSweep = nowSeconds + 60;
    }
    return this.insert.run({ nonce, expiresAt, now: nowSeconds }).changes === 1;
  }

  count(): number {
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM seen_nonces`).get() as { n: number }).n;
  }
}
