/**
 * Bounded, seeded fuzzing of web mode's WebSocket: random, truncated, oversized and wrong-typed
 * JSON, unknown methods, binary and invalid-UTF-8 frames, broken WebSocket framing written on a
 * raw socket, garbage upgrade requests and bad tokens. Each case ends in an answer to its call
 * or in that one socket being closed; after every batch a fresh socket's valid call is answered
 * and the page is served, so no input took the server down or wedged it.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { kioskMethodNames } from '../core/kiosk-api.ts';
import { serviceFrom, type KioskMethodImplementations } from '../core/kiosk-service-from.ts';
import { fuzzCases, fuzzSeed, type FuzzRandom } from '../core/testing/fuzz.ts';
import { MAX_MESSAGE_BYTES, WS_PATH, serverMessageSchema } from '../core/ws-protocol.ts';
import { KioskWebServer } from './web-server.ts';

const SEED = fuzzSeed(13, process.env.FUZZ_SEED);
const TOKEN = 'launch-token-0123456789';
/** Longer than any healthy answer on loopback; reaching it means the server hung. */
const GUARD_MS = 5_000;
let dir: string;
let server: KioskWebServer;
const logged: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kiosk-web-fuzz-'));
  writeFileSync(join(dir, 'index.html'), '<meta name="kiosk-token" content="__KIOSK_TOKEN__" />');
  // A stand-in that answers every method with what it was given, so valid calls come back.
  const answers = Object.fromEntries(
    kioskMethodNames.map((name) => [name, (...args: unknown[]) => ({ name, args })]),
  ) as unknown as KioskMethodImplementations;
  server = new KioskWebServer({
    service: serviceFrom([answers], {
      view: () => () => undefined,
      cameraFrame: () => () => undefined,
      notice: () => () => undefined,
    }),
    staticDir: dir,
    token: TOKEN,
    log: (event) => logged.push(event),
    port: 0,
  });
  await server.start();
});
afterAll(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
});

const origin = () => `http://127.0.0.1:${server.port}`;
const wsUrl = (token: string) =>
  `ws://127.0.0.1:${server.port}${WS_PATH}?token=${encodeURIComponent(token)}`;

/** A socket, or the HTTP status that refused it. */
function open(token = TOKEN, from = origin()): Promise<WebSocket | number> {
  const ws = new WebSocket(wsUrl(token), { origin: from });
  ws.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.once('close', () => reject(new Error('closed before opening')));
  });
}

async function openOrFail(): Promise<WebSocket> {
  const ws = await open();
  if (typeof ws === 'number') throw new Error(`the valid token was refused: HTTP ${ws}`);
  return ws;
}

type Outcome = { answered: true; ok: boolean } | { answered: false; closeCode: number };

/** Sends one frame and waits for the answer to `id`, or for the server to close the socket. */
function exchange(
  ws: WebSocket,
  frame: string | Buffer,
  binary: boolean,
  id: number,
): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const guard = setTimeout(() => reject(new Error('no answer and no close: hung')), GUARD_MS);
    const onMessage = (raw: Buffer) => {
      const message = serverMessageSchema.parse(JSON.parse(String(raw)));
      if (message.type !== 'result' || message.id !== id) return;
      done();
      resolve({ answered: true, ok: message.ok });
    };
    const onClose = (code: number) => {
      done();
      resolve({ answered: false, closeCode: code });
    };
    const done = () => {
      clearTimeout(guard);
      ws.off('message', onMessage);
      ws.off('close', onClose);
    };
    ws.on('message', onMessage);
    ws.once('close', onClose);
    ws.send(frame, { binary });
  });
}

const METHODS = [
  ...kioskMethodNames,
  'shutdown',
  'subscribe',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty',
  '',
];
const ODD_VALUES = [
  null,
  true,
  -1,
  1.5,
  Number.MAX_SAFE_INTEGER + 2,
  '',
  'B-1',
  '1'.repeat(600),
  [],
  {},
  { __proto__: { polluted: true } },
  [[[[[[]]]]]],
];

function randomValue(r: FuzzRandom, depth = 0): unknown {
  switch (r.int(depth > 2 ? 4 : 6)) {
    case 0:
      return r.pick(ODD_VALUES);
    case 1:
      return r.units(r.int(40));
    case 2:
      return (r.next() - 0.5) * 10 ** r.int(20);
    case 3:
      return r.chance(0.5);
    case 4:
      return Array.from({ length: r.int(5) }, () => randomValue(r, depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: r.int(5) }, () => [r.ascii(r.int(8)), randomValue(r, depth + 1)]),
      );
  }
}

/** A call with a proper envelope: it must be answered, whatever its method and arguments. */
function call(r: FuzzRandom, id: number): string {
  const args = Array.from({ length: r.int(9) }, () => randomValue(r));
  return JSON.stringify({ type: 'call', id, method: r.pick(METHODS), args });
}

/** An envelope with a field of the wrong type, or missing, or one too many arguments. */
function wrongTyped(r: FuzzRandom, id: number): string {
  const field = r.pick(['type', 'id', 'method', 'args']);
  const message: Record<string, unknown> = { type: 'call', id, method: 'selectBill', args: ['B'] };
  if (r.chance(0.2))
    message[field] = undefined; // JSON.stringify leaves it out
  else if (field === 'args' && r.chance(0.5)) message.args = Array.from({ length: 9 }, () => 1);
  else if (field === 'method' && r.chance(0.5)) message.method = 'x'.repeat(41);
  else if (field === 'id' && r.chance(0.5)) message.id = r.pick([-1, 0.5, 2 ** 60, '1', null]);
  else message[field] = randomValue(r);
  return JSON.stringify(r.chance(0.2) ? [message] : message);
}

type Case =
  | { kind: 'call'; frame: string; binary: boolean }
  | { kind: 'maybe'; frame: string | Buffer; binary: boolean }
  | { kind: 'refused'; frame: string | Buffer; binary: boolean; codes: number[] };

/** One hostile message on an open socket, and what must come of it. */
function message(r: FuzzRandom, id: number): Case {
  switch (r.int(8)) {
    case 0:
      return { kind: 'call', frame: call(r, id), binary: false };
    case 1:
      // A call sent as a binary frame is read all the same.
      return { kind: 'call', frame: call(r, id), binary: true };
    case 2:
      return { kind: 'maybe', frame: wrongTyped(r, id), binary: false };
    case 3: {
      const text = call(r, id);
      return { kind: 'maybe', frame: text.slice(0, r.int(text.length)), binary: false };
    }
    case 4:
      return { kind: 'maybe', frame: r.mutateText(call(r, id)), binary: r.chance(0.5) };
    case 5:
      // Random bytes as a binary frame, or as a text frame (mostly invalid UTF-8: 1007).
      return {
        kind: 'refused',
        frame: Buffer.from(r.bytes(1 + r.int(200))),
        binary: r.chance(0.5),
        codes: [1007, 1008],
      };
    case 6: {
      // Over the channel's limit: a camera frame with too much padding, or plain filler.
      const extra = 1 + r.int(100_000);
      const frame = r.chance(0.5)
        ? JSON.stringify({
            type: 'call',
            id,
            method: 'pushCameraFrame',
            args: [`data:image/jpeg;base64,${'A'.repeat(MAX_MESSAGE_BYTES + extra)}`],
          })
        : '['.repeat(MAX_MESSAGE_BYTES + extra);
      return { kind: 'refused', frame, binary: false, codes: [1009] };
    }
    default: {
      // Deep nesting, in the arguments or as the whole message.
      const depth = 1 + r.int(50_000);
      const nested = `${'['.repeat(depth)}${']'.repeat(depth)}`;
      return r.chance(0.5)
        ? { kind: 'refused', frame: nested, binary: false, codes: [1008] }
        : {
            kind: 'maybe',
            frame: `{"type":"call","id":${id},"method":"selectBill","args":[${nested}]}`,
            binary: false,
          };
    }
  }
}

/** A text frame as a browser sends it: FIN, opcode 1, masked, with the length's encoding. */
function maskedFrame(payload: Buffer, opcode = 1): Buffer {
  const mask = Buffer.from([1, 2, 3, 4]);
  const length =
    payload.length < 126
      ? Buffer.from([0x80 | payload.length])
      : Buffer.from([0x80 | 126, payload.length >> 8, payload.length & 0xff]);
  const body = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!));
  return Buffer.concat([Buffer.from([0x80 | opcode]), length, mask, body]);
}

/**
 * A raw TCP conversation: `request` written, then, once the server has answered the upgrade,
 * `after` (broken WebSocket framing); our side ends, and this waits for the server to close.
 * Resolves with everything the server sent.
 */
function rawConversation(request: string | Uint8Array, after?: Uint8Array): Promise<string> {
  return new Promise((resolve, reject) => {
    const guard = setTimeout(() => reject(new Error('raw socket not closed: hung')), GUARD_MS);
    let answer = '';
    const socket = connect(server.port, '127.0.0.1', () => {
      socket.write(request);
      if (!after) socket.end();
    });
    socket.on('data', (d) => {
      const first = answer === '';
      answer += d.toString('latin1');
      if (first && after) {
        if (answer.startsWith('HTTP/1.1 101')) socket.write(after);
        socket.end();
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearTimeout(guard);
      resolve(answer);
    });
  });
}

function upgradeRequest(path: string, extraHeaders = ''): string {
  return (
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${server.port}\r\nOrigin: ${origin()}\r\n` +
    `Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n` +
    `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n${extraHeaders}\r\n`
  );
}

/** Garbage before or instead of a WebSocket: refused upgrades, broken requests, broken frames. */
async function rawCase(r: FuzzRandom, id: number): Promise<void> {
  const goodPath = `${WS_PATH}?token=${TOKEN}`;
  switch (r.int(4)) {
    case 0: {
      // A path, query or token that is not ours, or does not parse.
      const path = r.pick([
        '//[',
        `${WS_PATH}?token=${r.ascii(r.int(30)).replace(/[\s#]/g, '')}`,
        `${WS_PATH}?token=${TOKEN}x`,
        `/${r.ascii(r.int(20)).replace(/\s/g, '')}`,
        `${WS_PATH}?token=%${r.int(10)}`,
      ]);
      const answer = await rawConversation(upgradeRequest(path));
      expect(answer).toMatch(/^HTTP\/1\.1 4\d\d/);
      return;
    }
    case 1: {
      // A mutated upgrade request: anything may come back but a hang or a crash.
      await rawConversation(r.mutate(Buffer.from(upgradeRequest(goodPath))));
      return;
    }
    case 2: {
      // Random bytes as the request.
      const answer = await rawConversation(r.bytes(1 + r.int(300)));
      if (answer !== '') expect(answer).toMatch(/^HTTP\/1\.1 4\d\d/);
      return;
    }
    default: {
      // A real upgrade, then a mutated frame (reserved bits, opcodes, lengths, an unmasked one).
      const frame = maskedFrame(Buffer.from(call(r, id)), r.pick([1, 2, 3, 8, 9, 15]));
      const answer = await rawConversation(upgradeRequest(goodPath), r.mutate(frame));
      expect(answer).toMatch(/^HTTP\/1\.1 101/);
    }
  }
}

/** The kiosk is still up: a new socket's valid call is answered, and the page is served. */
async function stillServing(id: number): Promise<void> {
  const ws = await openOrFail();
  const frame = JSON.stringify({ type: 'call', id, method: 'selectBill', args: ['B-1'] });
  expect(await exchange(ws, frame, false, id)).toEqual({ answered: true, ok: true });
  ws.close();
  expect((await fetch(`http://127.0.0.1:${server.port}/`)).status).toBe(200);
}

describe('web mode WebSocket fuzzing (bounded, seeded)', () => {
  it('hostile messages on open sockets: each answered or its socket closed, and serving after each batch', async () => {
    let ws = await openOrFail();
    const seen = { answered: 0, closed: 0 };
    await fuzzCases('web-server messages', SEED, 400, async (random, i) => {
      if (ws.readyState !== ws.OPEN) ws = await openOrFail();
      const c = message(random, i);
      const outcome = await exchange(ws, c.frame, c.binary, i);
      if (c.kind === 'call') expect(outcome).toMatchObject({ answered: true });
      if (c.kind === 'refused') expect(outcome).toMatchObject({ answered: false });
      if (c.kind === 'refused' && !outcome.answered) expect(c.codes).toContain(outcome.closeCode);
      seen[outcome.answered ? 'answered' : 'closed']++;
      if (i % 25 === 24) await stillServing(1_000_000 + i);
    });
    ws.close();
    expect(seen.answered).toBeGreaterThan(50);
    expect(seen.closed).toBeGreaterThan(50);
  });

  it('bad tokens and origins are refused with 403, and the right one still opens', async () => {
    await fuzzCases('web-server tokens', SEED, 60, async (random) => {
      const token = random.chance(0.5)
        ? random.mutateText(TOKEN)
        : random.units(random.int(64)).replace(/[\ud800-\udfff]/g, '');
      const from = random.chance(0.3) ? `http://${random.ascii(12)}` : origin();
      const opened = await open(token, from);
      if (typeof opened === 'number') expect(opened).toBe(403);
      else {
        // A mutation may leave the token as it was; only then may it open, and only from home.
        expect([token, from]).toEqual([TOKEN, origin()]);
        opened.close();
      }
    });
    await stillServing(1);
  });

  it('raw garbage: broken upgrades, random requests, broken frames; serving after each batch', async () => {
    await fuzzCases('web-server raw', SEED, 200, async (random, i) => {
      await rawCase(random, i);
      if (i % 25 === 24) await stillServing(2_000_000 + i);
    });
  });
});
