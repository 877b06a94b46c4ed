/**
 * Family bindings: payer_psn_no bound member_psn_no. Rows are never deleted: an unbound binding
 * keeps its row (unbound_at set) because it still counts toward the month it was made in.
 */
import type Database from 'better-sqlite3';
import type { FamilyRelation } from '../../../core/vocabulary.ts';

export const familySchema = `
      CREATE TABLE IF NOT EXISTS family_bindings (
        bind_id TEXT PRIMARY KEY,
        payer_psn_no TEXT NOT NULL REFERENCES persons(psn_no),
        member_psn_no TEXT NOT NULL REFERENCES persons(psn_no),
        relation TEXT NOT NULL, verification TEXT NOT NULL,
        doc_type TEXT NOT NULL DEFAULT '', doc_no TEXT NOT NULL DEFAULT '', staff_id TEXT NOT NULL DEFAULT '',
        bound_at TEXT NOT NULL, unbound_at TEXT NOT NULL DEFAULT '', unbound_by TEXT NOT NULL DEFAULT '',
        msgid TEXT UNIQUE, response_json TEXT NOT NULL DEFAULT '',
        CHECK (payer_psn_no <> member_psn_no));
      CREATE UNIQUE INDEX IF NOT EXISTS one_live_binding_per_pair
        ON family_bindings(payer_psn_no, member_psn_no) WHERE unbound_at = '';
      CREATE INDEX IF NOT EXISTS bindings_by_member ON family_bindings(member_psn_no, bound_at);
      CREATE INDEX IF NOT EXISTS bindings_by_payer ON family_bindings(payer_psn_no, bound_at);
`;

export interface BindingRow {
  bind_id: string;
  payer_psn_no: string;
  member_psn_no: string;
  relation: FamilyRelation;
  /** face | document | scenario (bound before the simulator started) */
  verification: string;
  doc_type: string;
  doc_no: string;
  staff_id: string;
  /** yyyy-MM-dd HH:mm:ss, hospital time zone; '' = before records began. */
  bound_at: string;
  unbound_at: string;
  unbound_by: string;
  msgid: string | null;
  response_json: string;
}

/** Which side of a binding a person is on: the payer, or the member whose bills they pay. */
export type BindingSide = 'payer' | 'member';

export class FamilyTables {
  constructor(private readonly db: Database.Database) {}

  insert(b: Omit<BindingRow, 'unbound_at' | 'unbound_by'>): void {
    this.db
      .prepare(
        `INSERT INTO family_bindings (bind_id, payer_psn_no, member_psn_no, relation, verification, doc_type, doc_no, staff_id, bound_at, msgid, response_json)
         VALUES (@bind_id, @payer_psn_no, @member_psn_no, @relation, @verification, @doc_type, @doc_no, @staff_id, @bound_at, @msgid, @response_json)`,
      )
      .run(b);
  }

  /** Stores the answer a retried bind (same msgid) gets. */
  setResponse(bindId: string, responseJson: string): void {
    this.db
      .prepare(`UPDATE family_bindings SET response_json = ? WHERE bind_id = ?`)
      .run(responseJson, bindId);
  }

  binding(bindId: string): BindingRow | undefined {
    return this.db.prepare(`SELECT * FROM family_bindings WHERE bind_id = ?`).get(bindId) as
      BindingRow | undefined;
  }

  byMsgid(msgid: string): BindingRow | undefined {
    return this.db.prepare(`SELECT * FROM family_bindings WHERE msgid = ?`).get(msgid) as
      BindingRow | undefined;
  }

  /** The live (not unbound) binding of member by payer, if any. */
  liveBinding(payerPsnNo: string, memberPsnNo: string): BindingRow | undefined {
    return this.db
      .prepare(
        `SELECT * FROM family_bindings WHERE payer_psn_no = ? AND member_psn_no = ? AND unbound_at = ''`,
      )
      .get(payerPsnNo, memberPsnNo) as BindingRow | undefined;
  }

  /** Live bindings where the person is the payer (their members) or the member (who bound them). */
  liveBindingsOf(psnNo: string, side: BindingSide): BindingRow[] {
    const column = side === 'payer' ? 'payer_psn_no' : 'member_psn_no';
    return this.db
      .prepare(
        `SELECT * FROM family_bindings WHERE ${column} = ? AND unbound_at = '' ORDER BY bound_at, bind_id`,
      )
      .all(psnNo) as BindingRow[];
  }

  /**
   * Bindings MADE in a calendar month (yyyy-MM, hospital time zone) on one side, unbound ones
   * included: unbinding does not give a place back. bound_at is hospital-local text, so its
   * first seven characters are the month it was made in.
   */
  bindingsMadeIn(psnNo: string, side: BindingSide, month: string): number {
    const column = side === 'payer' ? 'payer_psn_no' : 'member_psn_no';
    return (
      this.db
        .prepare(
          `SELECT COUNT(*) AS n FROM family_bindings WHERE ${column} = ? AND substr(bound_at, 1, 7) = ?`,
        )
        .get(psnNo, month) as { n: number }
    ).n;
  }

  /** Marks a live binding unbound; false when it was not live. */
  unbind(bindId: string, by: string, at: string): boolean {
    return (
      this.db
        .prepare(
          `UPDATE family_bindings SET unbound_at = ?, unbound_by = ? WHERE bind_id = ? AND unbound_at = ''`,
        )
        .run(at, by, bindId).changes === 1
    );
  }
}
