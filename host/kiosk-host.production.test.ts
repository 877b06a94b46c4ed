/**
 * Production mode: the kiosk host with no simulator anywhere in it. It talks to the hospital's
 * gateway at its configured URL with the secret from the environment, prints on a network
 * receipt printer, and exposes no simulator controls; a payment goes through end to end. The
 * "hospital's gateway" here is the gateway simulator in the test, over real HTTP.
 */
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../core/config.ts';
import type { SessionView } from '../core/kiosk-api.ts';
import { loadScenario } from '../gateway/simulator/scenario.ts';
import { GatewaySimulator } from '../gateway/simulator/server.ts';
import { testCertificate } from '../gateway/testing/tls-cert.ts';
import { NetworkPrinter } from '../hardware/testing/network-printer.ts';
import { KioskHost } from './kiosk-host.ts';

const SECRET = 'hospital-issued-secret-0123456789';
const clock = { now: () => new Date() };
const scenario = loadScenario();
const certificate = testCertificate();

let dir: string;
let gateway: GatewaySimulator;
let printer: NetworkPrinter;
let host: KioskHost | undefined;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'kiosk-production-'));
  gateway = new GatewaySimulator({
    scenario,
    databaseFile: join(dir, 'hospital-gateway.sqlite'),
    clients: { 'lobby-kiosk': SECRET },
    clock,
    // The hospital's gateway over HTTPS, its certificate issued by the hospital's own CA.
    tls: certificate,
  });
  await gateway.start(0);
  writeFileSync(join(dir, 'hospital-ca.pem'), certificate.cert);
  printer = await NetworkPrinter.start();
});
afterEach(async () => {
  await host?.stop();
  host = undefined;
  await printer.stop();
  await gateway.close();
  rmSync(dir, { recursive: true, force: true });
});

function productionConfig(overrides: object = {}) {
  return parseConfig({
    mode: 'production',
    kioskId: 'LOBBY-01',
    language: 'en',
    adminPin: '97531864',
    gateway: {
      url: gateway.url,
      paasid: 'lobby-kiosk',
      tls: { caFile: join(dir, 'hospital-ca.pem') },
    },
    camera: { kind: 'renderer', label: 'Lobby camera' },
    printer: { kind: 'tcp', host: '127.0.0.1', port: printer.port },
    // The scanner is not plugged in yet: the kiosk starts anyway and says so.
    scanner: { kind: 'serial', path: join(dir, 'no-such-scanner') },
    face: { imagesDir: join(dir, 'no-photos-synced-yet'), useShippedPolicy: true },
    ...overrides,
  });
}

function nextView(k: KioskHost, screen: SessionView['screen']): Promise<SessionView> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${screen} screen`)), 15_000);
    const check = (view: SessionView) => {
      if (view.screen !== screen) return;
      clearTimeout(timer);
      off();
      resolve(view);
    };
    const off = k.session.onView(check);
    check(k.session.view());
  });
}

describe('production mode', () => {
  it('refuses a configuration that would run half-simulated, or without its secret', async () => {
    expect(() => productionConfig({ printer: { kind: 'simulated' } })).toThrow(
      /printer.kind: production mode needs a real printer/,
    );
    expect(() => productionConfig({ camera: { kind: 'simulated' } })).toThrow(ConfigError);
    expect(() => productionConfig({ gateway: { paasid: 'lobby-kiosk' } })).toThrow(/gateway.url/);
    // The hospital network is no place for answers in clear: plain http is refused by name.
    const plain = gateway.url.replace('https:', 'http:');
    expect(() => productionConfig({ gateway: { url: plain, paasid: 'lobby-kiosk' } })).toThrow(
      /gateway\.url: production mode needs an https:\/\/ gateway\.url/,
    );
    await expect(
      KioskHost.start({
        config: productionConfig(),
        dataDir: dir,
        log: () => undefined,
        clock,
        env: {},
      }),
    ).rejects.toThrow(/GATEWAY_SECRET/);
  });

  it("pays a bill through the hospital's gateway and prints on the network printer", async () => {
    const events: string[] = [];
    host = await KioskHost.start({
      config: productionConfig(),
      dataDir: join(dir, 'kiosk'),
      log: (event) => events.push(event),
      clock,
      env: { GATEWAY_SECRET: SECRET },
    });
    expect(host.simulators).toBeUndefined();
    expect(events).not.toContain('gateway.simulator.started');
    expect(readdirSync(join(dir, 'kiosk'))).not.toContain('gateway-simulator.sqlite');

    // Stuart shows his e-voucher QR (the scanner's data reaches the session as host.session.scan).
    host.session.scan(`424${String(8).padStart(17, '0')}00110000`);
    const bills = await nextView(host, 'bills');
    // His outpatient bill: an insurance settlement (his deposit would be the hospital's, K701).
    const bill =
      bills.screen === 'bills' ? bills.bills.find((b) => b.visitType === 'outpatient') : undefined;
    host.session.selectBill(bill!.id);
    await nextView(host, 'review');
    host.session.confirmPayment();
    await nextView(host, 'choose-cash');
    host.session.chooseCashMethod('mobile');
    await nextView(host, 'paying-cash');
    const order = gateway.store.orders.latestPending()!;
    gateway.payOrder(order.order_no, 'wechat');
    const done = await nextView(host, 'done');
    expect(done).toMatchObject({ screen: 'done', receipt: 'printed', method: 'mobile' });
    const settled = gateway.store.db
      .prepare(`SELECT COUNT(*) AS n FROM settlements WHERE status = 'settled'`)
      .get() as { n: number };
    expect(settled.n).toBe(1);
    // The receipt went to the network printer as ESC/POS, with the settlement on it.
    const printed = Buffer.from(printer.peer.bytes).toString('latin1');
    expect(printed).toContain('\x1b@'); // ESC @: initialise
    expect(printed).toContain("Lakeside People's Hospital");
    if (done.screen === 'done') expect(printed).toContain(done.settlementId);
    expect(existsSync(join(dir, 'kiosk', 'payment-journal.sqlite'))).toBe(true);
  });
});
