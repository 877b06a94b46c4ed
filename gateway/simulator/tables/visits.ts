/**
 * The simulator's visits (2201, or registered by the hospital in the scenario), the bills' visit
 * fields, the items' list codes, and the fee details uploaded per charge batch (2204, revoked by
 * 2205). A settlement (2206/2207) names a visit this table issued and a batch uploaded under it.
 */
import type Database from 'better-sqlite3';

export const visitsSchema = `
      CREATE TABLE IF NOT EXISTS visits (
        mdtrt_id TEXT PRIMARY KEY, psn_no TEXT NOT NULL, insutype TEXT NOT NULL,
        ipt_otp_no TEXT NOT NULL, dept_code TEXT NOT NULL, begntime TEXT NOT NULL,
        registered_by TEXT NOT NULL CHECK (registered_by IN ('hospital', 'kiosk')),
        msgid TEXT UNIQUE, response_json TEXT NOT NULL DEFAULT '');
      CREATE TABLE IF NOT EXISTS bill_visits (
        chrg_bchno TEXT PRIMARY KEY, mdtrt_id TEXT NOT NULL DEFAULT '', ipt_otp_no TEXT NOT NULL,
        dept_code TEXT NOT NULL, caty TEXT NOT NULL, atddr_no TEXT NOT NULL, dr_name TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS item_codes (
        chrg_bchno TEXT NOT NULL, sn TEXT NOT NULL, med_list_codg TEXT NOT NULL,
        medins_list_codg TEXT NOT NULL, PRIMARY KEY (chrg_bchno, sn));
      CREATE TABLE IF NOT EXISTS fee_uploads (
        chrg_bchno TEXT PRIMARY KEY, mdtrt_id TEXT NOT NULL REFERENCES visits(mdtrt_id),
        uploaded_by TEXT NOT NULL CHECK (uploaded_by IN ('hospital', 'kiosk')),
        detail_json TEXT NOT NULL, result_json TEXT NOT NULL, at TEXT NOT NULL);
`;

export interface VisitRow {
  mdtrt_id: string;
  psn_no: string;
  insutype: string;
  ipt_otp_no: string;
  dept_code: string;
  begntime: string;
  registered_by: 'hospital' | 'kiosk';
  msgid: string | null;
  response_json: string;
}

export interface BillVisitRow {
  chrg_bchno: string;
  mdtrt_id: string;
  ipt_otp_no: string;
  dept_code: string;
  caty: string;
  atddr_no: string;
  dr_name: string;
}

export interface FeeUploadRow {
  chrg_bchno: string;
  mdtrt_id: string;
  uploaded_by: 'hospital' | 'kiosk';
  detail_json: string;
  result_json: string;
  at: string;
}

export class VisitTables {
  constructor(private readonly db: Database.Database) {}

  visit(mdtrtId: string): VisitRow | undefined {
    return this.db.prepare(`SELECT * FROM visits WHERE mdtrt_id = ?`).get(mdtrtId) as
      VisitRow | undefined;
  }

  visitByMsgid(msgid: string): VisitRow | undefined {
    return this.db.prepare(`SELECT * FROM visits WHERE msgid = ?`).get(msgid) as
      VisitRow | undefined;
  }

  insertVisit(v: VisitRow): void {
    this.db
      .prepare(
        `INSERT INTO visits VALUES (@mdtrt_id, @psn_no, @insutype, @ipt_otp_no, @dept_code, @begntime, @registered_by, @msgid, @response_json)`,
      )
      .run(v);
  }

  billVisit(chrgBchno: string): BillVisitRow | undefined {
    return this.db.prepare(`SELECT * FROM bill_visits WHERE chrg_bchno = ?`).get(chrgBchno) as
      BillVisitRow | undefined;
  }

  insertBillVisit(b: BillVisitRow): void {
    this.db
      .prepare(
        `INSERT INTO bill_visits VALUES (@chrg_bchno, @mdtrt_id, @ipt_otp_no, @dept_code, @caty, @atddr_no, @dr_name)`,
      )
      .run(b);
  }

  /** The bill now belongs to this visit (its batch was uploaded under it). */
  linkBill(chrgBchno: string, mdtrtId: string): void {
    this.db
      .prepare(`UPDATE bill_visits SET mdtrt_id = ? WHERE chrg_bchno = ?`)
      .run(mdtrtId, chrgBchno);
  }

  itemCodes(chrgBchno: string): Map<string, { med_list_codg: string; medins_list_codg: string }> {
    const rows = this.db
      .prepare(`SELECT sn, med_list_codg, medins_list_codg FROM item_codes WHERE chrg_bchno = ?`)
      .all(chrgBchno) as { sn: string; med_list_codg: string; medins_list_codg: string }[];
    return new Map(rows.map((r) => [r.sn, r]));
  }

  insertItemCode(chrgBchno: string, sn: string, national: string, hospital: string): void {
    this.db
      .prepare(`INSERT INTO item_codes VALUES (?, ?, ?, ?)`)
      .run(chrgBchno, sn, national, hospital);
  }

  upload(chrgBchno: string): FeeUploadRow | undefined {
    return this.db.prepare(`SELECT * FROM fee_uploads WHERE chrg_bchno = ?`).get(chrgBchno) as
      FeeUploadRow | undefined;
  }

  insertUpload(u: FeeUploadRow): void {
    this.db
      .prepare(
        `INSERT INTO fee_uploads VALUES (@chrg_bchno, @mdtrt_id, @uploaded_by, @detail_json, @result_json, @at)`,
      )
      .run(u);
  }

  hasUploads(mdtrtId: string): boolean {
    return (
      this.db.prepare(`SELECT 1 FROM fee_uploads WHERE mdtrt_id = ? LIMIT 1`).get(mdtrtId) !==
      undefined
    );
  }

  /** A registration reversed (2601) before anything was uploaded under it. */
  withdraw(mdtrtId: string): void {
    this.db.prepare(`UPDATE bill_visits SET mdtrt_id = '' WHERE mdtrt_id = ?`).run(mdtrtId);
    this.db.prepare(`DELETE FROM visits WHERE mdtrt_id = ?`).run(mdtrtId);
  }

  revokeUpload(chrgBchno: string): void {
    this.db.prepare(`DELETE FROM fee_uploads WHERE chrg_bchno = ?`).run(chrgBchno);
  }
}
