/**
 * The channel's own state: the sign numbers 9001 issued (each to one terminal, for one business
 * day, until 9002 signs it out), which every business transaction must carry, and the request nonces seen within the signature window, so a captured request cannot
 * be replayed after the simulator restarts either.
 */
import type Database from 'better-sqlite3';
import type { NonceStore } from '../../signing.ts';

export const channelSchema = `
      CREATE TABLE IF NOT EXISTS sign_ins (
        sign_no TEXT PRIMARY KEY, opter TEXT NOT NULL, signed_at TEXT NOT NULL,
        business_date TEXT NOT NULL DEFAULT '', mac TEXT NOT NULL DEFAULT '',
        ip TEXT NOT NULL DEFAULT '', dev_no TEXT NOT NULL DEFAULT '',
        signed_out_at TEXT NOT NULL DEFAULT '');
      CREATE TABLE IF NOT EXISTS seen_nonces (
        nonce TEXT PRIMARY KEY, expires_at INTEGER NOT NULL) WITHOUT ROWID;
      CREATE INDEX IF NOT EXISTS seen_nonces_by_expiry ON seen_nonces(expires_at);
`;

/** Whether a sign number may be used: why not, when it may not. */
export type SignNoStatus =
  { live: true } | { live: false; why: 'unknown' | 'signed-out' | 'expired'; at: string };

interface SignInRow {
  sign_no: string;
  opter: string;
  signed_at: string;
  business_date: string;
  signed_out_at: string;
}

export class SignInTable {
  constructor(private readonly db: Database.Database) {
    // A database from before sign numbers had a day and a sign-out gets the columns.
    const columns = new Set(
      (db.prepare(`PRAGMA table_info(sign_ins)`).all() as { name: string }[]).map((c) => c.name),
    );
    for (const column of ['business_date', 'mac', 'ip', 'dev_no', 'signed_out_at']) {
      if (!columns.has(column))
        db.exec(`ALTER TABLE sign_ins ADD COLUMN ${column} TEXT NOT NULL DEFAULT ''`);
    }
    if (!columns.has('business_date'))
      db.exec(`UPDATE sign_ins SET business_date = substr(signed_at, 1, 10)`);
  }

  /**
   * `signedAt` is hospital time (yyyy-MM-dd HH:mm:ss): its date is the business day. The
   * terminal's address and device number are kept, for who signed in from where.
   */
  record(
    signNo: string,
    opter: string,
    signedAt: string,
    terminal = { mac: '', ip: '', devNo: '' },
  ): void {
    this.db
      .prepare(
        `INSERT INTO sign_ins (sign_no, opter, signed_at, business_date, mac, ip, dev_no)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(
        signNo,
        opter,
        signedAt,
        signedAt.slice(0, 10),
        terminal.mac,
        terminal.ip,
        terminal.devNo,
      );
  }

  /** Live when 9001 issued it to this operator (terminal) today and 9002 has not ended it. */
  status(signNo: string, opter: string, today: string): SignNoStatus {
    const row = this.row(signNo, opter);
    if (!row) return { live: false, why: 'unknown', at: '' };
    if (row.signed_out_at !== '') return { live: false, why: 'signed-out', at: row.signed_out_at };
    if (row.business_date !== today) return { live: false, why: 'expired', at: row.business_date };
    return { live: true };
  }

  /** Ends a sign number; a second sign-out gives the first one's time. */
  signOut(signNo: string, opter: string, at: string): string | undefined {
    const row = this.row(signNo, opter);
    if (!row) return undefined;
    if (row.signed_out_at !== '') return row.signed_out_at;
    this.db.prepare(`UPDATE sign_ins SET signed_out_at = ? WHERE sign_no = ?`).run(at, signNo);
    return at;
  }

  private row(signNo: string, opter: string): SignInRow | undefined {
    return this.db
      .prepare(`SELECT * FROM sign_ins WHERE sign_no = ? AND opter = ?`)
      .get(signNo, opter) as SignInRow | undefined;
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
