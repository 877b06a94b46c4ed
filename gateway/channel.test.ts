/**
 * The channel between kiosk and gateway as an attacker on the hospital network meets it: forged,
 * replayed and stale answers are refused (a settlement they claim ends in doubt, never settled),
 * captured requests are refused even after the gateway restarts, and business calls need a
 * sign_no the gateway issued. A stand-in server sits where the gateway would be: it forwards to
 * the simulator, or answers itself as a forger would.
 */
import { createServer } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { GatewayClient } from './client.ts';
import { signRequest, signResponse } from './signing.ts';
import { readBody } from './simulator/read-body.ts';
import { loadScenario } from './simulator/scenario.ts';
import { GatewaySimulator } from './simulator/server.ts';
import { testClientOptions } from './testing/test-client.ts';
import { TestSite } from './testing/test-kiosk.ts';

const scenario = loadScenario();
let nowMs = Date.parse('2026-11-22T02:00:00Z');
const clock = { now: () => new Date(nowMs) };
const SECRET = 'test-secret';
let site: TestSite;
let sim: GatewaySimulator;
const closers: (() => Promise<void> | void)[] = [];

beforeEach(async () => {
  nowMs = Date.parse('2026-11-22T02:00:00Z');
  site = await TestSite.start('channel-', clock, scenario);
  sim = site.sim;
});
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  await sim.close(); // the site's, or the one a test restarted on its database
  await site.close();
});

interface Answer {
  status: number;
  headers: Record<string, string>;
  body: string;
}
interface Exchange {
  infno: string;
  requestNonce: string;
  /** The request as the gateway would get it, and the gateway's answer. */
  forward(): Promise<Answer>;
}

/** A server where the gateway would be; `answer` decides, per call, what the kiosk gets. */
async function standIn(answer: (x: Exchange) => Promise<Answer>): Promise<string> {
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const pass = ['content-type', 'x-tif-paasid', 'x-tif-timestamp', 'x-tif-nonce'];
      const forward = async (): Promise<Answer> => {
        const headers: Record<string, string> = {};
        for (const h of [...pass, 'x-tif-signature'])
          if (typeof req.headers[h] === 'string') headers[h] = req.headers[h];
        const r = await fetch(`${sim.url}${req.url}`, { method: 'POST', headers, body });
        const out: Record<string, string> = {};
        r.headers.forEach((v, k) => {
          if (k === 'content-type' || k.startsWith('x-tif-')) out[k] = v;
        });
        return { status: r.status, headers: out, body: await r.text() };
      };
      const a = await answer({
        infno: (req.url ?? '').slice(-4),
        requestNonce: String(req.headers['x-tif-nonce']),
        forward,
      });
      res.writeHead(a.status, a.headers).end(a.body);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const address = server.address();
  return `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
}

type Signing = 'unsigned' | { secret: string; atMs?: number; nonce?: string };

/** An answer envelope around `output`, signed (or not) as a forger or the gateway would. */
function answerWith(
  output: Record<string, unknown> | null,
  requestNonce: string,
  signing: Signing,
  err_msg: string | null = null,
): Answer {
  const body = JSON.stringify({
    infcode: err_msg === null ? 0 : -1,
    inf_refmsgid: 'GW0',
    refmsg_time: '2026-11-22 10:00:00',
    respond_time: '2026-11-22 10:00:00',
    err_msg,
    output,
  });
  const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8' };
  if (signing !== 'unsigned')
    Object.assign(
      headers,
      signResponse(signing.secret, requestNonce, body, signing.atMs ?? nowMs, signing.nonce),
    );
  return { status: 200, headers, body };
}

const kioskAt = (url: string) => site.kiosk({ client: { timeoutMs: 2000 } }, url);

describe('a forged "paid" settles nothing', () => {
  it.each(['unsigned', 'signed with another key'])(
    'a 2207 "ok" %s: refused, the payment ends in doubt, and recovery settles it once',
    async (kind) => {
      let forging = false;
      let lastPreSettlement: Record<string, unknown> = {};
      const url = await standIn(async (x) => {
        const signing: Signing = kind === 'unsigned' ? 'unsigned' : { secret: 'stolen-guess' };
        if (forging && x.infno === '2207') {
          const setlinfo = {
            ...lastPreSettlement,
            setl_id: 'S-FORGED',
            setl_time: '2026-11-22 10:00:00',
          };
          return answerWith({ setlinfo }, x.requestNonce, signing);
        }
        if (forging && x.infno === 'K102') {
          const setlinfo = {
            ...lastPreSettlement,
            setl_id: 'S-FORGED',
            setl_time: '2026-11-22 10:00:00',
          };
          const txn = { found: true, infno: '2207', status: 'settled', setl_id: 'S-FORGED' };
          return answerWith({ txn: { ...txn, response: { setlinfo } } }, x.requestNonce, signing);
        }
        const real = await x.forward();
        if (x.infno === '2206')
          lastPreSettlement = (JSON.parse(real.body) as { output: { setlinfo: object } }).output
            .setlinfo as Record<string, unknown>;
        return real;
      });
      const k = kioskAt(url);
      const penny = scenario.patients.find((p) => p.name.startsWith('Penny'))!;
      const patient = await k.port.findPatient(penny.certno);
      const [bill] = await k.port.unpaidBills(patient);
      const preview = await k.port.preSettle(patient, bill!);
      const start = await k.port.beginPayment(patient, bill!, preview, 'mobile');
      sim.payOrder(start.order!.orderNo);
      await k.port.waitForCash(start.paymentId, new AbortController().signal);

      forging = true;
      const told = await k.port.completePayment(start.paymentId).catch((e: unknown) => e);
      expect(told).toMatchObject({
        code: 'settlement-in-doubt',
        cause: { code: 'settlement-in-doubt', cause: { name: 'ResponseSignatureError' } },
      });
      expect(k.journal.get(start.paymentId)).toMatchObject({
        settle_state: 'in-doubt',
        cash_state: 'paid',
      });
      expect(sim.store.settlements.count()).toBe(0);

      // The network is honest again: recovery asks, finds nothing, settles once with the msgid.
      forging = false;
      expect(await k.payments.recover()).toMatchObject({ settled: 1, stillOpen: 0 });
      expect(sim.store.settlements.count()).toBe(1);
      expect(k.journal.get(start.paymentId)?.setl_id).not.toBe('S-FORGED');
    },
  );
});

describe('answers the client trusts', () => {
  const gallery = { gallery: { version: 'v1', changed: false, persons: [] } };
  const signedIn = { signinoutb: { sign_time: '2026-11-22 10:00:00', sign_no: 'SN1' } };

  it('a correctly signed answer is accepted; a replayed nonce, a captured answer and a stale one are not', async () => {
    let mode: 'fixed-nonce' | 'captured' | 'stale' = 'fixed-nonce';
    let captured: Answer | undefined;
    const url = await standIn(async (x) => {
      if (x.infno === '9001') return answerWith(signedIn, x.requestNonce, { secret: SECRET });
      if (mode === 'captured' && captured) return captured;
      const signing =
        mode === 'stale'
          ? { secret: SECRET, atMs: nowMs - 301_000 }
          : { secret: SECRET, nonce: 'gateway-nonce-0001' };
      captured ??= answerWith(gallery, x.requestNonce, signing);
      return answerWith(gallery, x.requestNonce, signing);
    });
    const client = new GatewayClient(testClientOptions(url, clock));
    const read = () => client.call('K501', { data: { since_version: 'v1' } });
    expect(await read()).toEqual(gallery);
    // The same answer nonce again, though signed for this request: a replay.
    await expect(read()).rejects.toMatchObject({
      code: 'gateway-bad-response',
      cause: { reason: 'replayed-nonce' },
    });
    // The first answer played back verbatim: signed for another request.
    mode = 'captured';
    await expect(read()).rejects.toMatchObject({ cause: { reason: 'bad-signature' } });
    mode = 'stale';
    await expect(read()).rejects.toMatchObject({ cause: { reason: 'stale-timestamp' } });
  });

  it('an unsigned refusal is not a refusal: a 2207 "rejected" that is not signed is in doubt', async () => {
    const url = await standIn(async (x) =>
      x.infno === '9001'
        ? answerWith(signedIn, x.requestNonce, { secret: SECRET })
        : answerWith(null, x.requestNonce, 'unsigned', 'bill already paid'),
    );
    const client = new GatewayClient(testClientOptions(url, clock));
    const input = { data: { msgid: client.newMsgid() } };
    await expect(client.call('K102', input)).rejects.toMatchObject({
      code: 'gateway-bad-response',
    });
  });
});

describe('sign_no', () => {
  const post = (headers: Record<string, string>, body: string, infno = 'K501') =>
    fetch(`${sim.url}/api/${infno}`, { method: 'POST', headers, body }).then(
      (r) => r.json() as Promise<{ infcode: number; err_msg: string }>,
    );
  const envelope = (signNo: string) => ({
    infno: 'K501',
    msgid: `${scenario.hospital.fixmedins_code}202611221000000001`,
    mdtrtarea_admvs: scenario.hospital.admdvs,
    insuplc_admdvs: '',
    recer_sys_code: 'KIOSK',
    infver: 'V1.0',
    opter_type: '2',
    opter: 'KIOSK-01',
    opter_name: 'Lobby kiosk 1',
    inf_time: '2026-11-22 10:00:00',
    fixmedins_code: scenario.hospital.fixmedins_code,
    fixmedins_name: scenario.hospital.fixmedins_name,
    sign_no: signNo,
    input: { data: { since_version: '' } },
  });

  it('the gateway refuses a business call whose sign_no no 9001 issued, naming sign_no', async () => {
    for (const signNo of ['', 'SN0000009999']) {
      const body = JSON.stringify(envelope(signNo));
      const answer = await post({ ...signRequest('kiosk', SECRET, body, nowMs) }, body);
      expect(answer).toMatchObject({ infcode: -1 });
      expect(answer.err_msg).toMatch(/^sign_no "\w*" was not issued to KIOSK-01 by a 9001 sign-in/);
    }
  });

  it('the client signs in again once and resends the same msgid: a stale sign_no settles once', async () => {
    const k = kioskAt(sim.url);
    const sheldon = scenario.patients[0]!;
    const patient = await k.port.findPatient(sheldon.certno);
    const [bill] = await k.port.unpaidBills(patient);
    const preview = await k.port.preSettle(patient, bill!);
    const start = await k.port.beginPayment(patient, bill!, preview, 'none');
    // The gateway forgot every sign-in (a new business day, a restored database).
    sim.store.db.prepare(`DELETE FROM sign_ins`).run();
    const settlement = await k.port.completePayment(start.paymentId);
    expect(settlement.msgid).toBe(start.paymentId);
    expect(sim.store.settlements.count()).toBe(1);
    const signIns = sim.store.db.prepare(`SELECT COUNT(*) AS n FROM sign_ins`).get();
    expect(signIns).toEqual({ n: 1 });
  });

  it('signs in again only once: a gateway that keeps refusing the sign_no gets a refusal back', async () => {
    const seen: string[] = [];
    const url = await standIn(async (x) => {
      seen.push(x.infno);
      if (x.infno === '9001')
        return answerWith(
          { signinoutb: { sign_time: '2026-11-22 10:00:00', sign_no: 'SN1' } },
          x.requestNonce,
          { secret: SECRET },
        );
      return answerWith(null, x.requestNonce, { secret: SECRET }, 'sign_no "SN1" expired');
    });
    const client = new GatewayClient(testClientOptions(url, clock));
    await expect(client.call('K501', { data: { since_version: '' } })).rejects.toMatchObject({
      code: 'gateway-rejected',
    });
    expect(seen).toEqual(['9001', 'K501', '9001', 'K501']);
  });
});

describe('request nonces', () => {
  it('survive a restart of the gateway: a request replayed within the window is refused', async () => {
    const file = site.file('gateway.sqlite');
    const body = JSON.stringify({ infno: '9001' });
    const headers = signRequest('kiosk', SECRET, body, nowMs, 'captured-nonce-0001');
    const post = (s: GatewaySimulator) =>
      fetch(`${s.url}/api/9001`, { method: 'POST', headers: { ...headers }, body }).then(
        (r) => r.json() as Promise<{ err_msg: string }>,
      );
    expect((await post(sim)).err_msg).toMatch(/malformed request envelope/);
    await sim.close();
    sim = new GatewaySimulator({ scenario, databaseFile: file, clients: { kiosk: SECRET }, clock });
    await sim.start(0);
    expect((await post(sim)).err_msg).toMatch(/replayed-nonce/);
    // Once the window has passed, the timestamp refuses it and the row is swept away.
    nowMs += 301_000;
    expect((await post(sim)).err_msg).toMatch(/stale-timestamp/);
    const fresh = signRequest('kiosk', SECRET, body, nowMs);
    await fetch(`${sim.url}/api/9001`, { method: 'POST', headers: { ...fresh }, body });
    expect(sim.store.nonces.count()).toBe(1);
  });
});
