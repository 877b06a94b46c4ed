/**
 * The kiosk host: builds the devices, face engine, gateway client and session from the
 * configuration and serves one KioskService. Electron's main process or a plain Node process
 * (web mode) starts it; everything in here is the same in both.
 */
import { join } from 'node:path';
import type { CameraFrame } from '../core/kiosk-api.ts';
import type { KioskService } from '../core/kiosk-service-from.ts';
import { createListenerMap } from '../core/listener-map.ts';
import type { SessionController } from '../core/session-controller.ts';
import type { GatewayClient } from '../gateway/client.ts';
import { GatewaySettlementPort } from '../gateway/settlement-port.ts';
import type { PaymentJournal } from '../gateway/journal.ts';
import { makePrivateDir } from '../gateway/private-files.ts';
import type { GatewaySimulator } from '../gateway/simulator/server.ts';
import type { SimulatedCamera } from '../hardware/camera/simulated-camera.ts';
import { RendererCamera } from '../hardware/camera/renderer-camera.ts';
import { type KioskDevices } from '../hardware/device-factory.ts';
import type { SimulatedQrScanner } from '../hardware/scanner/simulated-qr-scanner.ts';
import type { FaceEnginePool } from '../face/face-engine-pool.ts';
import { FileKeySource } from '../face/gallery-store.ts';
import type { FaceGallerySync } from '../face/gallery-sync.ts';
import { buildIdentifier, startFace } from './kiosk-face.ts';
import type { SimulatedPrinter } from '../hardware/printer/simulated-printer.ts';
import { AdminService } from './admin.ts';
import { staffAccessFrom } from './staff-access.ts';
import { staffCallerFrom, type StaffCaller } from './staff-call.ts';
import { hostKioskService } from './kiosk-service.ts';
import { LogRing } from './log.ts';
import { type MonitoredParts } from './metrics.ts';
import type { ReceiptRetention } from './receipt-retention.ts';
import { type PaymentUpkeep, startPaymentUpkeep } from './payment-upkeep.ts';
import type { ReceiptStore } from './receipt-store.ts';
import { ServiceWatch } from './service-health.ts';
import {
  buildSession,
  defaultFixtures,
  defaultFixturesDir,
  gatewayProbe,
  type KioskHostOptions,
  openPayments,
  openReceipts,
  startDevices,
  startGateway,
  wireDevices,
} from './kiosk-parts.ts';

export type { KioskHostOptions } from './kiosk-parts.ts';
export { defaultFixtures, defaultFixturesDir };

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
