/**
 * The simulator's insured persons (with their year-to-date counters and e-voucher codes) and
 * their bills with fee items.
 */
import type Database from 'better-sqlite3';
import type { InsuranceType, ItemClass } from '../../../core/domain.ts';
import type { WireBillCategory, WireBillType } from '../../wire-vocabulary.ts';

export const peopleSchema = `
      CREATE TABLE IF NOT EXISTS persons (
        psn_no TEXT PRIMARY KEY, name TEXT NOT NULL, certno TEXT NOT NULL UNIQUE, gender TEXT NOT NULL,
        birth_date TEXT NOT NULL, insutype TEXT NOT NULL, insuplc_admdvs TEXT NOT NULL,
        balance_cents INTEGER NOT NULL CHECK (balance_cents >= 0),
        deductible_used_cents INTEGER NOT NULL, fund_used_cents INTEGER NOT NULL);
      CREATE TABLE IF NOT EXISTS bills (
        chrg_bchno TEXT PRIMARY KEY, psn_no TEXT NOT NULL REFERENCES persons(psn_no), type TEXT NOT NULL,
        category TEXT NOT NULL, dept_name TEXT NOT NULL, begntime TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('unpaid', 'paid')));
      CREATE TABLE IF NOT EXISTS bill_items (
        chrg_bchno TEXT NOT NULL REFERENCES bills(chrg_bchno), sn TEXT NOT NULL, name TEXT NOT NULL,
        item_class TEXT NOT NULL, price_cents INTEGER NOT NULL, count REAL NOT NULL, amount_cents INTEGER NOT NULL,
        PRIMARY KEY (chrg_bchno, sn));
      CREATE TABLE IF NOT EXISTS ec_vouchers (
        ec_qr TEXT PRIMARY KEY, psn_no TEXT NOT NULL REFERENCES persons(psn_no));
`;

export interface PersonRow {
  psn_no: string;
  name: string;
  certno: string;
  gender: string;
  birth_date: string;
  insutype: InsuranceType;
  insuplc_admdvs: string;
  balance_cents: number;
  deductible_used_cents: number;
  fund_used_cents: number;
}

export interface BillRow {
  chrg_bchno: string;
  psn_no: string;
  type: WireBillType;
  category: WireBillCategory;
  dept_name: string;
  begntime: string;
  status: 'unpaid' | 'paid';
}

export interface ItemRow {
  sn: string;
  name: string;
  item_class: ItemClass;
  price_cents: number;
  count: number;
  amount_cents: number;
}

export class PeopleTables {
  constructor(private readonly db: Database.Database) {}

  person(psnNo: string): PersonRow | undefined {
    return this.db.prepare(`SELECT * FROM persons WHERE psn_no = ?`).get(psnNo) as
      PersonRow | undefined;
  }

  personByCertno(certno: string): PersonRow | undefined {
    return this.db.prepare(`SELECT * FROM persons WHERE certno = ?`).get(certno) as
      PersonRow | undefined;
  }

  personByVoucher(ecQr: string): PersonRow | undefined {
    return this.db
      .prepare(
        `SELECT p.* FROM ec_vouchers v JOIN persons p ON p.psn_no = v.psn_no WHERE v.ec_qr = ?`,
      )
      .get(ecQr) as PersonRow | undefined;
  }

  unpaidBills(psnNo: string): BillRow[] {
    return this.db
      .prepare(`SELECT * FROM bills WHERE psn_no = ? AND status = 'unpaid' ORDER BY begntime`)
      .all(psnNo) as BillRow[];
  }

  bill(chrgBchno: string): BillRow | undefined {
    return this.db.prepare(`SELECT * FROM bills WHERE chrg_bchno = ?`).get(chrgBchno) as
      BillRow | undefined;
  }

  items(chrgBchno: string): ItemRow[] {
    return this.db
      .prepare(
        `SELECT sn, name, item_class, price_cents, count, amount_cents FROM bill_items WHERE chrg_bchno = ? ORDER BY CAST(sn AS INTEGER)`,
      )
      .all(chrgBchno) as ItemRow[];
  }
}
