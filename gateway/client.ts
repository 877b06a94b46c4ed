/**
 * The kiosk's client for the settlement gateway: builds and signs envelopes, enforces per-call
 * timeouts, checks every answer's signature before reading it, validates it against the
 * transaction's schema, and classifies every failure as a KioskError the patient can be told
 * about. An answer that is not trusted is never a success nor a refusal: for a state-changing
 * call it is "in doubt" (settlement-in-doubt), resolved by the payment code's query and
 * recovery, so a forged "paid" cannot settle and a forged "refused" cannot let a patient pay
 * twice.
 */
import { randomBytes } from 'node:crypto';
import type { Agent } from 'node:http';
import type { Clock } from '../core/domain.ts';
import { KioskError } from '../core/errors.ts';
import {
  type RequestEnvelope,
  type TransactionCode,
  type TxInput,
  type TxOutput,
  formatInTimeZone,
  requestEnvelopeSchema,
  responseEnvelopeSchema,
  SIGN_NO_REFUSAL,
  transactions,
} from './protocol.ts';
import { type HostAddress, hostAddress } from './host-address.ts';
import {
  agentFor,
  type GatewayTls,
  type HttpAnswer,
  post,
  StaleConnectionError,
} from './http-post.ts';
import { NonceCache, ResponseSignatureError, signRequest, verifyResponse } from './signing.ts';

export interface GatewayClientOptions {
  baseUrl: string;
  paasid: string;
  secret: string;
  fixmedinsCode: string;
  fixmedinsName: string;
  areaCode: string; // mdtrtarea_admvs
  timeZone: string;
  operatorId: string; // opter: the kiosk id
  operatorName: string;
  clock: Clock;
  timeoutMs?: number;
  /** This kiosk's share of the msgid sequence space (index in 0..slots-1). */
  terminalSlot?: { index: number; slots: number };
  /** Where the sequence starts (random by default, so a restart does not reuse the last one). */
  initialSequence?: number;
  /** Nonce source; tests make it deterministic. */
  nonce?: () => string;
  /** For an https baseUrl: the hospital's CA and/or the gateway's pinned public keys. */
  tls?: GatewayTls;
  /** The envelope's device fields, as configured; dev_no defaults to the kiosk id. */
  device?: TerminalDevice;
  /** The address 9001 reports; by default this machine's first external IPv4 interface. */
  address?: HostAddress;
}

/** What every envelope says about the terminal (dev_no, dev_safe_info, signtype, cainfo). */
export interface TerminalDevice {
  devNo?: string;
  devSafeInfo?: string;
  signtype?: string;
  cainfo?: string;
}

export interface CallOptions {
  insuredArea?: string;
  timeoutMs?: number;
  /** Reuse a msgid: retries of a state-changing call must carry the original one. */
  msgid?: string;
}

/** The gateway refused a call for its sign_no: nothing was applied, and a new sign-in helps. */
class StaleSignNo extends KioskError {}

export class GatewayClient {
  private signNo = '';
  /** The business day (hospital time zone) the sign number was issued on: it lasts that day. */
  private signedInOn = '';
  private signingIn: Promise<void> | undefined;
  private counter: number;
  /** Answers' nonces within the signature window: a captured answer cannot be played again. */
  private readonly answerNonces = new NonceCache();
  /** Keeps connections alive, and checks the gateway's certificate as `tls` says. */
  private readonly agent: Agent;
  /** What 9001 reports as this terminal's mac and ip. */
  private readonly address: HostAddress;

  constructor(private readonly options: GatewayClientOptions) {
    const slot = options.terminalSlot ?? { index: 0, slots: 1 };
    if (
      !Number.isInteger(slot.index) ||
      slot.index < 0 ||
      slot.index >= slot.slots ||
      slot.slots > 100
    ) {
      throw new RangeError('terminalSlot.index must be in 0..slots-1, with at most 100 slots');
    }
    this.counter =
      options.initialSequence ?? Math.floor(Math.random() * Math.floor(10_000 / slot.slots));
    this.agent = agentFor(options.baseUrl, options.tls);
    const envelope = requestEnvelopeSchema.pick({
      dev_no: true,
      dev_safe_info: true,
      signtype: true,
      cainfo: true,
    });
    const device = envelope.safeParse(this.deviceFields());
    if (!device.success) throw new RangeError('device: a field is longer than the envelope allows');
    this.address = options.address ?? hostAddress();
  }

  /** The hospital's medical-insurance area (mdtrtarea_admvs). */
  get areaCode(): string {
    return this.options.areaCode;
  }

  get signedIn(): boolean {
    return this.signNo !== '';
  }

  newMsgid(): string {
    // The 4-digit sequence is shared by every terminal of the hospital within one second, so
    // each kiosk numbers inside its own slot and two kiosks can never mint the same msgid.
    const slot = this.options.terminalSlot ?? { index: 0, slots: 1 };
    const size = Math.floor(10_000 / slot.slots);
    this.counter = (this.counter + 1) % size;
    const sequence = slot.index * size + this.counter;
    const { compact } = formatInTimeZone(this.options.clock.now(), this.options.timeZone);
    return `${this.options.fixmedinsCode}${compact}${String(sequence).padStart(4, '0')}`;
  }

  /** Signs in (9001); calls that arrive meanwhile share the one sign-in. */
  signIn(): Promise<void> {
    this.signingIn ??= this.send('9001', {
      signIn: { opter_no: this.options.operatorId, mac: this.address.mac, ip: this.address.ip },
    })
      .then((out) => {
        this.signNo = out.signinoutb.sign_no;
        this.signedInOn = this.today();
      })
      .finally(() => {
        this.signingIn = undefined;
      });
    return this.signingIn;
  }

  /**
   * Signs out (9002) on shutdown, bounded by `timeoutMs` (default 3 s) so a gateway that does not
   * answer cannot hold the kiosk up. The sign number is forgotten either way: one the gateway
   * did not hear end, it ends itself at the close of the business day.
   */
  async signOut(timeoutMs = 3000): Promise<boolean> {
    await this.signingIn?.catch(() => undefined);
    if (!this.signedIn) return false;
    try {
      await this.send(
        '9002',
        { signOut: { sign_no: this.signNo, opter_no: this.options.operatorId } },
        { timeoutMs },
      );
      return true;
    } finally {
      this.signNo = '';
      this.signedInOn = '';
    }
  }

  async call<T extends TransactionCode>(
    code: T,
    input: TxInput<T>,
    opts: CallOptions = {},
  ): Promise<TxOutput<T>> {
    if (code === '9001' || code === '9002') return this.send(code, input, opts);
    // A sign number lasts one business day: the first call of a new day signs in again.
    if (!this.signedIn || this.signedInOn !== this.today()) await this.signIn();
    // One msgid for the call and its resend: the key 2207 (and K602) are idempotent by.
    const once = { ...opts, msgid: opts.msgid ?? this.newMsgid() };
    const signNo = this.signNo;
    try {
      return await this.send(code, input, once);
    } catch (error) {
      if (!(error instanceof StaleSignNo)) throw error;
      // A signed refusal, checked before anything is applied: resending the same msgid after
      // one new sign-in is safe for every call (reads, and state changes idempotent by their
      // msgid or order number). Another call may have signed in again already.
      if (this.signNo === signNo) await this.signIn();
      return this.send(code, input, once);
    }
  }

  private today(): string {
    return formatInTimeZone(this.options.clock.now(), this.options.timeZone).date;
  }

  private deviceFields() {
    const d = this.options.device ?? {};
    return {
      dev_no: d.devNo ?? this.options.operatorId,
      dev_safe_info: d.devSafeInfo ?? '',
      signtype: d.signtype ?? '',
      cainfo: d.cainfo ?? '',
    };
  }

  private async send<T extends TransactionCode>(
    code: T,
    input: TxInput<T>,
    opts: CallOptions = {},
  ): Promise<TxOutput<T>> {
    const now = this.options.clock.now();
    const envelope: RequestEnvelope = {
      infno: code,
      msgid: opts.msgid ?? this.newMsgid(),
      mdtrtarea_admvs: this.options.areaCode,
      insuplc_admdvs: opts.insuredArea ?? '',
      recer_sys_code: 'KIOSK',
      infver: 'V1.0',
      opter_type: '2',
      opter: this.options.operatorId,
      opter_name: this.options.operatorName,
      inf_time: formatInTimeZone(now, this.options.timeZone).dateTime,
      fixmedins_code: this.options.fixmedinsCode,
      fixmedins_name: this.options.fixmedinsName,
      sign_no: this.signNo,
      ...this.deviceFields(),
      input: input as Record<string, unknown>,
    };
    const body = JSON.stringify(envelope);
    const headers = signRequest(
      this.options.paasid,
      this.options.secret,
      body,
      now.getTime(),
      this.options.nonce?.() ?? randomBytes(16).toString('hex'),
    );
    const changesState = transactions[code].changesState;
    let response: HttpAnswer;
    const signal = AbortSignal.timeout(opts.timeoutMs ?? this.options.timeoutMs ?? 10_000);
    const url = `${this.options.baseUrl}/api/${code}`;
    const httpHeaders = { 'content-type': 'application/json; charset=utf-8', ...headers };
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          response = await post(url, httpHeaders, body, this.agent, signal);
          break;
        } catch (error) {
          // A query the server closed its kept-alive connection under, unread: sent again (the
          // dead socket is gone; the next may be another idle one, hence a few tries). A
          // state-changing call stays in doubt, for the recovery to settle by its msgid.
          if (changesState || !(error instanceof StaleConnectionError) || attempt >= 3) throw error;
        }
      }
    } catch (error) {
      // For a state-changing call the request may have been applied: its outcome is unknown.
      throw new KioskError(
        changesState ? 'settlement-in-doubt' : 'gateway-unavailable',
        `${code} ${isTimeout(error) ? 'timed out' : 'could not reach the gateway'}`,
        { cause: error },
      );
    }
    const bad = (why: string, cause?: unknown) =>
      new KioskError(
        changesState ? 'settlement-in-doubt' : 'gateway-bad-response',
        `${code}: ${why}`,
        { cause },
      );
    if (response.status < 200 || response.status > 299) {
      if (response.status >= 500 && !changesState)
        throw new KioskError('gateway-unavailable', `${code}: HTTP ${response.status}`);
      throw bad(`HTTP ${response.status}`);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw bad('the answer was cut off', error);
    }
    // Nothing of an answer is read, not even a refusal, before its signature is checked.
    const trust = verifyResponse(
      response.headers,
      text,
      this.options.secret,
      headers['x-tif-nonce'],
      this.options.clock.now().getTime(),
      this.answerNonces,
    );
    if (!trust.ok) {
      const why = trust.reason === 'missing-headers' ? 'unsigned' : trust.reason;
      throw bad(`answer not trusted (${why})`, new ResponseSignatureError(trust.reason));
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw bad('response is not JSON');
    }
    const env = responseEnvelopeSchema.safeParse(json);
    if (!env.success) throw bad('response envelope is malformed');
    if (env.data.infcode !== 0) {
      // A definite refusal: nothing was applied, so this is not in doubt.
      const message = `${code} rejected: ${env.data.err_msg ?? ''}`.slice(0, 300);
      if (code !== '9001' && code !== '9002' && env.data.err_msg?.startsWith(SIGN_NO_REFUSAL))
        throw new StaleSignNo('gateway-rejected', message);
      throw new KioskError('gateway-rejected', message);
    }
    const out = transactions[code].output.safeParse(env.data.output);
    if (!out.success) throw bad('output does not match the schema');
    return out.data as TxOutput<T>;
  }
}

function isTimeout(error: unknown): boolean {
  return error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
}
