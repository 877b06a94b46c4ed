/**
 * The parts the kiosk host is built from, each from the configuration: the gateway client (or the
 * embedded simulator), the devices, the payment journal and coordinator, the receipts, and the
 * session that joins them. kiosk-host.ts puts them together and closes them in order.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { adminPinOf, ConfigError, type KioskConfig } from '../core/config.ts';
import { AdminLock } from '../core/admin-lock.ts';
import type { Clock } from '../core/domain.ts';
import type { StaffCallOutcome } from '../core/kiosk-api.ts';
import type { LogFn, ReceiptPort } from '../core/ports.ts';
import { SessionController } from '../core/session-controller.ts';
import { GatewayClient } from '../gateway/client.ts';
import type { GatewayTls } from '../gateway/http-post.ts';
import type { GatewaySettlementPort } from '../gateway/settlement-port.ts';
import { AesGcmFieldSealer } from '../gateway/field-sealer.ts';
import { PaymentJournal } from '../gateway/journal.ts';
import { PaymentCoordinator } from '../gateway/payments.ts';
import { loadScenario, type Scenario } from '../gateway/simulator/scenario.ts';
import { GatewaySimulator } from '../gateway/simulator/server.ts';
import { buildDevices, type KioskDevices } from '../hardware/device-factory.ts';
import { projectRoot } from '../face/face-engine.ts';
import { type KeySource } from '../face/gallery-store.ts';
import { resolveFixturesDir } from './fixtures-dir.ts';
import type { FaceIdentifier } from '../face/face-identifier.ts';
import { ReceiptPrinter } from '../hardware/printer/receipt-printer.ts';
import type { AdminService } from './admin.ts';
import { pinLockStore } from './pin-lock-store.ts';
import { isStaffBadge } from './staff-accounts.ts';
import type { LogRing } from './log.ts';
import { GatewayProbe } from './metrics.ts';
import { ReceiptRetention } from './receipt-retention.ts';
import { ReceiptStore } from './receipt-store.ts';

/** The shared fixtures (KIOSK_SHARED_DIR or ../shared), else the demo people drawn at install. */
export const defaultFixtures = resolveFixturesDir({ projectRoot, env: process.env });
export const defaultFixturesDir = defaultFixtures.dir;

export interface KioskHostOptions {
  config: KioskConfig;
  /** Durable data (gateway simulator database, journal). */
  dataDir: string;
  log: LogFn;
  clock: Clock;
  fixturesDir?: string;
  scenario?: Scenario;
  version?: string;
  /** Where the recent log lines are kept for admin mode. */
  logRing?: LogRing;
  /** The process environment, for the production gateway secret (GATEWAY_SECRET). */
  env?: Record<string, string | undefined>;
  /**
   * Where the keys that seal data at rest (face gallery, payment journal) come from, by name.
   * Default: a 0600 key file per name in dataDir (web mode); Electron passes the OS keychain
   * (safeStorage) through SealedKeySource.
   */
  keys?: (name: 'face-gallery' | 'payment-journal' | 'receipts') => KeySource;
}

/** The gateway's address as the out-of-service check probes it: the embedded simulator's, or the configured one. */
export function gatewayProbe(
  o: KioskHostOptions,
  simulator: GatewaySimulator | undefined,
  clock: Clock,
): () => Promise<boolean> {
  const url = simulator?.url ?? o.config.gateway.url;
  // The configuration requires gateway.url in production; without one there is nothing to reach.
  if (url === undefined) return () => Promise.resolve(false);
  const probe = new GatewayProbe(url, { clock, maxAgeMs: 0 });
  return () => probe.reachable();
}

/**
 * The gateway client. Production talks to the hospital's gateway with the secret it was issued
 * (from the environment, so it is not in a file beside the configuration); simulator mode embeds
 * the gateway simulator on loopback with a secret made up for this run.
 */
export async function startGateway(
  o: KioskHostOptions,
): Promise<{ client: GatewayClient; simulator: GatewaySimulator | undefined }> {
  const { config, log, clock } = o;
  const production = config.mode === 'production';
  const secret = production
    ? (o.env ?? process.env).GATEWAY_SECRET // the schema refuses gateway.secret in production
    : (config.gateway.secret ?? randomBytes(24).toString('hex'));
  if (!secret || secret.length < 16)
    throw new ConfigError(
      'production mode needs the gateway secret (GATEWAY_SECRET, 16+ characters)',
    );
  let simulator: GatewaySimulator | undefined;
  let gatewayUrl: string;
  if (production) {
    gatewayUrl = config.gateway.url!; // the configuration schema requires it in production
    log('gateway.configured', { mode: 'production' });
  } else {
    simulator = new GatewaySimulator({
      scenario: o.scenario ?? loadScenario(),
      databaseFile: join(o.dataDir, 'gateway-simulator.sqlite'),
      clients: { [config.gateway.paasid]: secret },
      clock,
    });
    gatewayUrl = await simulator.start(0);
    log('gateway.simulator.started', { url: gatewayUrl });
  }
  const client = new GatewayClient({
    baseUrl: gatewayUrl,
    paasid: config.gateway.paasid,
    secret,
    fixmedinsCode: config.hospital.fixmedinsCode,
    fixmedinsName: config.hospital.name,
    areaCode: config.hospital.areaCode,
    timeZone: config.hospital.timeZone,
    operatorId: config.kioskId,
    operatorName: 'self-service kiosk',
    clock,
    timeoutMs: config.gateway.timeoutMs,
    ...(config.gateway.terminalSlot ? { terminalSlot: config.gateway.terminalSlot } : {}),
    ...(config.gateway.tls ? { tls: gatewayTls(config.gateway.tls) } : {}),
    device: config.gateway.device,
  });
  // 9001 at start; a gateway not reachable yet is signed in to by the first call instead.
  client.signIn().catch(() => log('gateway.sign-in-deferred', {}));
  return { client, simulator };
}

export async function startDevices(o: KioskHostOptions): Promise<KioskDevices> {
  const { config, log } = o;
  const devices = await buildDevices(
    { camera: config.camera, printer: config.printer, scanner: config.scanner },
    { projectRoot, fixturesDir: o.fixturesDir ?? defaultFixturesDir },
  );
  const { camera, printer, scanner } = devices;
  await camera.start();
  // A device that is not ready at start-up does not stop the kiosk: it reports its status,
  // the scanner reconnects by itself, and the printer is asked again before every receipt.
  for (const device of [printer, scanner]) {
    await device.start().catch((error: unknown) => {
      log('device.start-failed', {
        device: device.name,
        error: error instanceof Error ? error.name : 'unknown',
      });
    });
  }
  return devices;
}

/** The payment journal and the coordinator that settles through it, after start-up recovery. */
export async function openPayments(
  o: KioskHostOptions,
  client: GatewayClient,
  keys: KeySource,
): Promise<{ journal: PaymentJournal; payments: PaymentCoordinator }> {
  const { config, log, clock } = o;
  // The journal's personal fields are sealed under their own key (0600 file beside it), so
  // the SQLite file shows no ID number.
  const journal = new PaymentJournal(
    join(o.dataDir, 'payment-journal.sqlite'),
    () => clock.now(),
    new AesGcmFieldSealer(await keys.getKey()),
  );
  const payments = new PaymentCoordinator({
    client,
    journal,
    clock,
    timeZone: config.hospital.timeZone,
    inDoubtWaitMs: config.gateway.inDoubtWaitMs,
    log,
  });
  // Before the first patient: settle or undo whatever the last run left in doubt.
  const recovery = await payments.recover().catch((error: unknown) => {
    log('payment.recovery-failed', { error: error instanceof Error ? error.name : 'unknown' });
    return undefined;
  });
  if (recovery && recovery.stillOpen > 0)
    log('payment.recovery-open', { open: recovery.stillOpen });
  return { journal, payments };
}

/**
 * Every receipt is kept (masked, and sealed under its own key), printed or not, so staff can
 * reprint it from admin mode, for `retention.days`; one still tied to an open payment is kept.
 */
export async function openReceipts(
  o: KioskHostOptions,
  client: GatewayClient,
  printer: KioskDevices['printer'],
  keys: KeySource,
  journal: PaymentJournal,
): Promise<{
  store: ReceiptStore;
  printer: ReceiptPrinter;
  port: ReceiptPort;
  retention: ReceiptRetention;
}> {
  const { config, log } = o;
  const store = new ReceiptStore(
    join(o.dataDir, 'receipts.sqlite'),
    new AesGcmFieldSealer(await keys.getKey()),
  );
  const retention = new ReceiptRetention({
    store,
    journal,
    days: config.retention.days,
    clock: o.clock,
    log,
    openPaymentCheck: () => {
      const open = journal.open();
      return (ref) =>
        open.some(
          (p) =>
            p.payment_id === ref.msgid ||
            p.bill_id === ref.billId ||
            (p.setl_id !== '' && p.setl_id === ref.settlementId),
        );
    },
  });
  retention.start();
  const receiptPrinter = new ReceiptPrinter(printer, config.hospital.timeZone);
  const port: ReceiptPort = {
    async print(receipt) {
      const outcome = await receiptPrinter
        .print(receipt)
        .catch(() => ({ printed: false, problem: 'offline' }));
      store.record(receipt, outcome.printed, outcome.problem ?? '');
      // Tell the hospital system whether paper came out (K401), so the e-receipt desk knows
      // who may need a copy. Best effort: the payment stands either way.
      void client
        .call('K401', {
          data: {
            setl_id: receipt.settlement.settlementId,
            printed: outcome.printed ? '1' : '0',
            problem: (outcome.problem ?? '').slice(0, 40),
          },
        })
        .catch(() =>
          log('receipt.record-failed', { settlementId: receipt.settlement.settlementId }),
        );
      return outcome;
    },
    async printPendingSlip(slip) {
      const outcome = await receiptPrinter
        .printPendingSlip(slip)
        .catch(() => ({ printed: false, problem: 'offline' }));
      log('receipt.pending-slip', { printed: outcome.printed });
      return outcome;
    },
  };
  return { store, printer: receiptPrinter, port, retention };
}

export function buildSession(
  o: KioskHostOptions,
  parts: {
    settlement: GatewaySettlementPort;
    face: FaceIdentifier;
    receipts: ReceiptPort;
    devices: KioskDevices;
    onStaffCalled?: (screen: string) => Promise<StaffCallOutcome>;
  },
): SessionController {
  const { config, log, clock } = o;
  // Staff confirm a minor's documents with their PIN; its own lockout, apart from admin mode.
  const staffGate = new AdminLock({
    pin: adminPinOf(config),
    clock,
    store: pinLockStore(o.dataDir, 'staff'),
  });
  return new SessionController({
    family: parts.settlement,
    timeZone: config.hospital.timeZone,
    staffPin: (pin) => {
      const ok = staffGate.login(pin).ok;
      staffGate.logout();
      return ok;
    },
    face: parts.face,
    settlement: parts.settlement,
    receipts: parts.receipts,
    clock,
    log,
    info: {
      inactivity: config.inactivity,
      speech: config.speech,
      camera: parts.devices.rendererCamera
        ? { source: 'renderer', ...parts.devices.rendererCamera }
        : { source: 'host' },
      mode: config.mode,
      kioskId: config.kioskId,
      hospitalName: config.hospital.name,
      version: o.version ?? '0.0.0',
    },
    eReceiptBaseUrl: config.eReceiptBaseUrl,
    language: config.language,
    ...(parts.onStaffCalled ? { onStaffCalled: parts.onStaffCalled } : {}),
  });
}

/** Scanned codes go to the session (staff badges to admin mode); device status changes are logged. */
export function wireDevices(
  { printer, scanner }: KioskDevices,
  session: SessionController,
  admin: AdminService,
  log: LogFn,
) {
  scanner.on('data', (code) =>
    isStaffBadge(code) ? admin.badgeScanned(code) : session.scan(code),
  );
  scanner.on('status', (status) => {
    log('device.status', { device: 'scanner', status: status.kind });
    if (status.kind === 'unplugged' || status.kind === 'ready')
      session.scannerStatus(status.kind === 'ready');
  });
  scanner.on('error', (error) => log('device.error', { device: 'scanner', code: error.code }));
  printer.on('status', (status) =>
    log('device.status', { device: 'printer', status: status.kind }),
  );
}

/** The gateway's trust settings from the configuration: the CA read from its file. */
function gatewayTls(tls: NonNullable<KioskConfig['gateway']['tls']>): GatewayTls {
  let ca: string | undefined;
  if (tls.caFile !== undefined) {
    try {
      ca = readFileSync(tls.caFile, 'utf8');
    } catch {
      throw new ConfigError(`gateway.tls.caFile: cannot read ${tls.caFile}`);
    }
  }
  return {
    ...(ca !== undefined ? { ca } : {}),
    ...(tls.pinnedKeys ? { pinnedKeys: tls.pinnedKeys } : {}),
  };
}
