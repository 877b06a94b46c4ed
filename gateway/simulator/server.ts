/**
 * The gateway simulator: a real HTTP server on loopback speaking the gateway protocol, backed by
 * SQLite. It verifies every signature, signs every answer to a genuine request, validates every
 * input, refuses business calls without a live sign_no (issued by 9001 to that terminal today,
 * not signed out by 9002), and answers each transaction with
 * its handler (handlers/table.ts); msgid is the idempotency key of 2207. Armed faults
 * (faults.ts) fail a call where a real gateway or network would.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { Socket } from 'node:net';
import { randomBytes } from 'node:crypto';
import type { Clock } from '../../core/domain.ts';
import {
  type RequestEnvelope,
  type ResponseEnvelope,
  formatInTimeZone,
  isTransactionCode,
  requestEnvelopeSchema,
  SIGN_NO_REFUSAL,
  transactions,
} from '../protocol.ts';
import { signResponse, verifyRequest } from '../signing.ts';
import type { OrderStatus, WalletChannel } from '../wire-vocabulary.ts';
import { handleControl } from './control.ts';
import { type Fault, Faults, makeInconsistent } from './faults.ts';
import { payFromWallet } from './handlers/cash.ts';
import { GatewayRejection, type SimulatorWorld } from './handlers/context.ts';
import { answer } from './handlers/table.ts';
import { readBody } from './read-body.ts';
import { type Scenario, scenarioPolicy } from './scenario.ts';
import { SimulatorStore } from './store.ts';
import { resetWorld, type WorldReset } from './world-reset.ts';

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface GatewaySimulatorOptions {
  scenario: Scenario;
  /** SQLite file; ":memory:" keeps nothing across restarts. */
  databaseFile: string;
  clients: Record<string, string>;
  clock: Clock;
  /** Enables the /control/ routes (faults, wallet payments) for this header value. */
  controlToken?: string;
  /** Serve HTTPS with this key and certificate (PEM), as a production gateway does. */
  tls?: { key: string; cert: string };
}

export class GatewaySimulator {
  readonly store: SimulatorStore;
  private readonly world: SimulatorWorld;
  private readonly faults = new Faults();
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  private handling = 0;
  private idleWaiters: (() => void)[] = [];
  private port = 0;

  constructor(private readonly options: GatewaySimulatorOptions) {
    this.store = new SimulatorStore(options.databaseFile);
    this.store.seed(options.scenario);
    this.world = {
      store: this.store,
      scenario: options.scenario,
      policy: scenarioPolicy(options.scenario),
      clock: options.clock,
    };
  }

  get url(): string {
    return `${this.options.tls ? 'https' : 'http'}://127.0.0.1:${this.port}`;
  }

  get listening(): boolean {
    return this.server?.listening ?? false;
  }

  /** Listens on 127.0.0.1 only. Port 0 picks a free port; after a stop, start() reuses the port. */
  async start(port = this.port): Promise<string> {
    if (this.server?.listening) return this.url;
    // Every request ends in an answer: an error nothing below caught is a 500, never an
    // unhandled rejection (which, in a simulator kiosk, would end the kiosk's process).
    const handler = (req: IncomingMessage, res: ServerResponse) => {
      this.handling++;
      void this.handle(req, res)
        .catch((error: unknown) => {
          console.error(
            'gateway simulator: unhandled',
            error instanceof Error ? error.name : error,
          );
          if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
          res.end();
        })
        .finally(() => {
          if (--this.handling > 0) return;
          for (const wake of this.idleWaiters.splice(0)) wake();
        });
    };
    const tls = this.options.tls;
    const server: Server = tls ? createTlsServer(tls, handler) : createServer(handler);
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

  /** Calls being handled now, a held answer among them. */
  get callsInHand(): number {
    return this.handling;
  }

  /**
   * Resolves once no call is being handled: a held answer (latency, timeout-after-commit) has
   * done its work and gone out, even to a client that stopped waiting for it.
   */
  idle(): Promise<void> {
    if (this.handling === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /** Arms a fault for the next `times` calls of one transaction (see FaultKind). */
  injectFault(fault: Fault): void {
    this.faults.inject(fault);
  }

  clearFaults(): void {
    this.faults.clear();
  }

  /** Testers: the world back to the scenario as loaded (world-reset.ts), and no faults armed. */
  resetWorld(): WorldReset {
    this.faults.clear();
    return resetWorld(this.store, this.options.scenario);
  }

  /**
   * Testers: where a bill stands at the gateway: paid or not, its visit and who registered it,
   * who uploaded its fee details and under which visit (2201/2204 as the platform keeps them),
   * what settled it, and an inpatient visit's deposits.
   */
  billRecord(chrgBchno: string) {
    const bill = this.store.people.bill(chrgBchno);
    if (!bill) return undefined;
    const visits = this.store.visits;
    const mdtrtId = visits.billVisit(chrgBchno)?.mdtrt_id ?? '';
    const upload = visits.upload(chrgBchno);
    return {
      chrg_bchno: chrgBchno,
      status: bill.status,
      mdtrt_id: mdtrtId,
      visit_registered_by: mdtrtId ? (visits.visit(mdtrtId)?.registered_by ?? '') : '',
      fees_uploaded_by: upload?.uploaded_by ?? '',
      fees_mdtrt_id: upload?.mdtrt_id ?? '',
      // The transaction that settled it (2207, 2304), or the deposit that recorded it (K701).
      settled_by:
        this.store.settlements.liveOf(chrgBchno)?.infno ??
        (this.store.deposits.ofBill(chrgBchno).some((d) => d.status !== 'refunded') ? 'K701' : ''),
      // An inpatient visit's deposits, in cents, and whether a discharge netted them.
      deposits: mdtrtId
        ? this.store.deposits
            .ofVisit(mdtrtId)
            .map((d) => ({ amount_cents: d.amount_cents, status: d.status }))
        : [],
    };
  }

  /** Testers: every pending mobile order runs out of time now (the patient never paid). */
  expirePendingOrders(): number {
    return this.store.orders.runOutPending();
  }

  /** The simulated patient pays a pending mobile order from their phone wallet. */
  payOrder(orderNo: string, channel: WalletChannel = 'wechat'): OrderStatus {
    return payFromWallet(this.world, orderNo, channel);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const now = this.options.clock.now();
    const match = /^\/api\/([A-Z0-9]{4})$/.exec(req.url ?? '');
    if (req.method === 'GET' && req.url === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      return;
    }
    if (req.url?.startsWith('/control/')) {
      await handleControl(req, res, this.options.controlToken, {
        injectFault: (fault) => this.injectFault(fault),
        clearFaults: () => this.clearFaults(),
        faults: () => this.faults.list(),
        payOrder: (orderNo, channel) => this.payOrder(orderNo, channel),
        settlementCount: () => this.store.settlements.count(),
        resetWorld: () => this.resetWorld(),
      });
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
    // Answers are signed for the client that signed the request; a request that failed its
    // own signature gets an unsigned answer, so the simulator never signs for a stranger.
    let signingSecret: string | undefined;
    const requestNonce = req.headers['x-tif-nonce'];
    const send = (text: string, secret = signingSecret) => {
      const signed =
        secret && typeof requestNonce === 'string'
          ? signResponse(secret, requestNonce, text, this.options.clock.now().getTime())
          : {};
      res
        .writeHead(200, { 'content-type': 'application/json; charset=utf-8', ...signed })
        .end(text);
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
      (id) => this.secretFor(id),
      now.getTime(),
      this.store.nonces,
    );
    if (check.ok || check.reason === 'stale-timestamp' || check.reason === 'replayed-nonce')
      signingSecret = this.secretFor(String(req.headers['x-tif-paasid']));
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
    const fault = this.faults.take(envelope.infno);
    if (fault?.kind === 'latency') await sleep(fault.latencyMs ?? 1000);
    if (fault?.kind === 'http-500') {
      res.writeHead(500, { 'content-type': 'text/plain' }).end('simulated server error');
      return;
    }
    if (fault?.kind === 'reset-before-commit') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'refuse') {
      // A signed refusal, nothing done: what the platform answers when it will not take a call
      // (e.g. a resend after the bill was settled at the counter meanwhile).
      fail(`${envelope.infno} refused by the platform (simulated fault)`);
      return;
    }
    if (fault?.kind === 'forged-answer') {
      // What an attacker on the network would send: the success this call would get, which the
      // gateway never committed, signed with a key that is not the client's.
      const forged = this.success(envelope, now, time, this.rehearse(envelope, time));
      send(JSON.stringify(forged), `forged-${randomBytes(8).toString('hex')}`);
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
    const envelopeOut = this.success(envelope, now, time, output);
    if (fault?.kind === 'malformed-body') send(JSON.stringify(envelopeOut).slice(0, 40));
    else reply(envelopeOut);
  }

  /** Own keys only: a client id like "constructor" is not a client (found by the fuzzer). */
  private secretFor(paasid: string): string | undefined {
    return Object.hasOwn(this.options.clients, paasid) ? this.options.clients[paasid] : undefined;
  }

  private success(
    envelope: RequestEnvelope,
    now: Date,
    time: string,
    output: Record<string, unknown>,
  ): ResponseEnvelope {
    return {
      infcode: 0,
      inf_refmsgid: this.refMsgid(now),
      refmsg_time: envelope.inf_time,
      respond_time: time,
      err_msg: null,
      output,
    };
  }

  /**
   * The answer a call would get, computed in a transaction that is rolled back; a call that
   * would be refused gets an empty output (a forger makes up a success either way).
   */
  private rehearse(envelope: RequestEnvelope, time: string): Record<string, unknown> {
    let output: Record<string, unknown> = {};
    try {
      this.store.db.transaction(() => {
        output = this.dispatch(envelope, time);
        throw new Error('rehearsal only: roll back');
      })();
    } catch {
      // Rolled back, as intended, or refused.
    }
    return output;
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
    // 9002 names the sign number it ends in its input, and answers for it itself.
    if (code !== '9001' && code !== '9002') this.checkSignNo(envelope, time.slice(0, 10));
    return answer(code, envelope.input, { ...this.world, envelope, time });
  }

  /** Business calls carry a sign number 9001 issued to their terminal today, not signed out. */
  private checkSignNo(envelope: RequestEnvelope, today: string): void {
    const status = this.store.signIns.status(envelope.sign_no, envelope.opter, today);
    if (status.live) return;
    const why = {
      unknown: `was not issued to ${envelope.opter} by a 9001 sign-in`,
      'signed-out': `was signed out (9002) at ${status.at}`,
      expired: `was issued on ${status.at}, not today (${today})`,
    }[status.why];
    throw new GatewayRejection(`${SIGN_NO_REFUSAL}"${envelope.sign_no}" ${why}: sign in again`);
  }
}
