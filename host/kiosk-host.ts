/**
 * The kiosk host: builds the devices, face engine, gateway client and session from the
 * configuration and serves one KioskService. Electron's main process or a plain Node process
 * (web mode) starts it; everything in here is the same in both.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { adminPinOf, ConfigError, type KioskConfig } from '../core/config.ts';
import { AdminLock } from '../core/admin-lock.ts';
import type { Clock } from '../core/domain.ts';
import type { CameraFrame } from '../core/kiosk-api.ts';
import type { LogFn, ReceiptPort } from '../core/ports.ts';
import { SessionController } from '../core/session-controller.ts';
import { GatewayClient } from '../gateway/client.ts';
import { GatewaySettlementPort } from '../gateway/settlement-port.ts';
import { AesGcmFieldSealer } from '../gateway/field-sealer.ts';
import { PaymentJournal } from '../gateway/journal.ts';
import { PaymentCoordinator } from '../gateway/payments.ts';
import { loadScenario, type Scenario } from '../gateway/simulator/scenario.ts';
import { GatewaySimulator } from '../gateway/simulator/server.ts';
import type { SimulatedCamera } from '../hardware/camera/simulated-camera.ts';
import { RendererCamera } from '../hardware/camera/renderer-camera.ts';
import { buildDevices, type KioskDevices } from '../hardware/device-factory.ts';
import type { SimulatedQrScanner } from '../hardware/scanner/simulated-qr-scanner.ts';
import { projectRoot } from '../hardware/face/face-engine.ts';
import { FaceEnginePool } from '../hardware/face/face-engine-pool.ts';
import { FileKeySource, type KeySource } from '../hardware/face/gallery-store.ts';
import { FaceGallerySync } from './face-gallery-sync.ts';
import { FaceIdentifier } from '../hardware/face/face-identifier.ts';
import { ReceiptPrinter } from '../hardware/printer/receipt-printer.ts';
import type { SimulatedPrinter } from '../hardware/printer/simulated-printer.ts';
import { AdminService } from './admin.ts';
import { hostKioskService, type HostKioskService } from './kiosk-service.ts';
import { LogRing } from './log.ts';
import { ReceiptStore } from './receipt-store.ts';

export const defaultFixturesDir = join(projectRoot, '..', 'shared', 'fixtures', 'faces');

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
  keys?: (name: 'face-gallery' | 'payment-journal') => KeySource;
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
    readonly service: HostKioskService,
    readonly session: SessionController,
    /** Simulator mode only: production has no simulators to control. */
    readonly simulators: Simulators | undefined,
    private readonly devices: KioskDevices,
    private readonly journal: PaymentJournal,
    private readonly receiptStore: ReceiptStore,
    private readonly engine: FaceEnginePool,
    private readonly gallery: FaceGallerySync,
  ) {}

  static async start(o: KioskHostOptions): Promise<KioskHost> {
    const { config, log, clock } = o;
    mkdirSync(o.dataDir, { recursive: true });
    const keysFor = o.keys ?? ((name: string) => new FileKeySource(join(o.dataDir, `${name}.key`)));
    const fixturesDir = o.fixturesDir ?? defaultFixturesDir;
    const production = config.mode === 'production';
    // Production talks to the hospital's gateway with the secret it was issued (from the
    // environment, so it is not in a file beside the configuration); simulator mode embeds the
    // gateway simulator on loopback with a secret made up for this run.
    const secret = production
      ? (config.gateway.secret ?? (o.env ?? process.env).GATEWAY_SECRET)
      : (config.gateway.secret ?? randomBytes(24).toString('hex'));
    if (!secret || secret.length < 16)
      throw new ConfigError(
        'production mode needs the gateway secret (GATEWAY_SECRET, 16+ characters)',
      );
    let gateway: GatewaySimulator | undefined;
    let gatewayUrl: string;
    if (production) {
      gatewayUrl = config.gateway.url!; // the configuration schema requires it in production
      log('gateway.configured', { mode: 'production' });
    } else {
      gateway = new GatewaySimulator({
        scenario: o.scenario ?? loadScenario(),
        databaseFile: join(o.dataDir, 'gateway-simulator.sqlite'),
        clients: { [config.gateway.paasid]: secret },
        clock,
      });
      gatewayUrl = await gateway.start(0);
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
    });

    // The nets run on worker threads, one per core: the host's event loop (IPC, the gateway,
    // the printer) never waits for a frame to be analysed.
    const engine = await FaceEnginePool.start();
    log('face.engine.loaded', {
      backend: engine.backend,
      workers: engine.size,
      ms: Math.round(engine.loadMs),
    });
    // Who may pay by face: the gateway's K501 gallery, enrolled and kept encrypted on disk, so
    // a start while the gateway is down still knows everyone from the last sync.
    const gallery = new FaceGallerySync({
      fetch: async (sinceVersion) =>
        (await client.call('K501', { data: { since_version: sinceVersion } })).gallery,
      engine,
      dataDir: o.dataDir,
      keys: keysFor('face-gallery'),
      // K501 names each person's enrolment photos; the simulator's are the fixture photos.
      imagesDir:
        config.face.imagesDir ?? (production ? join(o.dataDir, 'face-images') : fixturesDir),
      log,
    });
    await gallery.start();

    const devices = await buildDevices(
      { camera: config.camera, printer: config.printer, scanner: config.scanner },
      { projectRoot, fixturesDir },
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

    // The identifier is built before the service it publishes preview frames to.
    let publishFrame: (frame: CameraFrame) => void = () => undefined;
    const identifier = new FaceIdentifier({
      camera,
      engine,
      gallery,
      policy: { threshold: config.face.threshold, margin: config.face.margin },
      idNumberOf: (personId) => gallery.idNumberOf(personId),
      personIdOf: (idNumber) => gallery.personIdOf(idNumber),
      liveness: config.face.liveness,
      passiveThreshold: config.face.passiveThreshold,
      // The tracker runs beside the decisive frame only when there is a second worker for it.
      trackBetween: engine.size >= 2,
      detector: config.face.detector,
      ssdInputSize: config.face.ssdInputSize,
      timeoutMs: config.face.timeoutMs,
      // The renderer shows its own camera; previews (a JPEG per frame) are made only for a
      // camera it cannot see.
      ...(camera instanceof RendererCamera
        ? {}
        : {
            onPreview: (jpeg: Uint8Array, width: number, height: number) =>
              publishFrame({
                dataUrl: `data:image/jpeg;base64,${Buffer.from(jpeg).toString('base64')}`,
                width,
                height,
              }),
          }),
    });
    // The journal's personal fields are sealed under their own key (0600 file beside it), so
    // the SQLite file shows no ID number.
    const journal = new PaymentJournal(
      join(o.dataDir, 'payment-journal.sqlite'),
      () => clock.now(),
      new AesGcmFieldSealer(await keysFor('payment-journal').getKey()),
    );
    const payments = new PaymentCoordinator({
      client,
      journal,
      clock,
      timeZone: config.hospital.timeZone,
      log,
    });
    // Before the first patient: settle or undo whatever the last run left in doubt.
    const recovery = await payments.recover().catch((error: unknown) => {
      log('payment.recovery-failed', { error: error instanceof Error ? error.name : 'unknown' });
      return undefined;
    });
    if (recovery && recovery.stillOpen > 0)
      log('payment.recovery-open', { open: recovery.stillOpen });
    const receiptStore = new ReceiptStore(join(o.dataDir, 'receipts.sqlite'));
    const receiptPrinter = new ReceiptPrinter(printer, config.hospital.timeZone);
    // Every receipt is kept (masked), printed or not, so staff can reprint it from admin mode.
    const receipts: ReceiptPort = {
      async print(receipt) {
        const outcome = await receiptPrinter
          .print(receipt)
          .catch(() => ({ printed: false, problem: 'offline' }));
        receiptStore.record(receipt, outcome.printed, outcome.problem ?? '');
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
    };
    const admin = new AdminService({
      pin: adminPinOf(config),
      clock,
      log,
      logRing: o.logRing ?? new LogRing(),
      devices,
      payments,
      receipts: receiptStore,
      printer: receiptPrinter,
      kioskId: config.kioskId,
      timeZone: config.hospital.timeZone,
      face: () => ({ engine: `${engine.backend} x${engine.size}`, gallery: gallery.health() }),
    });
    // Staff confirm a minor's documents with their PIN; its own lockout, apart from admin mode.
    const staffGate = new AdminLock({ pin: adminPinOf(config), clock });
    const settlementPort = new GatewaySettlementPort(client, payments);
    const session = new SessionController({
      family: settlementPort,
      timeZone: config.hospital.timeZone,
      staffPin: (pin) => {
        const ok = staffGate.login(pin).ok;
        staffGate.logout();
        return ok;
      },
      face: identifier,
      settlement: settlementPort,
      receipts,
      clock,
      log,
      info: {
        inactivity: config.inactivity,
        speech: config.speech,
        camera: devices.rendererCamera
          ? { source: 'renderer', ...devices.rendererCamera }
          : { source: 'host' },
        mode: config.mode,
        kioskId: config.kioskId,
        hospitalName: config.hospital.name,
        version: o.version ?? '0.0.0',
      },
      eReceiptBaseUrl: config.eReceiptBaseUrl,
      language: config.language,
    });
    const service = hostKioskService(
      session,
      admin,
      camera instanceof RendererCamera ? camera : undefined,
    );
    publishFrame = (frame) => service.publishFrame(frame);
    scanner.on('data', (code) => session.scan(code));
    scanner.on('status', (status) => {
      log('device.status', { device: 'scanner', status: status.kind });
      if (status.kind === 'unplugged' || status.kind === 'ready')
        session.scannerStatus(status.kind === 'ready');
    });
    scanner.on('error', (error) => log('device.error', { device: 'scanner', code: error.code }));
    printer.on('status', (status) =>
      log('device.status', { device: 'printer', status: status.kind }),
    );
    return new KioskHost(
      service,
      session,
      gateway && {
        ...(devices.simulated.camera ? { camera: devices.simulated.camera } : {}),
        gateway,
        face: { setLiveness: (on) => identifier.setLiveness(on) },
        ...(devices.simulated.printer ? { printer: devices.simulated.printer } : {}),
        ...(devices.simulated.scanner ? { scanner: devices.simulated.scanner } : {}),
      },
      devices,
      journal,
      receiptStore,
      engine,
      gallery,
    );
  }

  async stop(): Promise<void> {
    for (const device of [this.devices.camera, this.devices.printer, this.devices.scanner]) {
      await device.stop().catch(() => undefined);
    }
    this.journal.close();
    this.receiptStore.close();
    this.gallery.stop();
    await this.engine.close();
    await this.simulators?.gateway.close();
  }
}
