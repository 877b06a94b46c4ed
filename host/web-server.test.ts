/**
 * Web mode's WebSocket: only this launch's page may open it, and it carries KioskApi calls and
 * events exactly as Electron's IPC does. The service here is made by serviceFrom from a stand-in
 * that answers every method; the e2e tests drive the real kiosk over the same socket.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { kioskMethodNames, type KioskEventPayload } from '../core/kiosk-api.ts';
import { serviceFrom, type KioskMethodImplementations } from '../core/kiosk-service-from.ts';
import { createListenerMap } from '../core/listener-map.ts';
import {
  MAX_MESSAGE_BYTES,
  WS_PATH,
  serverMessageSchema,
  type ServerMessage,
} from '../core/ws-protocol.ts';
import { KioskWebServer } from './web-server.ts';

const TOKEN = 'launch-token-0123456789';
let dir: string;
let server: KioskWebServer;
const views = createListenerMap<{ view: KioskEventPayload<'view'> }>();
const logged: string[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kiosk-web-'));
  writeFileSync(join(dir, 'index.html'), '<meta name="kiosk-token" content="__KIOSK_TOKEN__" />');
  const answers = Object.fromEntries(
    kioskMethodNames.map((name) => [name, (...args: unknown[]) => ({ name, args })]),
  ) as unknown as KioskMethodImplementations;
  server = new KioskWebServer({
    service: serviceFrom([answers], {
      view: (listener) => views.on('view', listener),
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
afterEach(async () => {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
  logged.length = 0;
});

function open(token: string, origin = `http://127.0.0.1:${server.port}`): Promise<WebSocket> {
  const url = `ws://127.0.0.1:${server.port}${WS_PATH}?token=${encodeURIComponent(token)}`;
  const ws = new WebSocket(url, { origin });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
}

function nextMessage(ws: WebSocket): Promise<ServerMessage> {
  return new Promise((resolve) =>
    ws.once('message', (raw) => resolve(serverMessageSchema.parse(JSON.parse(String(raw))))),
  );
}

describe('web mode WebSocket', () => {
  it('serves the launch token only in its own page', async () => {
    const page = await fetch(server.url).then((r) => r.text());
    expect(page).toContain(TOKEN);
  });

  it('refuses a socket without this launch token or from another origin', async () => {
    await expect(open('wrong-token')).rejects.toThrow('HTTP 403');
    await expect(open(TOKEN, 'http://evil.example')).rejects.toThrow('HTTP 403');
    expect(logged).toEqual(['ws.refused', 'ws.refused']);
  });

  it('answers calls, validating their arguments, and pushes events', async () => {
    const ws = await open(TOKEN);
    ws.send(JSON.stringify({ type: 'call', id: 1, method: 'selectBill', args: ['B-1'] }));
    expect(await nextMessage(ws)).toEqual({ type: 'result', id: 1, ok: true });
    ws.send(JSON.stringify({ type: 'call', id: 2, method: 'adminLogin', args: ['1234'] }));
    expect(await nextMessage(ws)).toEqual({
      type: 'result',
      id: 2,
      ok: true,
      value: { name: 'adminLogin', args: ['1234'] },
    });
    ws.send(JSON.stringify({ type: 'call', id: 3, method: 'selectBill', args: [42] }));
    expect(await nextMessage(ws)).toMatchObject({ id: 3, ok: false, error: /invalid arguments/ });
    ws.send(JSON.stringify({ type: 'call', id: 4, method: 'shutdown', args: [] }));
    expect(await nextMessage(ws)).toMatchObject({ id: 4, ok: false, error: /unknown method/ });
    const event = nextMessage(ws);
    views.emit('view', { screen: 'home' });
    expect(await event).toEqual({ type: 'event', event: 'view', payload: { screen: 'home' } });
    ws.close();
  });

  it('keeps serving after a message over the limit, a broken upgrade and a bad token', async () => {
    const big = await open(TOKEN);
    const closed = new Promise<number>((resolve) => big.once('close', (code) => resolve(code)));
    big.on('error', () => undefined);
    big.send('x'.repeat(MAX_MESSAGE_BYTES + 200_000));
    expect(await closed).toBe(1009);
    // A camera frame at the contract's limit fits the channel and reaches the service.
    const ws = await open(TOKEN);
    const frame = `data:image/jpeg;base64,${'A'.repeat(150_000)}`;
    ws.send(JSON.stringify({ type: 'call', id: 7, method: 'pushCameraFrame', args: [frame] }));
    expect(await nextMessage(ws)).toMatchObject({ id: 7, ok: true });
    // An upgrade whose URL does not parse, and one with a bad token: refused, nothing else.
    const raw = await rawUpgrade(server.port, '//[');
    expect(raw).toMatch(/^HTTP\/1\.1 (400|403)/);
    await expect(open('bad-token')).rejects.toThrow('HTTP 403');
    ws.send(JSON.stringify({ type: 'call', id: 8, method: 'selectBill', args: ['B-1'] }));
    expect(await nextMessage(ws)).toEqual({ type: 'result', id: 8, ok: true });
    expect(await fetch(server.url).then((r) => r.status)).toBe(200);
    ws.close();
  });
});

/** An upgrade request written by hand, so its URL can be one no client library would send. */
function rawUpgrade(port: number, path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(
        `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: Upgrade\r\n` +
          `Upgrade: websocket\r\nSec-WebSocket-Version: 13\r\n` +
          `Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n`,
      );
    });
    let answer = '';
    socket.on('data', (d) => (answer += String(d)));
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}
