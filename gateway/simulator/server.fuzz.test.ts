/**
 * Bounded, seeded fuzzing of the gateway simulator's HTTP server: malformed and mutated
 * envelopes (signed, so they reach the schemas and the handlers), bad and missing signatures,
 * unknown clients (prototype names among them), wrong content types, unknown infno and paths,
 * bodies over the limit, and truncated or garbage requests on a raw socket. Each gets a typed
 * answer (a refusal envelope, 404 or 413) or its connection dropped, and after every batch a
 * real client signs in and reads a patient, so nothing took the server down or wedged it.
 */
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fuzzCases, fuzzSeed, type FuzzRandom } from '../../core/testing/fuzz.ts';
import { GatewayClient } from '../client.ts';
import { responseEnvelopeSchema, transactions } from '../protocol.ts';
import { signRequest } from '../signing.ts';
import { startTestGateway, testClientOptions } from '../testing/test-client.ts';
import { jsonFuzz } from '../testing/fuzz-json.ts';
import { loadScenario } from './scenario.ts';
import type { GatewaySimulator } from './server.ts';

const SEED = fuzzSeed(13, process.env.FUZZ_SEED);
const SECRET = 'test-secret';
const GUARD_MS = 5_000;
const scenario = loadScenario();
const hospital = scenario.hospital;
const sheldon = scenario.patients[0]!;
const clock = { now: () => new Date('2026-11-22T02:00:00Z') };
let sim: GatewaySimulator;
let signNo = '';
let nonceCount = 0;
const internalErrors: string[] = [];

beforeAll(async () => {
  sim = await startTestGateway(':memory:', clock, scenario);
  const out = await post('9001', JSON.stringify(envelope('9001', signInInput)), signed);
  signNo = (JSON.parse(out.body) as { output: { signinoutb: { sign_no: string } } }).output
    .signinoutb.sign_no;
});
afterAll(async () => {
  await sim.close();
});

const signInInput = { signIn: { opter_no: 'KIOSK-01', mac: '02:00:00:00:00:01', ip: '10.0.0.2' } };
/** A valid input per transaction: the starting points of the mutations. */
const inputs: Record<string, Record<string, unknown>> = {
  '9001': signInInput,
  '1101': { data: { mdtrt_cert_type: '02', mdtrt_cert_no: sheldon.certno } },
  K101: { data: { psn_no: sheldon.psn_no } },
  K102: { data: { msgid: `${hospital.fixmedins_code}202611221000000001` } },
  K202: { data: { order_no: 'ORD000000000001' } },
  K501: { data: { since_version: '' } },
  K601: { data: { psn_no: sheldon.psn_no } },
  '2206': {
    data: {
      psn_no: sheldon.psn_no,
      mdtrt_cert_type: '02',
      mdtrt_cert_no: sheldon.certno,
      med_type: '11',
      medfee_sumamt: 95.6,
      psn_setlway: '01',
      chrg_bchno: 'OP202611220001',
      insutype: sheldon.insutype,
      acct_used_flag: '1',
    },
  },
};

function envelope(infno: string, input: Record<string, unknown>): Record<string, unknown> {
  return {
    infno,
    msgid: `${hospital.fixmedins_code}20261122100000${String(nonceCount % 10_000).padStart(4, '0')}`,
    mdtrtarea_admvs: hospital.admdvs,
    insuplc_admdvs: '',
    recer_sys_code: 'KIOSK',
    infver: 'V1.0',
    opter_type: '2',
    opter: 'KIOSK-01',
    opter_name: 'Lobby kiosk 1',
    inf_time: '2026-11-22 10:00:00',
    fixmedins_code: hospital.fixmedins_code,
    fixmedins_name: hospital.fixmedins_name,
    sign_no: signNo,
    input,
  };
}

type Headers = Record<string, string>;
const nonce = () => `fuzz-nonce-${++nonceCount}`.padEnd(24, '-');
const signed = (body: string): Headers => ({
  'content-type': 'application/json; charset=utf-8',
  ...signRequest('kiosk', SECRET, body, clock.now().getTime(), nonce()),
});

interface Answer {
  status: number;
  headers: globalThis.Headers;
  body: string;
}

async function post(
  infno: string,
  body: string | Uint8Array,
  headers: (body: string) => Headers,
  method = 'POST',
): Promise<Answer> {
  // The server checks the signature over the body as it decodes it (UTF-8, lossy): so do we.
  const text = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
  const r = await fetch(`${sim.url}/api/${infno}`, {
    method,
    headers: headers(text),
    body: method === 'GET' ? undefined : typeof body === 'string' ? body : new Uint8Array(body),
    signal: AbortSignal.timeout(GUARD_MS),
  });
  return { status: r.status, headers: r.headers, body: await r.text() };
}

const ODD = [null, true, -1, 0, 1e308, 0.005, '', 'x'.repeat(300), [], {}, '\u0000', '１２３'];

const { mutateJson } = jsonFuzz(ODD, 0.25);

/** A typed refusal: a response envelope with infcode -1 and a message, as the protocol says. */
function expectRefusal(answer: Answer, message?: RegExp): void {
  expect(answer.status).toBe(200);
  const env = responseEnvelopeSchema.parse(JSON.parse(answer.body));
  expect(env.infcode).toBe(-1);
  expect(env.err_msg).toEqual(expect.any(String));
  if (message) expect(env.err_msg).toMatch(message);
  if (env.err_msg === 'internal error') internalErrors.push(answer.body);
}

/** Any envelope (the mutation may have kept the call valid) or a typed refusal. */
function expectEnvelope(answer: Answer): void {
  expect(answer.status).toBe(200);
  const env = responseEnvelopeSchema.parse(JSON.parse(answer.body));
  if (env.infcode === -1) expectRefusal(answer);
  // A refusal or a success to a genuine request is signed for its client.
  expect(answer.headers.get('x-tif-signature')).toMatch(/^[0-9a-f]{64}$/);
}

const CODES = Object.keys(inputs);
const PROTOTYPE_NAMES = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf'];

/** One hostile request over HTTP, and what must come of it. */
async function httpCase(r: FuzzRandom): Promise<void> {
  const code = r.pick(CODES);
  const valid = JSON.stringify(envelope(code, inputs[code]!));
  switch (r.int(8)) {
    case 0: {
      // A signed envelope with one field anywhere mutated: it reaches the schemas and handlers.
      const body = JSON.stringify(mutateJson(r, envelope(code, inputs[code]!)));
      expectEnvelope(await post(code, body, signed));
      return;
    }
    case 1: {
      // Signed bytes that are not an envelope: cut, spliced, random.
      const body = r.chance(0.5) ? r.mutate(Buffer.from(valid)) : r.bytes(r.int(400));
      const answer = await post(code, body, signed);
      // Signed as the server reads it, so it gets past the signature to the parsing; a cut or
      // splice may even leave a valid envelope.
      expectEnvelope(answer);
      expect(answer.body).not.toMatch(/signature rejected/);
      return;
    }
    case 2: {
      // A signature header broken, missing or of the wrong shape.
      const header = r.pick(['x-tif-paasid', 'x-tif-timestamp', 'x-tif-nonce', 'x-tif-signature']);
      const headers = (b: string): Headers => {
        const h: Headers = signed(b);
        if (r.chance(0.3))
          return Object.fromEntries(Object.entries(h).filter(([k]) => k !== header));
        return { ...h, [header]: r.mutateText(h[header]!).replace(/[^\x20-\x7e]/g, '') };
      };
      const answer = await post(code, valid, headers);
      const env = responseEnvelopeSchema.parse(JSON.parse(answer.body));
      // The mutation may have left the header as it was, or made a nonce no one used yet; a
      // request that failed its signature is refused by name, and that answer is not signed.
      if (
        /^signature rejected: (missing-headers|unknown-client|bad-signature)$/.test(
          env.err_msg ?? '',
        )
      )
        expect(answer.headers.get('x-tif-signature')).toBeNull();
      else expectEnvelope(answer);
      return;
    }
    case 3: {
      // A client the gateway does not know, prototype names included: unknown, and unsigned.
      const paasid = r.chance(0.5) ? r.pick(PROTOTYPE_NAMES) : r.ascii(1 + r.int(20)).trim() || 'x';
      const answer = await post(code, valid, (b) => ({
        ...signRequest(paasid, SECRET, b, clock.now().getTime(), nonce()),
      }));
      expectRefusal(answer, /signature rejected: unknown-client/);
      expect(answer.headers.get('x-tif-signature')).toBeNull();
      return;
    }
    case 4: {
      // Any content type: the body is judged by its signature and schema, never by its label.
      const type = r.pick([
        'text/plain',
        'application/xml',
        'multipart/form-data; boundary=x',
        '',
        r.ascii(20),
      ]);
      expectEnvelope(await post(code, valid, (b) => ({ ...signed(b), 'content-type': type })));
      return;
    }
    case 5: {
      // An infno that is not one, or not the path's.
      const infno = r.pick(['ZZZZ', '0000', '9999', 'K999', r.digits(4)]);
      const body = JSON.stringify(envelope(infno, inputs[code]!));
      const answer = await post(r.chance(0.5) ? infno : code, body, signed);
      if (infno in transactions) expectEnvelope(answer);
      else expectRefusal(answer, /infno/);
      return;
    }
    case 6: {
      // Paths and methods that are not the API.
      const path = r.pick([
        '1101x',
        '11',
        '../1101',
        'k101',
        encodeURIComponent(r.ascii(6)),
        '1101?x=1',
      ]);
      const answer = await post(path, valid, signed, r.pick(['POST', 'GET', 'PUT', 'DELETE']));
      expect(answer.status).toBe(404);
      expect(JSON.parse(answer.body)).toEqual({ error: 'not found' });
      return;
    }
    default: {
      // The control API without its token (this simulator has none): refused.
      const r2 = await fetch(`${sim.url}/control/${r.pick(['faults', 'state', 'orders/x/pay'])}`, {
        method: r.pick(['GET', 'POST', 'DELETE']),
        headers: r.chance(0.5) ? { 'x-sim-control': r.ascii(10) } : {},
        signal: AbortSignal.timeout(GUARD_MS),
      });
      expect(r2.status).toBe(403);
      return;
    }
  }
}

/** Over the 1 MB limit: refused with 413, or the connection dropped mid-send. */
async function oversized(r: FuzzRandom): Promise<void> {
  const code = r.pick(CODES);
  const valid = JSON.stringify(envelope(code, inputs[code]!));
  const body = valid.slice(0, -1) + `,"pad":"${'x'.repeat(1_000_000 + r.int(50_000))}"}`;
  try {
    const answer = await post(code, body, signed);
    expect(answer.status).toBe(413);
  } catch (error) {
    // The server may close before the whole body is sent: a refusal the client sees as a reset.
    expect(String((error as Error).cause ?? error)).toMatch(
      /ECONNRESET|EPIPE|other side closed|socket/i,
    );
  }
}

/** A raw request that is cut off, lies about its length, or is garbage; waits for the close. */
function rawCase(r: FuzzRandom): Promise<string> {
  const code = r.pick(CODES);
  const body = JSON.stringify(envelope(code, inputs[code]!));
  const headers = signed(body);
  const head =
    `POST /api/${code} HTTP/1.1\r\nHost: 127.0.0.1\r\n` +
    Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
  const request = r.pick([
    // Promises more body than it sends.
    () => `${head}content-length: ${body.length + 1 + r.int(10_000)}\r\n\r\n${body}`,
    // Cut anywhere.
    () => {
      const whole = `${head}content-length: ${body.length}\r\n\r\n${body}`;
      return whole.slice(0, r.int(whole.length));
    },
    // A mutated request.
    () =>
      Buffer.from(r.mutate(Buffer.from(`${head}content-length: ${body.length}\r\n\r\n${body}`))),
    // Chunked with broken chunks.
    () =>
      `${head}transfer-encoding: chunked\r\n\r\n${r.pick(['zz', '10', 'ffffffff'])}\r\n${body.slice(0, 30)}`,
    () => Buffer.from(r.bytes(1 + r.int(500))),
  ])();
  return new Promise((resolve, reject) => {
    const guard = setTimeout(() => reject(new Error('raw socket not closed: hung')), GUARD_MS);
    let answer = '';
    const socket = connect(Number(new URL(sim.url).port), '127.0.0.1', () => {
      socket.end(request);
    });
    socket.on('data', (d) => (answer += d.toString('latin1')));
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(guard);
      resolve(answer);
    });
  });
}

/** The simulator still serves: a real client signs in and reads a patient. */
async function stillServing(): Promise<void> {
  const client = new GatewayClient(testClientOptions(sim.url, clock, { timeoutMs: GUARD_MS }));
  const out = await client.call('1101', {
    data: { mdtrt_cert_type: '02', mdtrt_cert_no: sheldon.certno },
  });
  expect(out.baseinfo.psn_no).toBe(sheldon.psn_no);
}

describe('gateway simulator HTTP fuzzing (bounded, seeded)', () => {
  it('hostile requests: each gets a typed answer, and a real client is served after every batch', async () => {
    await fuzzCases('gateway simulator http', SEED, 240, async (random, i) => {
      await httpCase(random);
      if (i % 50 === 49) await oversized(random);
      if (i % 30 === 29) await stillServing();
    });
    // A mutated input the schemas let through must be refused by name, not by a handler's crash.
    expect(internalErrors).toEqual([]);
  });

  it('truncated, lying and garbage requests on a raw socket: closed, never hung', async () => {
    await fuzzCases('gateway simulator raw', SEED, 150, async (random, i) => {
      const answer = await rawCase(random);
      if (answer !== '') expect(answer).toMatch(/^HTTP\/1\.1 (200|4\d\d)/);
      if (i % 30 === 29) await stillServing();
    });
  });
});
