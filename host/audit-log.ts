/**
 * The admin audit log: every admin-mode action (sign-in, failed sign-in, sign-out, device check,
 * test print, receipts, reprint, reconciliation, log view, and each refusal) as one row of who,
 * their role, what, its target (ids only), the outcome and when, in `audit-log.sqlite` in the
 * data folder. Append-only twice over: triggers refuse UPDATE and DELETE, and each row's hash
 * covers its own fields and the previous row's hash, so a row edited or removed with the
 * triggers dropped breaks the chain from there on, which `verify()` finds. Removing the newest
 * rows keeps a valid (shorter) chain: each append also logs its sequence number and hash
 * (`audit.appended`) to the kiosk's log, which leaves the machine, so a missing tail shows there.
 */
import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import type { Clock } from '../core/domain.ts';
import type { StaffRole } from '../core/kiosk-api.ts';
import { openPrivateDatabase } from '../gateway/private-files.ts';

export const auditActions = [
  'login',
  'login-failed',
  'logout',
  'diagnostics',
  'test-print',
  'receipts',
  'reprint',
  'reconciliation',
  'logs',
  'open-payments',
  'check-payments',
  'refund',
] as const;
export type AuditAction = (typeof auditActions)[number];
export type AuditOutcome = 'ok' | 'refused' | 'wrong-secret' | 'locked' | 'unknown-staff';

export interface AuditEntry {
  seq: number;
  at: string;
  /** A staff id, `shared-pin`, or `?` for an id nobody has (a PIN typed in the wrong field). */
  staffId: string;
  role: StaffRole | '';
  action: AuditAction;
  /** Ids only (a settlement id for a reprint); never patient data. */
  target: string;
  outcome: AuditOutcome;
  prevHash: string;
  hash: string;
}

export type AuditVerification =
  | { ok: true; rows: number; head: string }
  | { ok: false; rows: number; brokenAt: number; problem: string };

const GENESIS = '0'.repeat(64);

function rowHash(e: Omit<AuditEntry, 'hash'>): string {
  const fields = [e.seq, e.at, e.staffId, e.role, e.action, e.target, e.outcome, e.prevHash];
  return createHash('sha256').update(JSON.stringify(fields)).digest('hex');
}

export class AuditLog {
  constructor(
    private readonly file: string,
    private readonly clock: Clock,
    private readonly onAppend?: (entry: AuditEntry) => void,
  ) {}

  append(e: {
    staffId: string;
    role: StaffRole | '';
    action: AuditAction;
    target?: string;
    outcome: AuditOutcome;
  }): AuditEntry {
    const entry = this.withDb((db) =>
      db.transaction(() => {
        const last = db.prepare(`SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1`).get() as
          { seq: number; hash: string } | undefined;
        const row = {
          seq: (last?.seq ?? 0) + 1,
          at: this.clock.now().toISOString(),
          staffId: e.staffId.slice(0, 40),
          role: e.role,
          action: e.action,
          target: (e.target ?? '').slice(0, 64),
          outcome: e.outcome,
          prevHash: last?.hash ?? GENESIS,
        };
        const full = { ...row, hash: rowHash(row) };
        db.prepare(
          `INSERT INTO audit (seq, at, staff_id, role, action, target, outcome, prev_hash, hash)
           VALUES (@seq, @at, @staffId, @role, @action, @target, @outcome, @prevHash, @hash)`,
        ).run(full);
        return full;
      })(),
    );
    this.onAppend?.(entry);
    return entry;
  }

  /** The newest `limit` rows, oldest first. */
  recent(limit = 50): AuditEntry[] {
    return this.withDb((db) => this.rows(db, Math.min(Math.max(limit, 1), 1000))).reverse();
  }

  /** Walks the whole chain: sequence without gaps, each row's link and hash as written. */
  verify(): AuditVerification {
    return this.withDb((db) => {
      let prev = GENESIS;
      let rows = 0;
      const all = db.prepare(`${SELECT} ORDER BY seq`).iterate() as IterableIterator<AuditEntry>;
      for (const row of all) {
        rows++;
        const broken = (problem: string) => ({
          ok: false as const,
          rows,
          brokenAt: row.seq,
          problem,
        });
        if (row.seq !== rows) return broken(`row ${rows} has sequence number ${row.seq}`);
        if (row.prevHash !== prev) return broken('does not follow the row before it');
        const { hash, ...fields } = row;
        if (rowHash(fields) !== hash) return broken('its contents do not match its hash');
        prev = hash;
      }
      return { ok: true as const, rows, head: prev };
    });
  }

  private rows(db: Database.Database, limit: number): AuditEntry[] {
    return db.prepare(`${SELECT} ORDER BY seq DESC LIMIT ?`).all(limit) as AuditEntry[];
  }

  /** Opened for each use, as the PIN locks are: a few admin actions a day, no handle to close. */
  private withDb<T>(work: (db: Database.Database) => T): T {
    const db = openPrivateDatabase(this.file);
    try {
      db.exec(SCHEMA);
      return work(db);
    } finally {
      db.close();
    }
  }
}

const SELECT = `SELECT seq, at, staff_id AS staffId, role, action, target, outcome,
  prev_hash AS prevHash, hash FROM audit`;

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS audit (
    seq INTEGER PRIMARY KEY, at TEXT NOT NULL, staff_id TEXT NOT NULL, role TEXT NOT NULL,
    action TEXT NOT NULL, target TEXT NOT NULL, outcome TEXT NOT NULL,
    prev_hash TEXT NOT NULL, hash TEXT NOT NULL);
  CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
  CREATE TRIGGER IF NOT EXISTS audit_no_delete BEFORE DELETE ON audit
    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;`;
