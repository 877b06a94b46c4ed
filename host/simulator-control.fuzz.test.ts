/**
 * Bounded, seeded fuzzing of the simulator control API (/sim/*, simulator mode only) behind the
 * web server, with a real gateway simulator and scanner simulator behind it. A request without the
 * control token, or with a wrong one, is refused with 403 whatever its route, method or body
 * (only the tester panel's own files are served without it). A request with the token but a
 * broken body gets a typed 4xx. After every batch the kiosk page is still served, and the
 * state route still answers.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kioskMethodNames } from '../core/kiosk-api.ts';
import { serviceFrom, type KioskMethodImplementations } from '../core/kiosk-service-from.ts';
import { fuzzCases, fuzzSeed, type FuzzRandom } from '../core/testing/fuzz.ts';
import { startTestGateway } from '../gateway/testing/test-client.ts';
import type { GatewaySimulator } from '../gateway/simulator/server.ts';
import { SimulatedQrScanner } from '../hardware/scanner/simulated-qr-scanner.ts';
import { CONTROL_HEADER, simulatorControl } from './simulator-control.ts';
import { KioskWebServer } from './web-server.ts';

const SEED = fuzzSeed(13, process.env.FUZZ_SEED);
const CONTROL_TOKEN = 'control-token-0123456789';
let dir: string;
let gateway: GatewaySimulator;
let server: KioskWebServer;
const liveness: boolean[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kiosk-control-fuzz-'));
  writeFileSync(join(dir, 'index.html'), '<meta name="kiosk-token" content="__KIOSK_TOKEN__" />');
  gateway = await startTestGateway(':memory:', { now: () => new Date('2026-11-22T02:00:00Z') });
  const answers = Object.fromEntries(
    kioskMethodNames.map((name) => [name, () => undefined]),
  ) as unknown as KioskMethodImplementations;
  server = new KioskWebServer({
    service: serviceFrom([answers], {
      view: () => () => undefined,
      cameraFrame: () => () => undefined,
      notice: () => () => undefined,
    }),
    staticDir: dir,
    token: 'launch-token',
    log: () => undefined,
    port: 0,
    extraRoutes: simulatorControl(
      {
        gateway,
        scanner: new SimulatedQrScanner(),
        face: { setLiveness: (on) => liveness.push(on) },
      },
      CONTROL_TOKEN,
      { fixturesDir: dir },
    ),
  });
  await server.start();
});
afterAll(async () => {
  await server.stop();
  await gateway.close();
  rmSync(dir, { recursive: true, force: true });
});

const ROUTES = [
  'GET /sim/state',
  'GET /sim/camera/people',
  'POST /sim/camera',
  'POST /sim/printer',
  'GET /sim/printer/receipts',
  'GET /sim/printer/receipts/0.png',
  'POST /sim/scanner',
  'POST /sim/face',
  'POST /sim/wallet/expire',
  'POST /sim/wallet/pay',
  'POST /sim/gateway/fault',
  'DELETE /sim/gateway/fault',
  'POST /sim/unknown',
  'GET /sim/',
  'PUT /sim/state',
];
const PANEL = ['/sim/panel', '/sim/panel.js', '/sim/panel.css'];

/** A body that is not what the route wants: garbage, wrong fields, too large. */
function badBody(r: FuzzRandom): string {
  switch (r.int(5)) {
    case 0:
      return new TextDecoder().decode(r.bytes(r.int(100)));
    case 1:
      return JSON.stringify({ [r.ascii(6)]: r.units(10) });
    case 2:
      return JSON.stringify(r.pick([null, [], 1, 'x', { online: 'yes' }, { code: 7 }]));
    case 3:
      return JSON.stringify({ code: 'x'.repeat(70 * 1024) });
    default:
      return r.mutateText(JSON.stringify({ liveness: true, code: '424', channel: 'wechat' }));
  }
}

async function request(route: string, headers: Record<string, string>, body?: string) {
  const [method, path] = route.split(' ') as [string, string];
  const r = await fetch(`http://127.0.0.1:${server.port}${path}`, {
    method,
    headers,
    body: method === 'GET' ? undefined : body,
    signal: AbortSignal.timeout(5_000),
  });
  return { status: r.status, text: await r.text() };
}

async function stillServing(): Promise<void> {
  expect((await fetch(`http://127.0.0.1:${server.port}/`)).status).toBe(200);
  const state = await request('GET /sim/state', { [CONTROL_HEADER]: CONTROL_TOKEN });
  expect(state.status).toBe(200);
}

describe('simulator control API fuzzing (bounded, seeded)', () => {
  it('without the token, or with a wrong one: 403 on every route, whatever the body', async () => {
    await fuzzCases('control without token', SEED, 150, async (random, i) => {
      const token = random.chance(0.3)
        ? undefined
        : random.chance(0.5)
          ? random.mutateText(CONTROL_TOKEN).replace(/[^\x20-\x7e]/g, '')
          : random.ascii(random.int(40));
      if (token === CONTROL_TOKEN) return; // a mutation that changed nothing
      const headers: Record<string, string> =
        token === undefined ? {} : { [CONTROL_HEADER]: token };
      const answer = await request(random.pick(ROUTES), headers, badBody(random));
      expect(answer.status).toBe(403);
      expect(JSON.parse(answer.text)).toEqual({ error: 'control token required' });
      if (i % 30 === 29) await stillServing();
    });
    // The panel's own files hold no data and are served without the token.
    for (const path of PANEL) expect((await request(`GET ${path}`, {})).status).toBe(200);
    expect(liveness).toEqual([]);
  });

  it('with the token but a broken body: a typed 4xx, never a 500; serving after each batch', async () => {
    await fuzzCases('control with token', SEED, 150, async (random, i) => {
      const route = random.pick(ROUTES.filter((r) => r.startsWith('POST')));
      const answer = await request(route, { [CONTROL_HEADER]: CONTROL_TOKEN }, badBody(random));
      expect(answer.status).toBeLessThan(500);
      expect(JSON.parse(answer.text)).toEqual(expect.any(Object));
      if (i % 30 === 29) await stillServing();
    });
  });
});
