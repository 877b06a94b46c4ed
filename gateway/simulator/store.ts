/**
 * The gateway simulator's durable state in SQLite: persons and their year-to-date counters,
 * bills, and settlements keyed by msgid (the idempotency key). WAL with synchronous=FULL: a
 * settlement the simulator answered survives a crash of the simulator.
 */
import Database from 'better-sqlite3';
import { cents, type Cents, yuanToCents } from '../../core/money.ts';
import type { InsuranceType, ItemClass } from '../../core/domain.ts';
import type { Scenario } from './scenario.ts';

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
  type: 'outpatient' | 'emergency' | 'inpatient_deposit' | 'inpatient_discharge';
  category: 'regular' | 'chronic' | 'maternity' | 'work_injury';
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

export interface SettlementRow {
  setl_id: string;
  msgid: string;
  infno: string;
  chrg_bchno: string;
  psn_no: string;
  response_json: string;
  status: 'settled' | 'reversed';
}

export interface OrderRow {
  order_no: string;
  psn_no: string;
  chrg_bchno: string;
  amount_cents: number;
  status: 'pending' | 'paid' | 'cancelled' | 'expired' | 'refunded';
  channel: string;
  code_url: string;
  created_ms: number;
  expire_ms: number;
  pay_time: string;
}

/**
 * A family binding: payer_psn_no bound member_psn_no. Rows are never deleted: an unbound binding
 * keeps its row (unbound_at set) because it still counts toward the month it was made in.
 */
export interface BindingRow {
  bind_id: string;
  payer_psn_no: string;
  member_psn_no: string;
  relation: 'spouse' | 'parent' | 'child' | 'other';
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

export class SimulatorStore {
  readonly db: Database.Database;
  private readonly queue: {
    work: () => unknown;
    resolve: (v: unknown) => void;
    reject: (e: unknown) => void;
  }[] = [];

  constructor(file: string) {
    this.db = new Database(file);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    this.db.exec(`
      CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
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
      CREATE TABLE IF NOT EXISTS settlements (
        setl_id TEXT PRIMARY KEY, msgid TEXT NOT NULL UNIQUE, infno TEXT NOT NULL,
        chrg_bchno TEXT NOT NULL REFERENCES bills(chrg_bchno), psn_no TEXT NOT NULL,
        response_json TEXT NOT NULL, status TEXT NOT NULL, created_at TEXT NOT NULL);
      CREATE UNIQUE INDEX IF NOT EXISTS one_live_settlement_per_bill ON settlements(chrg_bchno) WHERE status = 'settled';
      CREATE TABLE IF NOT EXISTS reversals (
        orig_setl_id TEXT PRIMARY KEY REFERENCES settlements(setl_id), setl_id TEXT NOT NULL UNIQUE,
        msgid TEXT NOT NULL, response_json TEXT NOT NULL, created_at TEXT NOT NULL);
      CREATE TABLE IF NOT EXISTS orders (
        order_no TEXT PRIMARY KEY, psn_no TEXT NOT NULL, chrg_bchno TEXT NOT NULL,
        amount_cents INTEGER NOT NULL CHECK (amount_cents > 0), status TEXT NOT NULL,
        channel TEXT NOT NULL DEFAULT '', code_url TEXT NOT NULL, created_ms INTEGER NOT NULL,
        expire_ms INTEGER NOT NULL, pay_time TEXT NOT NULL DEFAULT '');
      CREATE TABLE IF NOT EXISTS ec_vouchers (
        ec_qr TEXT PRIMARY KEY, psn_no TEXT NOT NULL REFERENCES persons(psn_no));
      CREATE TABLE IF NOT EXISTS credit (
        psn_no TEXT PRIMARY KEY REFERENCES persons(psn_no), limit_cents INTEGER NOT NULL,
        used_cents INTEGER NOT NULL CHECK (used_cents >= 0 AND used_cents <= limit_cents));
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
    `);
  }

  isSeeded(): boolean {
    return this.db.prepare(`SELECT value FROM meta WHERE key = 'seeded'`).get() !== undefined;
  }

  /** Loads a scenario into an empty store; a store that already has data keeps it (restarts). */
  seed(scenario: Scenario): void {
    if (this.isSeeded()) return;
    const insertPerson = this.db.prepare(
      `INSERT INTO persons VALUES (@psn_no, @name, @certno, @gender, @birth_date, @insutype, @insuplc_admdvs, @balance_cents, @deductible_used_cents, @fund_used_cents)`,
    );
    const insertBill = this.db.prepare(
      `INSERT INTO bills VALUES (@chrg_bchno, @psn_no, @type, @category, @dept_name, @begntime, 'unpaid')`,
    );
    const insertItem = this.db.prepare(`INSERT INTO bill_items VALUES (?, ?, ?, ?, ?, ?, ?)`);
    this.db.transaction(() => {
      for (const p of scenario.patients) {
        insertPerson.run({
          psn_no: p.psn_no,
          name: p.name,
          certno: p.certno,
          gender: p.gender,
          birth_date: p.birth_date,
          insutype: p.insutype,
          insuplc_admdvs: p.insuplc_admdvs,
          balance_cents: yuanToCents(p.account_balance),
          deductible_used_cents: yuanToCents(p.deductible_used),
          fund_used_cents: yuanToCents(p.fund_used),
        });
      }
      for (const b of scenario.bills) {
        insertBill.run({
          chrg_bchno: b.chrg_bchno,
          psn_no: b.psn_no,
          type: b.type,
          category: b.category,
          dept_name: b.dept_name,
          begntime: b.begntime,
        });
        b.items.forEach((item, i) => {
          const price = yuanToCents(item.price);
          const amount = Math.round(price * item.count);
          insertItem.run(
            b.chrg_bchno,
            String(i + 1),
            item.name,
            item.class,
            price,
            item.count,
            amount,
          );
        });
      }
      const insertVoucher = this.db.prepare(`INSERT INTO ec_vouchers VALUES (?, ?)`);
      for (const p of scenario.patients) if (p.ec_qr) insertVoucher.run(p.ec_qr, p.psn_no);
      const insertCredit = this.db.prepare(`INSERT INTO credit VALUES (?, ?, 0)`);
      for (const p of scenario.patients) {
        if (p.credit_limit !== undefined) insertCredit.run(p.psn_no, yuanToCents(p.credit_limit));
      }
      // loadScenario refuses bindings naming unknown persons in a file; a scenario built in code
      // from the default one with fewer patients (scripts/bench.ts) keeps only what applies.
      const persons = new Set(scenario.patients.map((p) => p.psn_no));
      const family = scenario.family.filter(
        (f) => persons.has(f.psn_no) && persons.has(f.member_psn_no),
      );
      family.forEach((f, i) => {
        this.insertBinding({
          bind_id: `BS${String(i + 1).padStart(6, '0')}`,
          payer_psn_no: f.psn_no,
          member_psn_no: f.member_psn_no,
          relation: f.relation,
          verification: 'scenario',
          doc_type: '',
          doc_no: '',
          staff_id: '',
          bound_at: f.bound_at ?? '',
          msgid: null,
          response_json: '',
        });
      });
      this.db.prepare(`INSERT INTO meta VALUES ('seeded', ?)`).run(new Date().toISOString());
    })();
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

  person(psnNo: string): PersonRow | undefined {
    return this.db.prepare(`SELECT * FROM persons WHERE psn_no = ?`).get(psnNo) as
      PersonRow | undefined;
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

  settlementByMsgid(msgid: string): SettlementRow | undefined {
    return this.db.prepare(`SELECT * FROM settlements WHERE msgid = ?`).get(msgid) as
      SettlementRow | undefined;
  }

  settlementCount(): number {
    return (
      this.db.prepare(`SELECT COUNT(*) AS n FROM settlements WHERE status = 'settled'`).get() as {
        n: number;
      }
    ).n;
  }

  /**
   * Records a settlement atomically: the person's counters, the bill's status and the stored
   * response (returned verbatim to a retry with the same msgid) change together or not at all.
   */
  commitSettlement(args: {
    setlId: string;
    msgid: string;
    infno: string;
    chrgBchno: string;
    psnNo: string;
    after: { accountBalance: Cents; deductibleUsed: Cents; fundUsed: Cents };
    /** Family mutual aid: the payer's account pays `amount` (balance may not go below zero). */
    mutualAid?: { psnNo: string; amount: Cents };
    responseJson: string;
    at: string;
  }): void {
    this.db.transaction(() => {
      if (args.mutualAid && args.mutualAid.amount > 0) {
        const paid = this.db
          .prepare(
            `UPDATE persons SET balance_cents = balance_cents - ? WHERE psn_no = ? AND balance_cents >= ?`,
          )
          .run(args.mutualAid.amount, args.mutualAid.psnNo, args.mutualAid.amount);
        if (paid.changes !== 1) throw new Error('mutual-aid account balance is not enough');
      }
      this.db
        .prepare(
          `UPDATE persons SET balance_cents = ?, deductible_used_cents = ?, fund_used_cents = ? WHERE psn_no = ?`,
        )
        .run(args.after.accountBalance, args.after.deductibleUsed, args.after.fundUsed, args.psnNo);
      const updated = this.db
        .prepare(`UPDATE bills SET status = 'paid' WHERE chrg_bchno = ? AND status = 'unpaid'`)
        .run(args.chrgBchno);
      if (updated.changes !== 1) throw new Error('bill is not unpaid');
      this.db
        .prepare(`INSERT INTO settlements VALUES (?, ?, ?, ?, ?, ?, 'settled', ?)`)
        .run(
          args.setlId,
          args.msgid,
          args.infno,
          args.chrgBchno,
          args.psnNo,
          args.responseJson,
          args.at,
        );
    })();
  }

  /**
   * Group commit: state-changing work that arrives together runs in ONE transaction (one fsync),
   * each piece in its own savepoint so one refusal does not undo the others. The pieces still
   * run one after another inside it, each seeing the previous one's effects, so counters and
   * balances stay exact; only the disk flush is shared.
   */
  batch<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ work, resolve: resolve as (v: unknown) => void, reject });
      if (this.queue.length === 1) setImmediate(() => this.flush());
    });
  }

  private flush(): void {
    const jobs = this.queue.splice(0);
    const results: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      this.db.transaction(() => {
        for (const job of jobs) {
          try {
            results.push({ ok: true, value: this.db.transaction(job.work)() });
          } catch (error) {
            results.push({ ok: false, error });
          }
        }
      })();
    } catch (error) {
      jobs.forEach((job) => job.reject(error));
      return;
    }
    jobs.forEach((job, i) => {
      const r = results[i]!;
      if (r.ok) job.resolve(r.value);
      else job.reject(r.error);
    });
  }

  settlementById(setlId: string): SettlementRow | undefined {
    return this.db.prepare(`SELECT * FROM settlements WHERE setl_id = ?`).get(setlId) as
      SettlementRow | undefined;
  }

  reversalOf(origSetlId: string): { setl_id: string; response_json: string } | undefined {
    return this.db
      .prepare(`SELECT setl_id, response_json FROM reversals WHERE orig_setl_id = ?`)
      .get(origSetlId) as { setl_id: string; response_json: string } | undefined;
  }

  reversalByMsgid(msgid: string): { setl_id: string; response_json: string } | undefined {
    return this.db
      .prepare(`SELECT setl_id, response_json FROM reversals WHERE msgid = ?`)
      .get(msgid) as { setl_id: string; response_json: string } | undefined;
  }

  /**
   * Reverses a settlement atomically: the person's counters get back what it took, the bill is
   * unpaid again, and the reversal's answer is stored for a retry.
   */
  commitReversal(args: {
    orig: SettlementRow;
    setlId: string;
    msgid: string;
    give: { account: Cents; deductible: Cents; fund: Cents };
    /** Family mutual aid: what goes back to the payer's account. */
    giveMutualAid?: { psnNo: string; amount: Cents };
    responseJson: string;
    at: string;
  }): void {
    this.db.transaction(() => {
      if (args.giveMutualAid && args.giveMutualAid.amount > 0) {
        this.db
          .prepare(`UPDATE persons SET balance_cents = balance_cents + ? WHERE psn_no = ?`)
          .run(args.giveMutualAid.amount, args.giveMutualAid.psnNo);
      }
      this.db
        .prepare(
          `UPDATE persons SET balance_cents = balance_cents + ?, deductible_used_cents = MAX(0, deductible_used_cents - ?), fund_used_cents = MAX(0, fund_used_cents - ?) WHERE psn_no = ?`,
        )
        .run(args.give.account, args.give.deductible, args.give.fund, args.orig.psn_no);
      this.db
        .prepare(
          `UPDATE settlements SET status = 'reversed' WHERE setl_id = ? AND status = 'settled'`,
        )
        .run(args.orig.setl_id);
      this.db
        .prepare(`UPDATE bills SET status = 'unpaid' WHERE chrg_bchno = ?`)
        .run(args.orig.chrg_bchno);
      this.db
        .prepare(`INSERT INTO reversals VALUES (?, ?, ?, ?, ?)`)
        .run(args.orig.setl_id, args.setlId, args.msgid, args.responseJson, args.at);
    })();
  }

  /** Settled (not reversed) settlements whose time falls on the given dates (inclusive). */
  settledBetween(beginDate: string, endDate: string): SettlementRow[] {
    return this.db
      .prepare(
        `SELECT * FROM settlements WHERE status = 'settled' AND substr(created_at, 1, 10) BETWEEN ? AND ?`,
      )
      .all(beginDate, endDate) as SettlementRow[];
  }

  order(orderNo: string): OrderRow | undefined {
    return this.db.prepare(`SELECT * FROM orders WHERE order_no = ?`).get(orderNo) as
      OrderRow | undefined;
  }

  latestPendingOrder(): OrderRow | undefined {
    return this.db
      .prepare(
        `SELECT * FROM orders WHERE status = 'pending' ORDER BY created_ms DESC, rowid DESC LIMIT 1`,
      )
      .get() as OrderRow | undefined;
  }

  insertOrder(o: Omit<OrderRow, 'pay_time' | 'channel' | 'status'>): void {
    this.db
      .prepare(
        `INSERT INTO orders (order_no, psn_no, chrg_bchno, amount_cents, status, code_url, created_ms, expire_ms) VALUES (?, ?, ?, ?, 'pending', ?, ?, ?)`,
      )
      .run(
        o.order_no,
        o.psn_no,
        o.chrg_bchno,
        o.amount_cents,
        o.code_url,
        o.created_ms,
        o.expire_ms,
      );
  }

  /** Moves an order between states only from the expected one; false if it was elsewhere. */
  setOrderStatus(
    orderNo: string,
    from: OrderRow['status'][],
    to: OrderRow['status'],
    extra: { channel?: string; payTime?: string } = {},
  ): boolean {
    const placeholders = from.map(() => '?').join(', ');
    const r = this.db
      .prepare(
        `UPDATE orders SET status = ?, channel = COALESCE(?, channel), pay_time = COALESCE(?, pay_time) WHERE order_no = ? AND status IN (${placeholders})`,
      )
      .run(to, extra.channel ?? null, extra.payTime ?? null, orderNo, ...from);
    return r.changes === 1;
  }

  credit(psnNo: string): { limit_cents: number; used_cents: number } | undefined {
    return this.db
      .prepare(`SELECT limit_cents, used_cents FROM credit WHERE psn_no = ?`)
      .get(psnNo) as { limit_cents: number; used_cents: number } | undefined;
  }

  /** Draws on a credit line within its limit, and marks the order paid by credit, atomically. */
  drawCredit(psnNo: string, orderNo: string, amount: number, payTime: string): boolean {
    return this.db.transaction(() => {
      const r = this.db
        .prepare(
          `UPDATE credit SET used_cents = used_cents + ? WHERE psn_no = ? AND used_cents + ? <= limit_cents`,
        )
        .run(amount, psnNo, amount);
      if (r.changes !== 1) return false;
      if (!this.setOrderStatus(orderNo, ['pending'], 'paid', { channel: 'credit', payTime })) {
        throw new Error('order is not pending');
      }
      return true;
    })();
  }

  releaseCredit(psnNo: string, amount: number): void {
    this.db
      .prepare(`UPDATE credit SET used_cents = MAX(0, used_cents - ?) WHERE psn_no = ?`)
      .run(amount, psnNo);
  }

  // ---- family bindings

  insertBinding(b: Omit<BindingRow, 'unbound_at' | 'unbound_by'>): void {
    this.db
      .prepare(
        `INSERT INTO family_bindings (bind_id, payer_psn_no, member_psn_no, relation, verification, doc_type, doc_no, staff_id, bound_at, msgid, response_json)
         VALUES (@bind_id, @payer_psn_no, @member_psn_no, @relation, @verification, @doc_type, @doc_no, @staff_id, @bound_at, @msgid, @response_json)`,
      )
      .run(b);
  }

  binding(bindId: string): BindingRow | undefined {
    return this.db.prepare(`SELECT * FROM family_bindings WHERE bind_id = ?`).get(bindId) as
      BindingRow | undefined;
  }

  bindingByMsgid(msgid: string): BindingRow | undefined {
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
  liveBindingsOf(psnNo: string, side: 'payer' | 'member'): BindingRow[] {
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
  bindingsMadeIn(psnNo: string, side: 'payer' | 'member', month: string): number {
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

  nextSequence(name: string): number {
    return this.db.transaction(() => {
      const row = this.db.prepare(`SELECT value FROM meta WHERE key = ?`).get(`seq:${name}`) as
        { value: string } | undefined;
      const next = (row ? Number(row.value) : 0) + 1;
      this.db
        .prepare(
          `INSERT INTO meta VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
        )
        .run(`seq:${name}`, String(next));
      return next;
    })();
  }

  close(): void {
    this.db.close();
  }
}

export function rowCents(n: number): Cents {
  return cents(n);
}
