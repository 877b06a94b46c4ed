/**
 * Bounded, seeded fuzzing of the gateway client's reading of answers (client.ts over
 * http-post.ts): a stand-in where the gateway would be forwards each call to the simulator and
 * hands back its answer broken: bytes or JSON fields mutated (re-signed with the right key, so
 * the envelope and output schemas are what refuse it), signatures dropped or wrong, other status
 * codes, bodies cut off mid-way, garbage instead of HTTP, answers too large. Every call ends in
 * a schema-valid output or a KioskError of the gateway's codes (never "bad response" for a call
 * that changes state: that is in doubt), never another throw.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KioskError } from '../core/errors.ts';
import { fuzzCases, fuzzSeed, type FuzzRandom } from '../core/testing/fuzz.ts';
import { GatewayClient } from './client.ts';
import { transactions, type TransactionCode, type TxInput } from './protocol.ts';
import { signResponse } from './signing.ts';
import { readBody } from './simulator/read-body.ts';
import { loadScenario } from './simulator/scenario.ts';
import type { GatewaySimulator } from './simulator/server.ts';
import { startTestGateway, testClientOptions } from './testing/test-client.ts';
import { jsonFuzz } from './testing/fuzz-json.ts';

const SEED = fuzzSeed(13, process.env.FUZZ_SEED);
const SECRET = 'test-secret';
const scenario = loadScenario();
const sheldon = scenario.patients[0]!;
const clock = { now: () => new Date('2026-11-22T02:00:00Z') };
const CODES = ['gateway-unavailable', 'gateway-rejected', 'gateway-bad-response'];
const STATE_CODES = ['gateway-rejected', 'settlement-in-doubt'];

let sim: GatewaySimulator;
let standInUrl = '';
let closeStandIn: () => Promise<void>;
/** What the stand-in does to the next answer; set by each case. */
let breakAnswer: (real: Forwarded, req: IncomingMessage, res: ServerResponse) => void;
let answerNonce = 0;

interface Forwarded {
  status: number;
  headers: Record<string, string>;
  body: string;
  requestNonce: string;
}

beforeAll(async () => {
  sim = await startTestGateway(':memory:', clock, scenario);
  const server = createServer((req, res) => {
    void (async () => {
      const body = await readBody(req);
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers))
        if ((k === 'content-type' || k.startsWith('x-tif-')) && typeof v === 'string')
          headers[k] = v;
      const r = await fetch(`${sim.url}${req.url}`, { method: 'POST', headers, body });
      const out: Record<string, string> = {};
      r.headers.forEach((v, k) => {
        if (k === 'content-type' || k.startsWith('x-tif-')) out[k] = v;
      });
      const real = {
        status: r.status,
        headers: out,
        body: await r.text(),
        requestNonce: String(req.headers['x-tif-nonce']),
      };
      // The sign-in passes untouched, so the calls under test get that far.
      if (req.url === '/api/9001') res.writeHead(real.status, real.headers).end(real.body);
      else breakAnswer(real, req, res);
    })().catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  standInUrl = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  closeStandIn = () => {
    server.closeAllConnections();
    return new Promise((resolve) => server.close(() => resolve()));
  };
});
afterAll(async () => {
  await closeStandIn();
  await sim.close();
});

const resign = (requestNonce: string, body: string) =>
  signResponse(
    SECRET,
    requestNonce,
    body,
    clock.now().getTime(),
    `answer-nonce-${++answerNonce}-0000`,
  );

const ODD = [null, true, -1, 0, 1e308, -0.001, 0.005, '', 'x'.repeat(2000), [], {}, '\u0000'];

const { randomValue, mutateJson } = jsonFuzz(ODD, 0.2);

/** One way of breaking an answer, chosen by the case's random source. */
function breaker(r: FuzzRandom): typeof breakAnswer {
  const kind = r.int(9);
  return (real, _req, res) => {
    const json = () => JSON.parse(real.body) as unknown;
    switch (kind) {
      case 0: {
        // One JSON field changed anywhere, re-signed: only the schemas stand in the way.
        const body = JSON.stringify(mutateJson(r, json()));
        res.writeHead(200, { ...resign(real.requestNonce, body) }).end(body);
        return;
      }
      case 1: {
        // The bytes changed, re-signed: not JSON, or JSON of another shape.
        const body = Buffer.from(r.mutate(Buffer.from(real.body))).toString('utf8');
        res.writeHead(200, { ...resign(real.requestNonce, body) }).end(body);
        return;
      }
      case 2: {
        // The bytes or a field changed, the gateway's own signature kept: it no longer matches.
        const body = r.chance(0.5)
          ? JSON.stringify(mutateJson(r, json()))
          : Buffer.from(r.mutate(Buffer.from(real.body))).toString('utf8');
        res.writeHead(200, real.headers).end(body);
        return;
      }
      case 3: {
        // Signature headers dropped or broken, the body intact.
        const headers = { ...real.headers };
        const name = r.pick(['x-tif-timestamp', 'x-tif-nonce', 'x-tif-signature']);
        if (r.chance(0.5)) headers[name] = '';
        else headers[name] = r.mutateText(headers[name] ?? '').replace(/[^\x20-\x7e]/g, '');
        res.writeHead(200, headers).end(real.body);
        return;
      }
      case 4: {
        // Another status, with the real or a random body.
        const status = r.pick([201, 204, 301, 400, 401, 404, 413, 429, 500, 502, 503, 599]);
        const body = r.chance(0.5) ? real.body : r.ascii(r.int(100));
        res.writeHead(status, status === 204 ? {} : real.headers).end(status === 204 ? '' : body);
        return;
      }
      case 5: {
        // Cut off: the length promised, part of the body sent, the connection dropped.
        const bytes = Buffer.from(real.body);
        res.writeHead(200, { ...real.headers, 'content-length': String(bytes.length) });
        res.write(bytes.subarray(0, r.int(bytes.length)), () => res.destroy());
        return;
      }
      case 6: {
        // Not HTTP at all: garbage, or a status line and nothing after.
        const garbage = r.chance(0.5)
          ? Buffer.from(r.bytes(1 + r.int(200)))
          : 'HTTP/1.1 200 OK\r\n';
        res.socket?.end(garbage);
        return;
      }
      case 7: {
        // A refusal envelope with a made-up message, re-signed: a definite, typed refusal.
        const body = JSON.stringify({
          infcode: -1,
          inf_refmsgid: 'GW0',
          refmsg_time: '',
          respond_time: '',
          err_msg: r.units(r.int(1200)),
          output: r.chance(0.5) ? null : randomValue(r),
        });
        res.writeHead(200, { ...resign(real.requestNonce, body) }).end(body);
        return;
      }
      default:
        // An answer from before, played again (its nonce is spent, or it answers another call).
        res.writeHead(200, (lastReal ?? real).headers).end((lastReal ?? real).body);
        lastReal = real;
    }
  };
}
let lastReal: Forwarded | undefined;

const bill = scenario.bills.find((b) => b.psn_no === sheldon.psn_no)!;
type AnyCall = { code: TransactionCode; input: TxInput<TransactionCode> };
const calls: AnyCall[] = [
  { code: '1101', input: { data: { mdtrt_cert_type: '02', mdtrt_cert_no: sheldon.certno } } },
  { code: 'K101', input: { data: { psn_no: sheldon.psn_no } } },
  { code: 'K501', input: { data: { since_version: '' } } },
  { code: 'K601', input: { data: { psn_no: sheldon.psn_no } } },
  {
    code: '2207',
    input: {
      data: {
        psn_no: sheldon.psn_no,
        mdtrt_cert_type: '02',
        mdtrt_cert_no: sheldon.certno,
        med_type: '11',
        medfee_sumamt: 95.6,
        psn_setlway: '01',
        chrg_bchno: bill.chrg_bchno,
        insutype: sheldon.insutype,
        acct_used_flag: '1',
      },
    },
  },
] as AnyCall[];

/** Runs one call; returns what came of it, failing on anything but output or a typed error. */
async function outcome(client: GatewayClient, call: AnyCall): Promise<string> {
  try {
    const out = await client.call(call.code, call.input);
    expect(transactions[call.code].output.safeParse(out).success).toBe(true);
    return 'output';
  } catch (error) {
    if (!(error instanceof KioskError)) throw error;
    const allowed = transactions[call.code].changesState ? STATE_CODES : CODES;
    expect(allowed).toContain(error.code);
    return error.code;
  }
}

describe('gateway client fuzzing (bounded, seeded)', () => {
  it('broken, forged, cut-off and garbage answers: an output or a typed KioskError each', async () => {
    const client = new GatewayClient(testClientOptions(standInUrl, clock, { timeoutMs: 5_000 }));
    const seen = new Map<string, number>();
    await fuzzCases('gateway client', SEED, 200, async (random) => {
      breakAnswer = breaker(random);
      const result = await outcome(client, random.pick(calls));
      seen.set(result, (seen.get(result) ?? 0) + 1);
    });
    for (const code of ['gateway-bad-response', 'settlement-in-doubt', 'gateway-rejected'])
      expect(seen.get(code), code).toBeGreaterThan(0);
  });

  it('an answer over the client limit (64 MB) is cut off and refused, not read', async () => {
    const client = new GatewayClient(testClientOptions(standInUrl, clock, { timeoutMs: 20_000 }));
    breakAnswer = (real, _req, res) => {
      const chunk = Buffer.alloc(1024 * 1024, 0x20);
      res.writeHead(200, real.headers);
      let sent = 0;
      const more = () => {
        while (sent < 70 && !res.destroyed) {
          sent++;
          if (!res.write(chunk)) return void res.once('drain', more);
        }
        res.end();
      };
      res.on('error', () => undefined);
      more();
    };
    await expect(client.call('1101', calls[0]!.input as TxInput<'1101'>)).rejects.toMatchObject({
      code: 'gateway-bad-response',
      message: expect.stringMatching(/cut off/),
    });
  });
});
