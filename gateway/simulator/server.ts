/**
 * The gateway simulator: a real HTTP server on loopback speaking the gateway protocol, backed by
 * SQLite. It verifies every signature, validates every input, computes splits with the policy
 * engine and treats msgid as the idempotency key of 2207.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../../core/domain.ts';
import { centsToYuan, cents, type Cents, yuanToCents } from '../../core/money.ts';
import {
  FAMILY_RULES,
  ageOn,
  bindingQuota,
  canPayForMember,
  checkBinding,
  localMonth,
  refusalText,
} from '../../core/family.ts';
import {
  type RequestEnvelope,
  type ResponseEnvelope,
  type TxInput,
  type TxOutput,
  formatInTimeZone,
  isTransactionCode,
  requestEnvelopeSchema,
  transactions,
} from '../protocol.ts';
import { NonceCache, verifyRequest } from '../signing.ts';
import { computeSplit, type Policy, type PolicyVisit, withMutualAid } from './policy.ts';
import { type Scenario, scenarioPolicy } from './scenario.ts';
import {
  SimulatorStore,
  type BillRow,
  type BindingRow,
  type OrderRow,
  type PersonRow,
} from './store.ts';
import { z } from 'zod';

export const faultKinds = [
  'latency',
  'http-500',
  'reset-before-commit',
  'reset-after-commit',
  'timeout-after-commit',
  'duplicate-delivery',
  'malformed-body',
  'inconsistent-body',
] as const;
export type FaultKind = (typeof faultKinds)[number];
export const faultSchema = z.object({
  /** A transaction code, or "*" for any. */
  infno: z.string().regex(/^(\*|[A-Z0-9]{4})$/),
  kind: z.enum(faultKinds),
  /** How many calls it affects (default 1). */
  times: z.number().int().min(1).max(1000).optional(),
  /** For latency and timeout-after-commit. */
  latencyMs: z.number().int().min(0).max(120_000).optional(),
});
export type Fault = z.infer<typeof faultSchema>;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A body that parses but whose split no longer adds up: the client must refuse it. */
function makeInconsistent(output: Record<string, unknown>): Record<string, unknown> {
  const setlinfo = output.setlinfo as Record<string, unknown> | undefined;
  if (!setlinfo || typeof setlinfo.psn_cash_pay !== 'number')
    return { ...output, unexpected: true, order: null };
  return {
    ...output,
    setlinfo: { ...setlinfo, psn_cash_pay: Math.round(setlinfo.psn_cash_pay * 100 + 1) / 100 },
  };
}

const MAX_BODY_BYTES = 1_000_000;

export class GatewayRejection extends Error {
  override readonly name = 'GatewayRejection';
}

export interface GatewaySimulatorOptions {
  scenario: Scenario;
  /** SQLite file; ":memory:" keeps nothing across restarts. */
  databaseFile: string;
  clients: Record<string, string>;
  clock: Clock;
  /** Enables the /control/ routes (faults, wallet payments) for this header value. */
  controlToken?: string;
}

const visitOf: Record<BillRow['type'], PolicyVisit | 'deposit'> = {
  outpatient: 'outpatient',
  emergency: 'emergency',
  inpatient_deposit: 'deposit',
  inpatient_discharge: 'inpatient',
};
const medTypeOf: Record<BillRow['type'], string> = {
  outpatient: '11',
  emergency: '13',
  inpatient_deposit: '21',
  inpatient_discharge: '21',
};
const classToLevel = { A: '01', B: '02', C: '03' } as const;
/** Wire bill categories to the domain's, for the shared family rules in core/family.ts. */
const categoryOf = {
  regular: 'regular',
  chronic: 'chronic',
  maternity: 'maternity',
  work_injury: 'work-injury',
} as const satisfies Record<BillRow['category'], string>;

export class GatewaySimulator {
  readonly store: SimulatorStore;
  private readonly policy: Policy;
  private readonly nonces = new NonceCache();
  private readonly faults: Fault[] = [];
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private port = 0;

  constructor(private readonly options: GatewaySimulatorOptions) {
    this.store = new SimulatorStore(options.databaseFile);
    this.store.seed(options.scenario);
    this.policy = scenarioPolicy(options.scenario);
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  get listening(): boolean {
    return this.server?.listening ?? false;
  }

  /** Listens on 127.0.0.1 only. Port 0 picks a free port; after a stop, start() reuses the port. */
  async start(port = this.port): Promise<string> {
    if (this.server?.listening) return this.url;
    const server = createServer((req, res) => void this.handle(req, res));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    const address = server.address();
    if (address && typeof address === 'object') this.port = address.port;
    this.server = server;
    return this.url;
  }

  /** Stops listening and drops open connections (an outage, as the kiosk sees it). */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  async close(): Promise<void> {
    await this.stop();
    this.store.close();
  }

  /** Arms a fault for the next `times` calls of one transaction (see FaultKind). */
  injectFault(fault: Fault): void {
    this.faults.push({ ...fault, times: fault.times ?? 1 });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Testers: every pending mobile order runs out of time now (the patient never paid). */
  expirePendingOrders(): number {
    return this.store.db.prepare(`UPDATE orders SET expire_ms = 0 WHERE status = 'pending'`).run()
      .changes;
  }

  /** The simulated patient pays a pending mobile order from their phone wallet. */
  payOrder(
    orderNo: string,
    channel: 'wechat' | 'alipay' | 'unionpay' = 'wechat',
  ): OrderRow['status'] {
    this.expireOrders();
    const order = this.store.order(orderNo);
    if (!order) throw new GatewayRejection('order not found');
    const time = this.timeText();
    if (this.store.setOrderStatus(orderNo, ['pending'], 'paid', { channel, payTime: time }))
      return 'paid';
    if (order.status === 'cancelled' || order.status === 'expired') {
      // The wallet took the money after the kiosk gave up: the platform refunds it at once.
      this.store.setOrderStatus(orderNo, [order.status], 'refunded', { channel, payTime: time });
      return 'refunded';
    }
    return order.status;
  }

  private timeText(): string {
    return formatInTimeZone(this.options.clock.now(), this.options.scenario.hospital.timezone)
      .dateTime;
  }

  private takeFault(infno: string): Fault | undefined {
    const i = this.faults.findIndex((f) => f.infno === infno || f.infno === '*');
    if (i < 0) return undefined;
    const fault = this.faults[i]!;
    fault.times = (fault.times ?? 1) - 1;
    if (fault.times <= 0) this.faults.splice(i, 1);
    return fault;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const now = this.options.clock.now();
    const match = /^\/api\/([A-Z0-9]{4})$/.exec(req.url ?? '');
    if (req.method === 'GET' && req.url === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      return;
    }
    if (req.url?.startsWith('/control/')) {
      await this.control(req, res);
      return;
    }
    if (req.method !== 'POST' || !match) {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
      return;
    }
    let body: string;
    try {
      body = await readBody(req);
    } catch {
      res.writeHead(413).end();
      return;
    }
    const send = (text: string) => {
      res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' }).end(text);
    };
    const reply = (envelope: ResponseEnvelope) => send(JSON.stringify(envelope));
    const time = formatInTimeZone(now, this.options.scenario.hospital.timezone).dateTime;
    const fail = (message: string) =>
      reply({
        infcode: -1,
        inf_refmsgid: this.refMsgid(now),
        refmsg_time: time,
        respond_time: time,
        err_msg: message,
        output: null,
      });

    const check = verifyRequest(
      req.headers,
      body,
      (id) => this.options.clients[id],
      now.getTime(),
      this.nonces,
    );
    if (!check.ok) {
      fail(`signature rejected: ${check.reason}`);
      return;
    }
    let envelope: RequestEnvelope;
    try {
      envelope = requestEnvelopeSchema.parse(JSON.parse(body));
    } catch {
      fail('malformed request envelope');
      return;
    }
    if (envelope.infno !== match[1]) {
      fail('infno does not match the request path');
      return;
    }
    const fault = this.takeFault(envelope.infno);
    if (fault?.kind === 'latency') await sleep(fault.latencyMs ?? 1000);
    if (fault?.kind === 'http-500') {
      res.writeHead(500, { 'content-type': 'text/plain' }).end('simulated server error');
      return;
    }
    if (fault?.kind === 'reset-before-commit') {
      req.socket.destroy();
      return;
    }
    let output: Record<string, unknown>;
    try {
      output = await this.run(envelope, time);
      if (fault?.kind === 'duplicate-delivery') output = await this.run(envelope, time);
    } catch (error) {
      if (error instanceof GatewayRejection) fail(error.message);
      else {
        console.error(
          'gateway simulator: internal error',
          error instanceof Error ? error.message : error,
        );
        fail('internal error');
      }
      return;
    }
    if (fault?.kind === 'reset-after-commit') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'timeout-after-commit') await sleep(fault.latencyMs ?? 15_000);
    if (fault?.kind === 'inconsistent-body') output = makeInconsistent(output);
    const envelopeOut: ResponseEnvelope = {
      infcode: 0,
      inf_refmsgid: this.refMsgid(now),
      refmsg_time: envelope.inf_time,
      respond_time: time,
      err_msg: null,
      output,
    };
    if (fault?.kind === 'malformed-body') send(JSON.stringify(envelopeOut).slice(0, 40));
    else reply(envelopeOut);
  }

  /** Test and tester control: faults, wallet payments, state. Needs the control token. */
  private async control(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const json = (status: number, body: unknown) =>
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    const token = this.options.controlToken;
    const given = req.headers['x-sim-control'];
    if (!token || typeof given !== 'string' || given !== token) {
      json(403, { error: 'control token required' });
      return;
    }
    try {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const body =
        req.method === 'POST' ? (JSON.parse((await readBody(req)) || '{}') as unknown) : {};
      const pay = /^\/control\/orders\/([A-Za-z0-9]{8,40})\/pay$/.exec(url.pathname);
      if (req.method === 'POST' && url.pathname === '/control/faults') {
        this.injectFault(faultSchema.parse(body));
        json(200, { faults: this.faults });
      } else if (req.method === 'DELETE' && url.pathname === '/control/faults') {
        this.clearFaults();
        json(200, { faults: [] });
      } else if (req.method === 'POST' && pay) {
        const channel = z
          .object({ channel: z.enum(['wechat', 'alipay', 'unionpay']).default('wechat') })
          .parse(body).channel;
        json(200, { status: this.payOrder(pay[1]!, channel) });
      } else if (req.method === 'GET' && url.pathname === '/control/state') {
        json(200, { settlements: this.store.settlementCount(), faults: this.faults });
      } else json(404, { error: 'unknown control route' });
    } catch (error) {
      json(400, { error: error instanceof Error ? error.message.slice(0, 200) : 'bad request' });
    }
  }

  private refMsgid(now: Date): string {
    return `GW${formatInTimeZone(now, this.options.scenario.hospital.timezone).compact}${randomBytes(4).toString('hex')}`;
  }

  /** State-changing calls go through the store's group commit; reads run directly. */
  private run(envelope: RequestEnvelope, time: string): Promise<Record<string, unknown>> {
    const code = envelope.infno;
    if (isTransactionCode(code) && transactions[code].changesState) {
      return this.store.batch(() => this.dispatch(envelope, time));
    }
    return Promise.resolve().then(() => this.dispatch(envelope, time));
  }

  private dispatch(envelope: RequestEnvelope, time: string): Record<string, unknown> {
    const code = envelope.infno;
    if (!isTransactionCode(code)) throw new GatewayRejection(`unsupported infno ${code}`);
    if (envelope.fixmedins_code !== this.options.scenario.hospital.fixmedins_code) {
      throw new GatewayRejection('unknown fixmedins_code');
    }
    const parsed = transactions[code].input.safeParse(envelope.input);
    if (!parsed.success) throw new GatewayRejection(`invalid input for ${code}`);
    const input = parsed.data;
    switch (code) {
      case '9001':
        return this.signIn(time);
      case '1101':
        return this.personInfo(input as TxInput<'1101'>);
      case 'K101':
        return this.unpaidBills(input as TxInput<'K101'>);
      case '2206':
        return this.settle(input as TxInput<'2206'>, envelope, time, false);
      case '2207':
        return this.settle(input as TxInput<'2207'>, envelope, time, true);
      case '2208':
        return this.reverse(input as TxInput<'2208'>, envelope, time);
      case '3201':
        return this.reconcile(input as TxInput<'3201'>);
      case 'K102':
        return this.query(input as TxInput<'K102'>);
      case 'K201':
        return this.createOrder(input as TxInput<'K201'>);
      case 'K202':
        return this.orderOutput(this.requireOrder((input as TxInput<'K202'>).data.order_no));
      case 'K203':
        return this.cancelOrder(input as TxInput<'K203'>);
      case 'K204':
        return this.refundOrder(input as TxInput<'K204'>);
      case 'K205':
        return this.walletCodePay(input as TxInput<'K205'>, time);
      case 'K301':
        return this.creditQuery(input as TxInput<'K301'>);
      case 'K302':
        return this.creditAuthorise(input as TxInput<'K302'>, time);
      case 'K401':
        return { recorded: true };
      case 'K501':
        return this.gallerySync(input as TxInput<'K501'>);
      case 'K601':
        return this.familyList(input as TxInput<'K601'>);
      case 'K602':
        return this.familyBind(input as TxInput<'K602'>, envelope);
      case 'K603':
        return this.familyUnbind(input as TxInput<'K603'>);
      case 'K604':
        return this.familyQuota(input as TxInput<'K604'>);
    }
  }

  private gallerySync(input: TxInput<'K501'>): TxOutput<'K501'> {
    const persons = this.options.scenario.patients
      .filter((p) => p.face_photos.length > 0)
      .map((p) => ({ psn_no: p.psn_no, certno: p.certno, face_images: p.face_photos }));
    const version = createHash('sha256').update(JSON.stringify(persons)).digest('hex').slice(0, 32);
    const changed = input.data.since_version !== version;
    return { gallery: { version, changed, persons: changed ? persons : [] } };
  }

  private expireOrders(): void {
    const nowMs = this.options.clock.now().getTime();
    this.store.db
      .prepare(`UPDATE orders SET status = 'expired' WHERE status = 'pending' AND expire_ms <= ?`)
      .run(nowMs);
  }

  private requireOrder(orderNo: string): OrderRow {
    this.expireOrders();
    const order = this.store.order(orderNo);
    if (!order) throw new GatewayRejection('order not found');
    return order;
  }

  private orderOutput(o: OrderRow): TxOutput<'K202'> {
    return {
      order: {
        order_no: o.order_no,
        amount: centsToYuan(cents(o.amount_cents)),
        status: o.status,
        code_url: o.code_url,
        expire_time: formatInTimeZone(
          new Date(o.expire_ms),
          this.options.scenario.hospital.timezone,
        ).dateTime,
        pay_time: o.pay_time,
        channel: o.channel as TxOutput<'K202'>['order']['channel'],
      },
    };
  }

  private createOrder(input: TxInput<'K201'>): TxOutput<'K201'> {
    const d = input.data;
    const existing = this.store.order(d.order_no);
    if (existing) {
      // Idempotent: the same order_no returns the same order.
      if (existing.chrg_bchno !== d.chrg_bchno || existing.amount_cents !== yuanToCents(d.amount)) {
        throw new GatewayRejection('order_no already used for another payment');
      }
      return this.orderOutput(this.requireOrder(d.order_no));
    }
    const bill = this.store.bill(d.chrg_bchno);
    if (!bill || !this.store.person(d.psn_no))
      throw new GatewayRejection('bill or person not found');
    if (bill.status !== 'unpaid') throw new GatewayRejection('bill is already settled');
    const amount = yuanToCents(d.amount);
    if (amount <= 0) throw new GatewayRejection('amount must be positive');
    const nowMs = this.options.clock.now().getTime();
    this.store.insertOrder({
      order_no: d.order_no,
      psn_no: d.psn_no,
      chrg_bchno: d.chrg_bchno,
      amount_cents: amount,
      code_url: `https://pay.example/q/${d.order_no}`,
      created_ms: nowMs,
      expire_ms: nowMs + this.options.scenario.payment.order_ttl_seconds * 1000,
    });
    return this.orderOutput(this.requireOrder(d.order_no));
  }

  private cancelOrder(input: TxInput<'K203'>): TxOutput<'K203'> {
    const order = this.requireOrder(input.data.order_no);
    this.store.setOrderStatus(order.order_no, ['pending'], 'cancelled');
    // A paid order is not cancelled: the answer says "paid" and the kiosk must refund or use it.
    return this.orderOutput(this.requireOrder(order.order_no));
  }

  private refundOrder(input: TxInput<'K204'>): TxOutput<'K204'> {
    const order = this.requireOrder(input.data.order_no);
    if (order.status === 'pending')
      this.store.setOrderStatus(order.order_no, ['pending'], 'cancelled');
    if (order.status === 'paid') {
      this.store.setOrderStatus(order.order_no, ['paid'], 'refunded');
      if (order.channel === 'credit') this.store.releaseCredit(order.psn_no, order.amount_cents);
    }
    return this.orderOutput(this.requireOrder(order.order_no));
  }

  private walletCodePay(input: TxInput<'K205'>, time: string): TxOutput<'K205'> {
    const order = this.requireOrder(input.data.order_no);
    if (order.status === 'pending') {
      const first = input.data.auth_code.slice(0, 2);
      const channel = first === '62' ? 'unionpay' : Number(first) >= 25 ? 'alipay' : 'wechat';
      this.store.setOrderStatus(order.order_no, ['pending'], 'paid', { channel, payTime: time });
    }
    return this.orderOutput(this.requireOrder(order.order_no));
  }

  private creditQuery(input: TxInput<'K301'>): TxOutput<'K301'> {
    if (!this.store.person(input.data.psn_no)) throw new GatewayRejection('person not found');
    const line = this.store.credit(input.data.psn_no);
    const repay = new Date(
      this.options.clock.now().getTime() +
        this.options.scenario.payment.credit_repay_days * 86_400_000,
    );
    return {
      credit: {
        eligible: line !== undefined,
        limit: centsToYuan(cents(line?.limit_cents ?? 0)),
        available: centsToYuan(cents(line ? line.limit_cents - line.used_cents : 0)),
        repay_date: formatInTimeZone(repay, this.options.scenario.hospital.timezone).date,
      },
    };
  }

  private creditAuthorise(input: TxInput<'K302'>, time: string): TxOutput<'K302'> {
    const d = input.data;
    const order = this.requireOrder(d.order_no);
    if (order.psn_no !== d.psn_no || order.amount_cents !== yuanToCents(d.amount)) {
      throw new GatewayRejection('credit request does not match the order');
    }
    if (order.status === 'pending') {
      if (!this.store.credit(d.psn_no))
        throw new GatewayRejection('no credit line for this person');
      if (!this.store.drawCredit(d.psn_no, d.order_no, order.amount_cents, time)) {
        throw new GatewayRejection('credit limit is not enough');
      }
    }
    return this.orderOutput(this.requireOrder(d.order_no));
  }

  private query(input: TxInput<'K102'>): TxOutput<'K102'> {
    const msgid = input.data.msgid;
    const s = this.store.settlementByMsgid(msgid);
    if (s) {
      return {
        txn: {
          found: true,
          infno: s.infno,
          status: s.status === 'reversed' ? 'reversed' : 'settled',
          setl_id: s.setl_id,
          response: JSON.parse(s.response_json) as Record<string, unknown>,
        },
      };
    }
    const r = this.store.reversalByMsgid(msgid);
    if (r) {
      return {
        txn: {
          found: true,
          infno: '2208',
          status: 'reversed',
          setl_id: r.setl_id,
          response: JSON.parse(r.response_json) as Record<string, unknown>,
        },
      };
    }
    return { txn: { found: false, infno: '', status: 'none', setl_id: '', response: null } };
  }

  private reverse(
    input: TxInput<'2208'>,
    envelope: RequestEnvelope,
    time: string,
  ): TxOutput<'2208'> {
    const d = input.data;
    const done = this.store.reversalOf(d.setl_id);
    if (done) return JSON.parse(done.response_json) as TxOutput<'2208'>;
    const orig = this.store.settlementById(d.setl_id);
    if (!orig || orig.psn_no !== d.psn_no || orig.chrg_bchno !== d.chrg_bchno) {
      throw new GatewayRejection('settlement not found for this person and bill');
    }
    const setl = (JSON.parse(orig.response_json) as TxOutput<'2207'>).setlinfo;
    const setlId = `R${time.replace(/\D/g, '').slice(0, 8)}${String(this.store.nextSequence('setl')).padStart(8, '0')}`;
    const output: TxOutput<'2208'> = {
      setlinfo: {
        setl_id: setlId,
        orig_setl_id: orig.setl_id,
        setl_time: time,
        medfee_sumamt: setl.medfee_sumamt,
        fund_pay_sumamt: setl.fund_pay_sumamt,
        acct_pay: setl.acct_pay,
        acct_mulaid_pay: setl.acct_mulaid_pay,
        psn_cash_pay: setl.psn_cash_pay,
      },
    };
    this.store.commitReversal({
      orig,
      setlId,
      msgid: envelope.msgid,
      give: {
        account: yuanToCents(setl.acct_pay),
        deductible: yuanToCents(setl.act_pay_dedc),
        fund: yuanToCents(setl.fund_pay_sumamt),
      },
      ...(setl.acct_mulaid_psn_no
        ? {
            giveMutualAid: {
              psnNo: setl.acct_mulaid_psn_no,
              amount: yuanToCents(setl.acct_mulaid_pay),
            },
          }
        : {}),
      responseJson: JSON.stringify(output),
      at: time,
    });
    return output;
  }

  private reconcile(input: TxInput<'3201'>): TxOutput<'3201'> {
    const d = input.data;
    const rows = this.store.settledBetween(d.stmt_begndate, d.stmt_enddate);
    let medfee = 0;
    let fund = 0;
    let acct = 0;
    let cash = 0;
    for (const row of rows) {
      const s = (JSON.parse(row.response_json) as TxOutput<'2207'>).setlinfo;
      medfee += yuanToCents(s.medfee_sumamt);
      fund += yuanToCents(s.fund_pay_sumamt);
      acct += yuanToCents(s.acct_pay) + yuanToCents(s.acct_mulaid_pay);
      cash += yuanToCents(s.psn_cash_pay);
    }
    const ours = {
      medfee_sumamt: centsToYuan(cents(medfee)),
      fund_pay_sumamt: centsToYuan(cents(fund)),
      acct_pay: centsToYuan(cents(acct)),
      psn_cash_pay: centsToYuan(cents(cash)),
      fixmedins_setl_cnt: rows.length,
    };
    const differences = (Object.keys(ours) as (keyof typeof ours)[]).filter((k) =>
      k === 'fixmedins_setl_cnt' ? ours[k] !== d[k] : yuanToCents(ours[k]) !== yuanToCents(d[k]),
    );
    return {
      stmtinfo: {
        setl_optins: d.setl_optins,
        stmt_rslt: differences.length === 0 ? '0' : '1',
        stmt_rslt_dscr:
          differences.length === 0 ? 'totals agree' : `differs in ${differences.join(', ')}`,
        ...ours,
      },
    };
  }

  private signIn(time: string): TxOutput<'9001'> {
    return {
      signinoutb: {
        sign_time: time,
        sign_no: `SN${String(this.store.nextSequence('sign')).padStart(10, '0')}`,
      },
    };
  }

  private personInfo(input: TxInput<'1101'>): TxOutput<'1101'> {
    const { mdtrt_cert_type, mdtrt_cert_no } = input.data;
    // 01: e-voucher QR (decoded here, as the platform's ecQrCode decode would); 02: ID number.
    if (mdtrt_cert_type === '03')
      throw new GatewayRejection('social security cards are not read at this kiosk');
    const p =
      mdtrt_cert_type === '01'
        ? this.store.personByVoucher(mdtrt_cert_no)
        : this.store.personByCertno(mdtrt_cert_no);
    if (!p) throw new GatewayRejection('person not found');
    const today = formatInTimeZone(
      this.options.clock.now(),
      this.options.scenario.hospital.timezone,
    ).date;
    return {
      baseinfo: {
        psn_no: p.psn_no,
        psn_cert_type: '01',
        certno: p.certno,
        psn_name: p.name,
        gend: p.gender,
        brdy: p.birth_date,
        age: ageOn(p.birth_date, today),
      },
      insuinfo: [
        {
          balc: centsToYuan(cents(p.balance_cents)),
          insutype: p.insutype,
          psn_type: '11',
          insuplc_admdvs: p.insuplc_admdvs,
          psn_insu_stas: '1',
        },
      ],
    };
  }

  private unpaidBills(input: TxInput<'K101'>): TxOutput<'K101'> {
    if (!this.store.person(input.data.psn_no)) throw new GatewayRejection('person not found');
    return {
      bills: this.store.unpaidBills(input.data.psn_no).map((b) => {
        const items = this.store.items(b.chrg_bchno);
        return {
          chrg_bchno: b.chrg_bchno,
          med_type: medTypeOf[b.type],
          kiosk_bill_type: b.type,
          bill_ctgy: b.category,
          dept_name: b.dept_name,
          begntime: b.begntime,
          medfee_sumamt: centsToYuan(cents(items.reduce((a, i) => a + i.amount_cents, 0))),
          feedetail: items.map((i) => ({
            feedetl_sn: i.sn,
            medins_list_name: i.name,
            chrgitm_lv: classToLevel[i.item_class],
            pric: centsToYuan(cents(i.price_cents)),
            cnt: i.count,
            det_item_fee_sumamt: centsToYuan(cents(i.amount_cents)),
          })),
        };
      }),
    };
  }

  private settle(
    input: TxInput<'2206'>,
    envelope: RequestEnvelope,
    time: string,
    commit: boolean,
  ): Record<string, unknown> {
    const d = input.data;
    if (commit) {
      const previous = this.store.settlementByMsgid(envelope.msgid);
      if (previous) {
        // Idempotency: a retried 2207 gets the first answer and settles nothing new.
        if (previous.chrg_bchno !== d.chrg_bchno)
          throw new GatewayRejection('msgid already used for another bill');
        return JSON.parse(previous.response_json) as Record<string, unknown>;
      }
    }
    const person = this.store.person(d.psn_no);
    // Mutual aid (family accounts): the certificate is the payer's, who is at the kiosk.
    const payer =
      d.acct_mulaid_psn_no === undefined ? undefined : this.store.person(d.acct_mulaid_psn_no);
    const certHolder = d.acct_mulaid_psn_no === undefined ? person : payer;
    if (!person || !certHolder) {
      throw new GatewayRejection('person not found or certificate does not match');
    }
    if (d.mdtrt_cert_type === '02' && certHolder.certno !== d.mdtrt_cert_no) {
      throw new GatewayRejection('person not found or certificate does not match');
    }
    if (
      payer &&
      (payer.psn_no === person.psn_no || !this.store.liveBinding(payer.psn_no, person.psn_no))
    ) {
      throw new GatewayRejection(
        refusalText({
          rule: 'not-bound',
          message:
            'the payer has not bound this person as a family member, so their account cannot pay this bill',
        }),
      );
    }
    const bill = this.store.bill(d.chrg_bchno);
    if (!bill || bill.psn_no !== person.psn_no)
      throw new GatewayRejection('bill not found for this person');
    if (bill.status !== 'unpaid') throw new GatewayRejection('bill is already settled');
    if (payer) {
      const allowed = canPayForMember(categoryOf[bill.category]);
      if (!allowed.ok) throw new GatewayRejection(refusalText(allowed));
    }
    if (d.insutype !== person.insutype) throw new GatewayRejection('insurance type does not match');
    const items = this.store.items(bill.chrg_bchno);
    const total = items.reduce((a, i) => a + i.amount_cents, 0);
    if (yuanToCents(d.medfee_sumamt) !== total)
      throw new GatewayRejection('medfee_sumamt does not match the bill');
    const useAccount = d.acct_used_flag === '1';
    const memberSplit = computeSplit(
      this.policy,
      person.insutype,
      visitOf[bill.type],
      items.map((i) => ({ itemClass: i.item_class, amount: cents(i.amount_cents) })),
      {
        accountBalance: cents(person.balance_cents),
        deductibleUsed: cents(person.deductible_used_cents),
        fundUsed: cents(person.fund_used_cents),
      },
      // With mutual aid the member's own account is not used (docs/family.md).
      useAccount && !payer,
    );
    // A deposit is a cash prepayment: no account pays it, the payer's included.
    const aid = payer
      ? withMutualAid(
          memberSplit,
          cents(payer.balance_cents),
          useAccount && visitOf[bill.type] !== 'deposit',
        )
      : undefined;
    const split = aid?.split ?? memberSplit;
    const y = (c: Cents) => centsToYuan(c);
    const setlinfo = {
      psn_no: person.psn_no,
      medfee_sumamt: y(split.total),
      fulamt_ownpay_amt: y(split.fullOwnPay),
      preselfpay_amt: y(split.preSelfPay),
      inscp_scp_amt: y(split.inScope),
      act_pay_dedc: y(split.deductiblePaid),
      hifp_pay: y(split.poolFund),
      pool_prop_selfpay: y(split.poolSelfPay),
      overlmt_selfpay: y(split.overCap),
      fund_pay_sumamt: y(split.fund),
      psn_part_amt: y(split.personalPart),
      acct_pay: y(split.account),
      acct_mulaid_pay: y(split.mutualAid),
      psn_cash_pay: y(split.cash),
      balc: y(split.after.accountBalance),
      ...(payer && aid
        ? { acct_mulaid_psn_no: payer.psn_no, mulaid_balc: y(aid.payerBalanceAfter) }
        : {}),
    };
    if (!commit) return { setlinfo };
    const setlId = `S${time.replace(/\D/g, '').slice(0, 8)}${String(this.store.nextSequence('setl')).padStart(8, '0')}`;
    const output = { setlinfo: { ...setlinfo, setl_id: setlId, setl_time: time } };
    this.store.commitSettlement({
      setlId,
      msgid: envelope.msgid,
      infno: envelope.infno,
      chrgBchno: bill.chrg_bchno,
      psnNo: person.psn_no,
      after: split.after,
      ...(payer ? { mutualAid: { psnNo: payer.psn_no, amount: split.mutualAid } } : {}),
      responseJson: JSON.stringify(output),
      at: time,
    });
    return output;
  }

  // ---- K601-K604 family accounts. The rules are core/family.ts's, shared with the kiosk.

  private requirePerson(psnNo: string): PersonRow {
    const p = this.store.person(psnNo);
    if (!p) throw new GatewayRejection('person not found');
    return p;
  }

  private familyParty(b: Pick<BindingRow, 'bind_id' | 'relation' | 'bound_at'>, other: PersonRow) {
    return {
      bind_id: b.bind_id,
      psn_no: other.psn_no,
      psn_name: other.name,
      brdy: other.birth_date,
      relation: b.relation,
      bound_at: b.bound_at,
    };
  }

  private familyList(input: TxInput<'K601'>): TxOutput<'K601'> {
    const psnNo = this.requirePerson(input.data.psn_no).psn_no;
    return {
      members: this.store.liveBindingsOf(psnNo, 'payer').map((b) => {
        const m = this.requirePerson(b.member_psn_no);
        return {
          ...this.familyParty(b, m),
          insutype: m.insutype,
          insuplc_admdvs: m.insuplc_admdvs,
          unpaid_cnt: this.store.unpaidBills(m.psn_no).length,
        };
      }),
      bound_by: this.store
        .liveBindingsOf(psnNo, 'member')
        .map((b) => this.familyParty(b, this.requirePerson(b.payer_psn_no))),
    };
  }

  private quota(psnNo: string, now: Date): TxOutput<'K604'>['quota'] {
    const tz = this.options.scenario.hospital.timezone;
    const month = localMonth(now, tz);
    const q = bindingQuota(this.store.bindingsMadeIn(psnNo, 'payer', month), now, tz);
    const memberUsed = this.store.bindingsMadeIn(psnNo, 'member', month);
    const memberLimit = FAMILY_RULES.maxBindingsPerMemberPerMonth;
    return {
      month: q.month,
      bind_limit: q.limit,
      bind_used: q.used,
      bind_remaining: q.remaining,
      member_limit: memberLimit,
      member_used: memberUsed,
      member_remaining: Math.max(0, memberLimit - memberUsed),
      resets_on: q.resetsOn,
    };
  }

  private familyQuota(input: TxInput<'K604'>): TxOutput<'K604'> {
    const psnNo = this.requirePerson(input.data.psn_no).psn_no;
    return { quota: this.quota(psnNo, this.options.clock.now()) };
  }

  /**
   * Runs inside the store's group commit, so counting this month's bindings and inserting the
   * new one cannot interleave with another bind: the limits hold under concurrent kiosks.
   */
  private familyBind(input: TxInput<'K602'>, envelope: RequestEnvelope): TxOutput<'K602'> {
    const d = input.data;
    const previous = this.store.bindingByMsgid(envelope.msgid);
    if (previous) {
      // Idempotency: a retried K602 (same msgid) gets the first answer and binds nothing new.
      if (previous.payer_psn_no !== d.psn_no)
        throw new GatewayRejection('msgid already used for another binding');
      return JSON.parse(previous.response_json) as TxOutput<'K602'>;
    }
    const payer = this.requirePerson(d.psn_no);
    const member = this.store.personByCertno(d.member_certno);
    if (!member) throw new GatewayRejection('family member not found');
    const now = this.options.clock.now();
    const tz = this.options.scenario.hospital.timezone;
    const at = formatInTimeZone(now, tz).dateTime;
    const month = localMonth(now, tz);
    const v = d.verification;
    const refusal = checkBinding({
      payerPersonNo: payer.psn_no,
      memberPersonNo: member.psn_no,
      memberBirthDate: member.birth_date,
      memberIdNumber: member.certno,
      alreadyBound: this.store.liveBinding(payer.psn_no, member.psn_no) !== undefined,
      payerBindingsThisMonth: this.store.bindingsMadeIn(payer.psn_no, 'payer', month),
      memberBindingsThisMonth: this.store.bindingsMadeIn(member.psn_no, 'member', month),
      verification:
        v.method === 'face'
          ? v
          : {
              method: 'document',
              documentType: v.doc_type,
              documentNumber: v.doc_no,
              staffId: v.staff_id,
            },
      now,
      timeZone: tz,
    });
    if (refusal) throw new GatewayRejection(refusalText(refusal));
    const bindId = `B${at.replace(/\D/g, '').slice(0, 8)}${String(this.store.nextSequence('bind')).padStart(8, '0')}`;
    const row = {
      bind_id: bindId,
      payer_psn_no: payer.psn_no,
      member_psn_no: member.psn_no,
      relation: d.relation,
      verification: v.method,
      doc_type: v.method === 'document' ? v.doc_type : '',
      doc_no: v.method === 'document' ? v.doc_no.trim() : '',
      staff_id: v.method === 'document' ? v.staff_id.trim() : '',
      bound_at: at,
      msgid: envelope.msgid,
    };
    // Insert first so the quota in the answer already counts this binding.
    this.store.insertBinding({ ...row, response_json: '' });
    const output: TxOutput<'K602'> = {
      binding: { ...this.familyParty(row, member), payer_psn_no: payer.psn_no },
      quota: this.quota(payer.psn_no, now),
    };
    this.store.db
      .prepare(`UPDATE family_bindings SET response_json = ? WHERE bind_id = ?`)
      .run(JSON.stringify(output), bindId);
    return output;
  }

  /** Either party may unbind, at any time. Idempotent: unbinding twice answers the first time. */
  private familyUnbind(input: TxInput<'K603'>): TxOutput<'K603'> {
    const { psn_no, bind_id } = input.data;
    const b = this.store.binding(bind_id);
    if (!b || (b.payer_psn_no !== psn_no && b.member_psn_no !== psn_no)) {
      throw new GatewayRejection('binding not found for this person');
    }
    const at = formatInTimeZone(
      this.options.clock.now(),
      this.options.scenario.hospital.timezone,
    ).dateTime;
    if (b.unbound_at === '') this.store.unbind(bind_id, psn_no, at);
    const after = this.store.binding(bind_id)!;
    return {
      binding: {
        bind_id: after.bind_id,
        payer_psn_no: after.payer_psn_no,
        member_psn_no: after.member_psn_no,
        unbound_at: after.unbound_at,
        unbound_by: after.unbound_by,
      },
    };
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
