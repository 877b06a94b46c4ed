/**
 * The simulator's insured persons (with their year-to-date counters and e-voucher codes) and
 * their bills with fee items.
 */
import type Database from 'better-sqlite3';
import type { BasicInsuranceType, InsuranceType, ItemClass } from '../../../core/domain.ts';
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
      CREATE TABLE IF NOT EXISTS insurance_rows (
        psn_no TEXT NOT NULL REFERENCES persons(psn_no), insutype TEXT NOT NULL,
        psn_insu_stas TEXT NOT NULL, PRIMARY KEY (psn_no, insutype));
      CREATE TABLE IF NOT EXISTS ssc_cards (
        ssc_no TEXT PRIMARY KEY, psn_no TEXT NOT NULL REFERENCES persons(psn_no));
`;

/** One of a person's insurance types and its status (psn_insu_stas: 1 insured, 2 suspended, ...). */
export interface InsuranceRow {
  insutype: InsuranceType;
  psn_insu_stas: string;
}

export interface PersonRow {
  psn_no: string;
  name: string;
  certno: string;
  gender: string;
  birth_date: string;
  /** The basic insurance (310/390): the account's balance and the year's counters are its. */
  insutype: BasicInsuranceType;
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

  personBySocialSecurityCard(sscNo: string): PersonRow | undefined {
    return this.db
      .prepare(
        `SELECT p.* FROM ssc_cards c JOIN persons p ON p.psn_no = c.psn_no WHERE c.ssc_no = ?`,
      )
      .get(sscNo) as PersonRow | undefined;
  }

  insertInsuranceRow(psnNo: string, row: InsuranceRow): void {
    this.db
      .prepare(`INSERT INTO insurance_rows VALUES (?, ?, ?)`)
      .run(psnNo, row.insutype, row.psn_insu_stas);
  }

  insertSocialSecurityCard(sscNo: string, psnNo: string): void {
    this.db.prepare(`INSERT INTO ssc_cards VALUES (?, ?)`).run(sscNo, psnNo);
  }

  /**
   * The person's insurance rows, by insutype. A store seeded before rows were kept has none:
   * then the person has their basic insurance, active.
   */
  insuranceRows(person: PersonRow): InsuranceRow[] {
    const rows = this.db
      .prepare(
        `SELECT insutype, psn_insu_stas FROM insurance_rows WHERE psn_no = ? ORDER BY insutype`,
      )
      .all(person.psn_no) as InsuranceRow[];
    return rows.length > 0 ? rows : [{ insutype: person.insutype, psn_insu_stas: '1' }];
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
