/**
 * The gateway simulator: a real HTTP server on loopback speaking the gateway protocol, backed by
 * SQLite. It verifies every signature, validates every input, computes splits with the policy
 * engine and treats msgid as the idempotency key of 2207.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../core/domain.ts';
import { centsToYuan, cents, type Cents, yuanToCents } from '../../core/money.ts';
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
import { computeSplit, type Policy, type PolicyVisit } from './policy.ts';
import { type Scenario, scenarioPolicy } from './scenario.ts';
import { SimulatorStore, type BillRow } from './store.ts';

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

export class GatewaySimulator {
  readonly store: SimulatorStore;
  private readonly policy: Policy;
  private readonly nonces = new NonceCache();
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

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const now = this.options.clock.now();
    const match = /^\/api\/([A-Z0-9]{4})$/.exec(req.url ?? '');
    if (req.method === 'GET' && req.url === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
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
    const reply = (envelope: ResponseEnvelope) => {
      res
        .writeHead(200, { 'content-type': 'application/json; charset=utf-8' })
        .end(JSON.stringify(envelope));
    };
    const time = formatInTimeZone(now, this.options.scenario.hospital.timezone).dateTime;
    const fail = (msgid: string, message: string) =>
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
      fail('', `signature rejected: ${check.reason}`);
      return;
    }
    let envelope: RequestEnvelope;
    try {
      envelope = requestEnvelopeSchema.parse(JSON.parse(body));
    } catch {
      fail('', 'malformed request envelope');
      return;
    }
    if (envelope.infno !== match[1]) {
      fail(envelope.msgid, 'infno does not match the request path');
      return;
    }
    try {
      const output = this.dispatch(envelope, time);
      reply({
        infcode: 0,
        inf_refmsgid: this.refMsgid(now),
        refmsg_time: envelope.inf_time,
        respond_time: time,
        err_msg: null,
        output,
      });
    } catch (error) {
      if (error instanceof GatewayRejection) fail(envelope.msgid, error.message);
      else {
        console.error(
          'gateway simulator: internal error',
          error instanceof Error ? error.message : error,
        );
        fail(envelope.msgid, 'internal error');
      }
    }
  }

  private refMsgid(now: Date): string {
    return `GW${formatInTimeZone(now, this.options.scenario.hospital.timezone).compact}${randomBytes(4).toString('hex')}`;
  }

  private dispatch(envelope: RequestEnvelope, time: string): Record<string, unknown> {
    const code = envelope.infno;
    if (!isTransactionCode(code)) throw new GatewayRejection(`unsupported infno ${code}`);
    if (envelope.fixmedins_code !== this.options.scenario.hospital.fixmedins_code) {
      throw new GatewayRejection('unknown fixmedins_code');
    }
    const parsed = transactions[code].input.safeParse(envelope.input);
    if (!parsed.success) throw new GatewayRejection(`invalid input for ${code}`);
    switch (code) {
      case '9001':
        return this.signIn(time);
      case '1101':
        return this.personInfo(parsed.data as TxInput<'1101'>);
      case 'K101':
        return this.unpaidBills(parsed.data as TxInput<'K101'>);
      case '2206':
        return this.settle(parsed.data as TxInput<'2206'>, envelope, time, false);
      case '2207':
        return this.settle(parsed.data as TxInput<'2207'>, envelope, time, true);
    }
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
    if (mdtrt_cert_type !== '02')
      throw new GatewayRejection('only ID-number lookup (mdtrt_cert_type 02) is supported here');
    const p = this.store.personByCertno(mdtrt_cert_no);
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
    if (!person || (d.mdtrt_cert_type === '02' && person.certno !== d.mdtrt_cert_no)) {
      throw new GatewayRejection('person not found or certificate does not match');
    }
    const bill = this.store.bill(d.chrg_bchno);
    if (!bill || bill.psn_no !== person.psn_no)
      throw new GatewayRejection('bill not found for this person');
    if (bill.status !== 'unpaid') throw new GatewayRejection('bill is already settled');
    if (d.insutype !== person.insutype) throw new GatewayRejection('insurance type does not match');
    const items = this.store.items(bill.chrg_bchno);
    const total = items.reduce((a, i) => a + i.amount_cents, 0);
    if (yuanToCents(d.medfee_sumamt) !== total)
      throw new GatewayRejection('medfee_sumamt does not match the bill');
    const split = computeSplit(
      this.policy,
      person.insutype,
      visitOf[bill.type],
      items.map((i) => ({ itemClass: i.item_class, amount: cents(i.amount_cents) })),
      {
        accountBalance: cents(person.balance_cents),
        deductibleUsed: cents(person.deductible_used_cents),
        fundUsed: cents(person.fund_used_cents),
      },
      d.acct_used_flag === '1',
    );
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
      responseJson: JSON.stringify(output),
      at: time,
    });
    return output;
  }
}

function ageOn(birthDate: string, today: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [ty, tm, td] = today.split('-').map(Number) as [number, number, number];
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
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
