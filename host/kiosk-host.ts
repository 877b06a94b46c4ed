/**
 * The kiosk host: builds the devices, face engine, gateway client and session from the
 * configuration and serves one KioskService. Electron's main process or a plain Node process
 * (web mode) starts it; everything in here is the same in both.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { adminPinOf, ConfigError, type KioskConfig } from '../core/config.ts';
import { AdminLock } from '../core/admin-lock.ts';
import type { Clock } from '../core/domain.ts';
import type { CameraFrame, StaffCallOutcome } from '../core/kiosk-api.ts';
import type { KioskService } from '../core/kiosk-service-from.ts';
import { createListenerMap } from '../core/listener-map.ts';
import type { LogFn, ReceiptPort } from '../core/ports.ts';
import { SessionController } from '../core/session-controller.ts';
import { GatewayClient } from '../gateway/client.ts';
import type { GatewayTls } from '../gateway/http-post.ts';
import { GatewaySettlementPort } from '../gateway/settlement-port.ts';
import { AesGcmFieldSealer } from '../gateway/field-sealer.ts';
import { PaymentJournal } from '../gateway/journal.ts';
import { makePrivateDir } from '../gateway/private-files.ts';
import { PaymentCoordinator } from '../gateway/payments.ts';
import { loadScenario, type Scenario } from '../gateway/simulator/scenario.ts';
import { GatewaySimulator } from '../gateway/simulator/server.ts';
import type { SimulatedCamera } from '../hardware/camera/simulated-camera.ts';
import { RendererCamera } from '../hardware/camera/renderer-camera.ts';
import { buildDevices, type KioskDevices } from '../hardware/device-factory.ts';
import type { SimulatedQrScanner } from '../hardware/scanner/simulated-qr-scanner.ts';
import { projectRoot } from '../face/face-engine.ts';
import type { FaceEnginePool } from '../face/face-engine-pool.ts';
import { FileKeySource, type KeySource } from '../face/gallery-store.ts';
import type { FaceGallerySync } from '../face/gallery-sync.ts';
import { resolveFixturesDir } from './fixtures-dir.ts';
import { buildIdentifier, startFace } from './kiosk-face.ts';
import type { FaceIdentifier } from '../face/face-identifier.ts';
import { ReceiptPrinter } from '../hardware/printer/receipt-printer.ts';
import type { SimulatedPrinter } from '../hardware/printer/simulated-printer.ts';
import { AdminService } from './admin.ts';
import { pinLockStore } from './pin-lock-store.ts';
import { staffAccessFrom } from './staff-access.ts';
import { isStaffBadge } from './staff-accounts.ts';
import { staffCallerFrom, type StaffCaller } from './staff-call.ts';
import { hostKioskService } from './kiosk-service.ts';
import { LogRing } from './log.ts';
import { GatewayProbe, type MonitoredParts } from './metrics.ts';
import { ReceiptRetention } from './receipt-retention.ts';
import { type PaymentUpkeep, startPaymentUpkeep } from './payment-upkeep.ts';
import { ReceiptStore } from './receipt-store.ts';
import { ServiceWatch } from './service-health.ts';

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

/** The simulated devices, for the testers' control API; a device configured as real is absent. */
export interface Simulators {
  camera?: SimulatedCamera;
  /** Testers switch the liveness challenge on and off. */
  face: { setLiveness(on: boolean): void };
  printer?: SimulatedPrinter;
  scanner?: SimulatedQrScanner;
  gateway: GatewaySimulator;
}

export class KioskHost {
  private constructor(
    readonly service: KioskService,
    readonly session: SessionController,
    /** Simulator mode only: production has no simulators to control. */
    readonly simulators: Simulators | undefined,
    private readonly devices: KioskDevices,
    private readonly journal: PaymentJournal,
    private readonly receiptStore: ReceiptStore,
    private readonly engine: FaceEnginePool,
    private readonly gallery: FaceGallerySync,
    private readonly receiptRetention: ReceiptRetention,
    private readonly client: GatewayClient,
    private readonly upkeep: PaymentUpkeep,
    private readonly staffCall: StaffCaller | undefined,
    private readonly serviceWatch: ServiceWatch,
  ) {}

  static async start(o: KioskHostOptions): Promise<KioskHost> {
    const looserMode = makePrivateDir(o.dataDir);
    if (looserMode !== undefined)
      o.log('data.permissions-tightened', { was: looserMode.toString(8), now: '700' });
    const keysFor = o.keys ?? ((name: string) => new FileKeySource(join(o.dataDir, `${name}.key`)));
    // Which people the simulated camera shows (a production kiosk has no fixtures to choose).
    if (o.config.mode !== 'production' && o.fixturesDir === undefined)
      o.log('face.fixtures', { source: defaultFixtures.source });
    const { client, simulator } = await startGateway(o);
    const { engine, gallery } = await startFace(o.config, {
      dataDir: o.dataDir,
      log: o.log,
      client,
      keys: keysFor('face-gallery'),
      fixturesDir: o.fixturesDir ?? defaultFixturesDir,
    });
    const devices = await startDevices(o);
    const previews = createListenerMap<{ cameraFrame: CameraFrame }>();
    const identifier = buildIdentifier(
      o.config,
      devices.camera,
      engine,
      gallery,
      (frame) => previews.emit('cameraFrame', frame),
      o.log,
    );
    const { journal, payments } = await openPayments(o, client, keysFor('payment-journal'));
    const receipts = await openReceipts(o, client, devices.printer, keysFor('receipts'), journal);
    // Receipts for settlements no patient saw finish; recovery from now on in the background.
    const upkeep = await startPaymentUpkeep({
      config: o.config,
      journal,
      payments,
      store: receipts.store,
      client,
      clock: o.clock,
      log: o.log,
    });
    const staffCall = staffCallerFrom(o.config, o.env ?? process.env, o.clock, o.log);
    // Whether payments can be taken, for the home screen (out of service) and the device check.
    const serviceWatch = new ServiceWatch({
      clock: o.clock,
      outOfServiceAfterMs: o.config.gateway.outOfServiceAfterMs,
      staffCallConnected: staffCall !== undefined,
      probe: gatewayProbe(o, simulator, o.clock),
      devices: () => ({ camera: devices.camera.status.kind, scanner: devices.scanner.status.kind }),
      log: o.log,
    });
    const admin = new AdminService({
      ...staffAccessFrom(o.config, o.dataDir, o.clock, o.log),
      clock: o.clock,
      log: o.log,
      logRing: o.logRing ?? new LogRing(),
      devices,
      payments,
      receipts: receipts.store,
      printer: receipts.printer,
      kioskId: o.config.kioskId,
      timeZone: o.config.hospital.timeZone,
      face: () => ({ engine: `${engine.backend} x${engine.size}`, gallery: gallery.health() }),
      upkeep,
      gateway: () => ({ ...serviceWatch.gateway(), simulated: simulator !== undefined }),
    });
    const session = buildSession(o, {
      settlement: new GatewaySettlementPort(client, payments),
      face: identifier,
      receipts: receipts.port,
      devices,
      ...(staffCall ? { onStaffCalled: (screen: string) => staffCall.call(screen) } : {}),
    });
    const service = hostKioskService({
      session,
      admin,
      rendererCamera: devices.camera instanceof RendererCamera ? devices.camera : undefined,
      previews: (listener) => previews.on('cameraFrame', listener),
      serviceWatch,
    });
    serviceWatch.start();
    wireDevices(devices, session, admin, o.log);
    return new KioskHost(
      service,
      session,
      simulator && {
        ...(devices.simulated.camera ? { camera: devices.simulated.camera } : {}),
        gateway: simulator,
        face: { setLiveness: (on) => identifier.setLiveness(on) },
        ...(devices.simulated.printer ? { printer: devices.simulated.printer } : {}),
        ...(devices.simulated.scanner ? { scanner: devices.simulated.scanner } : {}),
      },
      devices,
      journal,
      receipts.store,
      engine,
      gallery,
      receipts.retention,
      client,
      upkeep,
      staffCall,
      serviceWatch,
    );
  }

  /** What monitoring reads at scrape time (host/metrics.ts): statuses and counts, no patient data. */
  monitored(): MonitoredParts {
    const { devices, journal, engine, gallery } = this;
    return { devices, journal, engine, gallery };
  }

  async stop(): Promise<void> {
    // A staff call still being delivered is dropped (logged): the queue is in memory only.
    await this.staffCall?.stop();
    await this.serviceWatch.stop();
    // 9002 while the gateway (or the embedded simulator) is still there; bounded, never fatal.
    await this.client.signOut().catch(() => undefined);
    for (const device of [this.devices.camera, this.devices.printer, this.devices.scanner]) {
      await device.stop().catch(() => undefined);
    }
    // A recovery pass under way finishes its step before the journal closes under it.
    await this.upkeep.stop();
    this.journal.close();
    this.receiptRetention.stop();
    this.receiptStore.close();
    this.gallery.stop();
    await this.engine.close();
    await this.simulators?.gateway.close();
  }
}

/** The gateway's address as the out-of-service check probes it: the embedded simulator's, or the configured one. */
function gatewayProbe(
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
async function startGateway(
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

async function startDevices(o: KioskHostOptions): Promise<KioskDevices> {
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
async function openPayments(
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
async function openReceipts(
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

function buildSession(
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
function wireDevices(
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
