/**
 * POST /sim/reset behind the web server, with a real gateway simulator, printer, camera and
 * scanner: refused while the kiosk pays or has payments open (nothing changes), otherwise the
 * gateway's world is the scenario as loaded again, the printer holds no receipts, the camera
 * shows nobody, every device is plugged in, the gateway is online and the kiosk is home.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kioskMethodNames } from '../core/kiosk-api.ts';
import { serviceFrom, type KioskMethodImplementations } from '../core/kiosk-service-from.ts';
import { startTestGateway } from '../gateway/testing/test-client.ts';
import { loadScenario } from '../gateway/simulator/scenario.ts';
import type { GatewaySimulator } from '../gateway/simulator/server.ts';
import { SimulatedCamera } from '../hardware/camera/simulated-camera.ts';
import { SimulatedPrinter } from '../hardware/printer/simulated-printer.ts';
import { SimulatedQrScanner } from '../hardware/scanner/simulated-qr-scanner.ts';
import { CONTROL_HEADER, simulatorControl } from './simulator-control.ts';
import { KioskWebServer } from './web-server.ts';

const CONTROL_TOKEN = 'control-token-0123456789';
const bill = loadScenario().bills[0]!;
let dir: string;
let gateway: GatewaySimulator;
let server: KioskWebServer;
let base: string;
const printer = new SimulatedPrinter();
const scanner = new SimulatedQrScanner();
let camera: SimulatedCamera;
/** The kiosk as the reset sees it: its screen and its journal's open payments. */
const kiosk = { screen: 'bills', open: 0, sentHome: 0 };

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kiosk-sim-reset-'));
  writeFileSync(join(dir, 'index.html'), '<meta name="kiosk-token" content="__KIOSK_TOKEN__" />');
  gateway = await startTestGateway(':memory:', { now: () => new Date() });
  // Someone stands in front of the camera (a scene set before the reset; never drawn here).
  camera = new SimulatedCamera({
    fixturesDir: dir,
    scene: { kind: 'image', path: join(dir, 'visitor.png') },
  });
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
      { gateway, printer, scanner, camera, face: { setLiveness: () => undefined } },
      CONTROL_TOKEN,
      {
        fixturesDir: dir,
        kiosk: {
          screen: () => kiosk.screen,
          openPayments: () => kiosk.open,
          toHome: () => {
            kiosk.sentHome++;
            kiosk.screen = 'home';
          },
        },
      },
    ),
  });
  base = await server.start();
});
afterAll(async () => {
  await server.stop();
  await gateway.close();
  rmSync(dir, { recursive: true, force: true });
});

function post(path: string, body: unknown = {}): Promise<Response> {
  return fetch(new URL(path, base), {
    method: 'POST',
    headers: { [CONTROL_HEADER]: CONTROL_TOKEN, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('POST /sim/reset', () => {
  it('is refused while the kiosk pays or has payments open, and changes nothing', async () => {
    // The world as a tester left it: a bill paid, a receipt printed, the gateway down.
    gateway.store.db
      .prepare(`UPDATE bills SET status = 'paid' WHERE chrg_bchno = ?`)
      .run(bill.chrg_bchno);
    await printer.open();
    await printer.write(Uint8Array.from([...Buffer.from('RECEIPT\n'), 0x1d, 0x56, 0x00]));
    expect(printer.receipts).toHaveLength(1);
    await post('sim/gateway', { online: false });

    kiosk.screen = 'settling';
    const paying = await post('sim/reset');
    expect(paying.status).toBe(409);
    expect(((await paying.json()) as { error: string }).error).toMatch(
      /a patient is paying or binding at the kiosk \(screen "settling"\)/,
    );

    kiosk.screen = 'home';
    kiosk.open = 1;
    const open = await post('sim/reset');
    expect(open.status).toBe(409);
    expect(((await open.json()) as { error: string }).error).toMatch(
      /the kiosk still has 1 payment open/,
    );
    // The panel reads the same refusal from the state before the tester presses anything.
    const state = (await (
      await fetch(new URL('sim/state', base), { headers: { [CONTROL_HEADER]: CONTROL_TOKEN } })
    ).json()) as { reset: { refusal: string | null } };
    expect(state.reset.refusal).toMatch(/^the kiosk still has 1 payment open/);
    expect(gateway.store.people.bill(bill.chrg_bchno)!.status).toBe('paid');
    expect(printer.receipts).toHaveLength(1);
    expect(gateway.listening).toBe(false);
  });

  it('otherwise puts the world back as loaded and the kiosk home', async () => {
    kiosk.open = 0;
    kiosk.screen = 'bills';
    printer.configure({ paperOut: true });
    scanner.setUnplugged(true);
    const reset = await post('sim/reset');
    expect(reset.status).toBe(200);
    expect(await reset.json()).toMatchObject({
      cleared: { bills: expect.any(Number) },
      screen: 'home',
    });
    expect(kiosk.sentHome).toBe(1);
    expect(gateway.store.people.bill(bill.chrg_bchno)!.status).toBe('unpaid');
    expect(printer.receipts).toHaveLength(0);
    expect(printer.state.paperOut).toBe(false);
    expect(camera.currentScene).toEqual({ kind: 'empty' });
    expect(scanner.isUnplugged).toBe(false);
    expect(gateway.listening).toBe(true);
  });

  it('needs the control token', async () => {
    const refused = await fetch(new URL('sim/reset', base), { method: 'POST' });
    expect(refused.status).toBe(403);
  });
});
