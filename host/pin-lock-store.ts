/**
 * The PIN gates' attempts and lockouts on disk (`pin-locks.sqlite` in the data folder, one row
 * per gate, and one per staff id that has signed in or failed to), so restarting the kiosk, or crashing it on purpose, does not clear a lockout. The
 * database is opened for each read or write: a PIN is entered a few times a day, and no handle
 * is left open for the host to close.
 */
import type Database from 'better-sqlite3';
import { openPrivateDatabase } from '../gateway/private-files.ts';
import { join } from 'node:path';
import type { PinLockState, PinLockStore } from '../core/admin-lock.ts';

/**
 * `admin`: the one shared admin PIN; `staff`: the staff confirmation for binding a minor;
 * `staff-id:ID`: each staff account's own attempts (`staff-id:?` for ids nobody has).
 */
export type PinGate = 'admin' | 'staff' | `staff-id:${string}`;

export function pinLockStore(dataDir: string, gate: PinGate): PinLockStore {
  const file = join(dataDir, 'pin-locks.sqlite');
  const withDb = <T>(work: (db: Database.Database) => T): T => {
    const db = openPrivateDatabase(file);
    try {
      db.exec(`CREATE TABLE IF NOT EXISTS pin_gates (
        gate TEXT PRIMARY KEY, failures INTEGER NOT NULL, locked_until INTEGER NOT NULL)`);
      return work(db);
    } finally {
      db.close();
    }
  };
  return {
    load: () =>
      withDb((db) => {
        const row = db
          .prepare(`SELECT failures, locked_until AS lockedUntil FROM pin_gates WHERE gate = ?`)
          .get(gate) as PinLockState | undefined;
        return row ?? { failures: 0, lockedUntil: 0 };
      }),
    save: (state) =>
      withDb((db) => {
        db.prepare(
          `INSERT INTO pin_gates VALUES (?, ?, ?)
           ON CONFLICT(gate) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until`,
        ).run(gate, state.failures, state.lockedUntil);
      }),
  };
}
