/**
 * Admin mode for hospital staff, behind the PIN gate (core/admin-lock.ts, its attempts and
 * lockout kept in the injected store, on disk in a kiosk: pin-lock-store.ts): live device checks,
 * reprints, end-of-day reconciliation, start-up recovery on demand, and the recent (redacted)
 * log. Every call other than login is refused unless an admin session is open. The methods are
 * named as the KioskApi contract names them, so the host serves them as they are.
 */
import { AdminLock, type PinLockStore } from '../core/admin-lock.ts';
import type { Clock } from '../core/domain.ts';
import { KioskCallError, type DeviceCheck, type ReceiptRecord } from '../core/kiosk-api.ts';
import type { LogFn, ReceiptPort } from '../core/ports.ts';
import { formatInTimeZone } from '../core/time.ts';
import type { PaymentCoordinator } from '../gateway/payments.ts';
import { formatReconciliation } from '../gateway/reconciliation.ts';
import { testPage } from '../hardware/diagnostics.ts';
import type { KioskDevices } from '../hardware/device-factory.ts';
import { canPrint } from '../hardware/printer/escpos-status.ts';
import type { LogRing } from './log.ts';
import type { GalleryHealth } from '../face/gallery-sync.ts';
import type { ReceiptStore } from './receipt-store.ts';

export interface AdminServiceOptions {
  pin: string;
  /** Where wrong PINs and the lockout are kept, so a restart does not clear them. */
  lockStore: PinLockStore;
  clock: Clock;
  log: LogFn;
  logRing: LogRing;
  devices: KioskDevices;
  payments: PaymentCoordinator;
  receipts: ReceiptStore;
  printer: ReceiptPort;
  kioskId: string;
  timeZone: string;
  /** The face engine and the gallery it identifies by (see face/gallery-sync.ts). */
  face?: () => { engine: string; gallery: GalleryHealth };
}

export class AdminService {
  private readonly gate: AdminLock;

  constructor(private readonly o: AdminServiceOptions) {
    this.gate = new AdminLock({ pin: o.pin, clock: o.clock, store: o.lockStore });
  }

  adminLogin(pin: string) {
    const result = this.gate.login(pin);
    this.o.log('admin.login', { ok: result.ok, ...(result.ok ? {} : { reason: result.reason }) });
    return result;
  }

  adminExit(): void {
    this.gate.logout();
    this.o.log('admin.exit', {});
  }

  private require(what: string): void {
    if (!this.gate.touch()) throw new KioskCallError(`admin mode is required for ${what}`);
    this.o.log('admin.action', { what });
  }

  async adminDiagnostics({ testPrint }: { testPrint: boolean }): Promise<DeviceCheck[]> {
    this.require('diagnostics');
    const { camera, printer, scanner } = this.o.devices;
    const rows: DeviceCheck[] = [];
    const row = async (
      device: string,
      kind: string,
      run: () => Promise<string>,
      status: () => string,
    ) => {
      try {
        const detail = await run();
        rows.push({ device, kind, status: status(), result: 'pass', detail });
      } catch (error) {
        rows.push({
          device,
          kind,
          status: status(),
          result: 'fail',
          detail: error instanceof Error ? error.message.slice(0, 300) : 'failed',
        });
      }
    };
    await row(
      'camera',
      this.o.devices.simulated.camera === camera ? 'simulated' : 'real',
      async () => {
        const frame = await camera.grab();
        return `frame ${frame.width}x${frame.height}`;
      },
      () => camera.status.kind,
    );
    await row(
      'printer',
      this.o.devices.simulated.printer ? 'simulated' : 'real',
      async () => {
        const status = await printer.queryStatus();
        if (!canPrint(status)) throw new Error(`not ready: ${status.kind}`);
        if (!testPrint) return 'ready';
        const result = await printer.print(testPage(this.o.clock.now()));
        if (!result.printed)
          throw new Error(`test page not printed: ${result.problem ?? 'unknown'}`);
        return 'test page printed';
      },
      () => printer.status.kind,
    );
    await row(
      'scanner',
      this.o.devices.simulated.scanner ? 'simulated' : 'real',
      async () => {
        if (scanner.status.kind !== 'ready') throw new Error(`not ready: ${scanner.status.kind}`);
        return 'open and enabled';
      },
      () => scanner.status.kind,
    );
    const face = this.o.face?.();
    if (face) {
      const { gallery } = face;
      const time = (at: Date) => formatInTimeZone(at, this.o.timeZone).dateTime.slice(11, 16);
      await row(
        'face',
        face.engine,
        async () => {
          const who = `${gallery.persons} persons (${gallery.templates} templates) from the ${gallery.source}`;
          if (gallery.persons === 0)
            throw new Error('no one is enrolled: face payment cannot find anyone');
          if (gallery.failingSince)
            throw new Error(
              `${who}; gateway sync failing since ${time(gallery.failingSince)}, so changes are not arriving`,
            );
          return `${who}${gallery.lastSyncAt ? `, synced at ${time(gallery.lastSyncAt)}` : ''}`;
        },
        () => (gallery.failingSince ? 'sync-failing' : gallery.persons > 0 ? 'ready' : 'empty'),
      );
    }
    return rows;
  }

  async adminReconcile(): Promise<{ agree: boolean; report: string }> {
    this.require('reconciliation');
    const today = formatInTimeZone(this.o.clock.now(), this.o.timeZone).date;
    const report = await this.o.payments.reconcile(today, this.o.kioskId);
    return { agree: report.agree, report: formatReconciliation(report) };
  }

  adminReceipts(): ReceiptRecord[] {
    this.require('receipts');
    return this.o.receipts.recent(20);
  }

  async adminReprint(settlementId: string): Promise<{ printed: boolean; problem?: string }> {
    this.require('reprint');
    const receipt = this.o.receipts.get(settlementId);
    if (!receipt) throw new KioskCallError('no receipt with that settlement id');
    // Marked as a copy on the paper; the record keeps the original as it was.
    const outcome = await this.o.printer.print({
      ...receipt,
      printedAt: this.o.clock.now().toISOString(),
      copy: true,
    });
    this.o.receipts.record(receipt, outcome.printed, outcome.problem ?? '');
    return outcome.problem === undefined ? { printed: outcome.printed } : outcome;
  }

  adminLogs(): string[] {
    this.require('logs');
    return this.o.logRing.lines();
  }
}
