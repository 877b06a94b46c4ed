/**
 * A simulator database from before sign numbers had a day and settlements a terminal and group
 * opens with the new columns filled in: today's old sign-in still works, an older settlement
 * still counts in the institution's 3201 totals.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { SimulatorStore } from './store.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'sim-migration-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('fills the new columns of an older database from what it holds', () => {
  const file = join(dir, 'gateway.sqlite');
  const old = new Database(file);
  old.exec(`
    CREATE TABLE persons (psn_no TEXT PRIMARY KEY, name TEXT NOT NULL, certno TEXT NOT NULL UNIQUE,
      gender TEXT NOT NULL, birth_date TEXT NOT NULL, insutype TEXT NOT NULL,
      insuplc_admdvs TEXT NOT NULL, balance_cents INTEGER NOT NULL,
      deductible_used_cents INTEGER NOT NULL, fund_used_cents INTEGER NOT NULL);
    CREATE TABLE bills (chrg_bchno TEXT PRIMARY KEY, psn_no TEXT NOT NULL, type TEXT NOT NULL,
      category TEXT NOT NULL, dept_name TEXT NOT NULL, begntime TEXT NOT NULL, status TEXT NOT NULL);
    CREATE TABLE settlements (setl_id TEXT PRIMARY KEY, msgid TEXT NOT NULL UNIQUE,
      infno TEXT NOT NULL, chrg_bchno TEXT NOT NULL, psn_no TEXT NOT NULL,
      response_json TEXT NOT NULL, status TEXT NOT NULL, created_at TEXT NOT NULL);
    CREATE TABLE sign_ins (sign_no TEXT PRIMARY KEY, opter TEXT NOT NULL, signed_at TEXT NOT NULL);
    INSERT INTO persons VALUES ('P1', 'A', '1', 'F', '1990-01-01', '390', '110105', 0, 0, 0);
    INSERT INTO bills VALUES ('IP1', 'P1', 'inpatient_discharge', 'regular', 'Ward', '', 'paid');
    INSERT INTO settlements VALUES ('S1', 'M1', '2207', 'IP1', 'P1', '{}', 'settled', '2026-11-22 09:00:00');
    INSERT INTO sign_ins VALUES ('SN1', 'KIOSK-01', '2026-11-22 08:00:00');
  `);
  old.close();
  const store = new SimulatorStore(file);
  try {
    expect(store.signIns.status('SN1', 'KIOSK-01', '2026-11-22')).toEqual({ live: true });
    const scope = { begin: '2026-11-22', end: '2026-11-22', insutype: '390', clrType: '21' };
    expect(store.settlements.settledIn(scope).map((r) => r.setl_id)).toEqual(['S1']);
    expect(store.settlements.settledIn({ ...scope, opter: 'KIOSK-01' })).toEqual([]);
  } finally {
    store.close();
  }
});
