/**
 * The gateway simulator's durable state in SQLite, one module per domain under tables/: persons
 * and bills, settlements keyed by msgid (the idempotency key), payment orders and credit, family
 * bindings, and the channel's sign numbers and seen nonces. WAL with synchronous=FULL: a
 * settlement the simulator answered survives a crash of the simulator. State-changing calls run
 * through batch(), the group commit.
 */
import type Database from 'better-sqlite3';
import { openPrivateDatabase } from '../private-files.ts';
import { yuanToCents } from '../../core/money.ts';
import type { Scenario } from './scenario.ts';
import { channelSchema, NonceTable, SignInTable } from './tables/channel.ts';
import { FamilyTables, familySchema } from './tables/family.ts';
import { OrderTables, ordersSchema } from './tables/orders.ts';
import { PeopleTables, peopleSchema } from './tables/people.ts';
import { SettlementTables, settlementsSchema } from './tables/settlements.ts';
import { VisitTables, visitsSchema } from './tables/visits.ts';
import { DepositTables, depositsSchema } from './tables/deposits.ts';
import { ReversedMsgids, reversedMsgidsSchema } from './tables/reversed-msgids.ts';

export class SimulatorStore {
  readonly db: Database.Database;
  readonly people: PeopleTables;
  readonly settlements: SettlementTables;
  readonly orders: OrderTables;
  readonly family: FamilyTables;
  readonly visits: VisitTables;
  readonly deposits: DepositTables;
  readonly reversedMsgids: ReversedMsgids;
  readonly signIns: SignInTable;
  readonly nonces: NonceTable;
  /** The nonces' own connection (see NonceTable); the main one for an in-memory database. */
  private readonly nonceDb: Database.Database;
  private readonly queue: {
    work: () => unknown;
    resolve: (v: unknown) => void;
    reject: (e: unknown) => void;
  }[] = [];

  constructor(file: string) {
    this.db = openPrivateDatabase(file, { wal: true });
    this.db.pragma('synchronous = FULL');
    this.db.pragma('foreign_keys = ON');
    this.db.exec(`CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);`);
    this.db.exec(
      peopleSchema +
        settlementsSchema +
        ordersSchema +
        familySchema +
        channelSchema +
        visitsSchema +
        depositsSchema +
        reversedMsgidsSchema,
    );
    this.people = new PeopleTables(this.db);
    this.settlements = new SettlementTables(this.db);
    this.orders = new OrderTables(this.db);
    this.family = new FamilyTables(this.db);
    this.visits = new VisitTables(this.db);
    this.deposits = new DepositTables(this.db);
    this.reversedMsgids = new ReversedMsgids(this.db);
    this.signIns = new SignInTable(this.db);
    this.nonceDb = file === ':memory:' ? this.db : openPrivateDatabase(file);
    if (this.nonceDb !== this.db) this.nonceDb.pragma('synchronous = NORMAL');
    this.nonces = new NonceTable(this.nonceDb);
  }

  isSeeded(): boolean {
    return this.db.prepare(`SELECT value FROM meta WHERE key = 'seeded'`).get() !== undefined;
  }

  /** Loads a scenario into an empty store; a store that already has data keeps it (restarts). */
  seed(scenario: Scenario): void {
    if (this.isSeeded()) {
      this.seedVisits(scenario);
      this.seedDeposits(scenario);
      return;
    }
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
      for (const p of scenario.patients) {
        const basic = { insutype: p.insutype, psn_insu_stas: p.psn_insu_stas };
        for (const row of [basic, ...p.other_insurance])
          this.people.insertInsuranceRow(p.psn_no, row);
        if (p.ssc_no !== undefined) this.people.insertSocialSecurityCard(p.ssc_no, p.psn_no);
      }
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
        this.family.insert({
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
      this.seedVisits(scenario);
      this.seedDeposits(scenario);
    })();
  }

  /**
   * The deposits paid at the hospital's counter before the kiosk (scenario `deposits`), once per
   * store: a store seeded before deposits existed gains them for the visits it has.
   */
  private seedDeposits(scenario: Scenario): void {
    if (this.db.prepare(`SELECT 1 FROM meta WHERE key = 'seeded-deposits'`).get()) return;
    this.db.transaction(() => {
      scenario.deposits.forEach((d, i) => {
        const visit = this.visits.visit(d.mdtrt_id);
        if (!visit) return;
        this.deposits.insert({
          dpst_id: `DS${String(i + 1).padStart(8, '0')}`,
          mdtrt_id: d.mdtrt_id,
          psn_no: visit.psn_no,
          chrg_bchno: '',
          amount_cents: yuanToCents(d.amount),
          kind: 'deposit',
          status: 'available',
          msgid: null,
          order_no: '',
          response_json: '',
          created_at: d.paid_at,
        });
      });
      this.db
        .prepare(`INSERT INTO meta VALUES ('seeded-deposits', ?)`)
        .run(new Date().toISOString());
    })();
  }

  /**
   * The bills' visits, item codes and the fee details the hospital uploaded, once per store: a
   * store seeded before visits existed gains them for the bills it has.
   */
  private seedVisits(scenario: Scenario): void {
    if (this.db.prepare(`SELECT 1 FROM meta WHERE key = 'seeded-visits'`).get()) return;
    this.db.transaction(() => {
      for (const b of scenario.bills) {
        if (!this.people.bill(b.chrg_bchno)) continue;
        const v = b.visit;
        const person = this.people.person(b.psn_no)!;
        if (v.mdtrt_id !== undefined && !this.visits.visit(v.mdtrt_id)) {
          this.visits.insertVisit({
            mdtrt_id: v.mdtrt_id,
            psn_no: b.psn_no,
            insutype: person.insutype,
            ipt_otp_no: v.ipt_otp_no,
            dept_code: v.dept_code,
            begntime: b.begntime,
            registered_by: 'hospital',
            msgid: null,
            response_json: '',
          });
        }
        this.visits.insertBillVisit({
          chrg_bchno: b.chrg_bchno,
          mdtrt_id: v.mdtrt_id ?? '',
          ipt_otp_no: v.ipt_otp_no,
          dept_code: v.dept_code,
          caty: v.caty,
          atddr_no: v.atddr_no,
          dr_name: v.dr_name,
        });
        b.items.forEach((item, i) =>
          this.visits.insertItemCode(
            b.chrg_bchno,
            String(i + 1),
            item.med_list_codg,
            item.medins_list_codg,
          ),
        );
        if (v.fees_uploaded && v.mdtrt_id !== undefined) {
          this.visits.insertUpload({
            chrg_bchno: b.chrg_bchno,
            mdtrt_id: v.mdtrt_id,
            uploaded_by: 'hospital',
            detail_json: '',
            result_json: '',
            at: b.begntime,
          });
        }
      }
      this.db.prepare(`INSERT INTO meta VALUES ('seeded-visits', ?)`).run(new Date().toISOString());
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
    if (this.nonceDb !== this.db) this.nonceDb.close();
    this.db.close();
  }
}
