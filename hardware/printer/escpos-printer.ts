/**
 * ESC/POS receipt printer driver over any BytePipe. It asks the printer's real-time status
 * before printing (refusing, with a reason, when it is not ready) and again afterwards (paper
 * may run out mid-receipt), so the kiosk never claims a receipt that did not come out whole.
 */
import type { BytePipe } from '../byte-pipe.ts';
import { Device, DeviceError, type DeviceStatus } from '../device.ts';
import { canPrint, DLE_EOT, parsePrinterStatus } from './escpos-status.ts';

export interface PrintResult {
  printed: boolean;
  /** Why not, as a device status kind. */
  problem?: DeviceStatus['kind'];
}

const STATUS_TIMEOUT_MS = 1500;
const CHUNK = 1024;

export class EscPosPrinter extends Device<never> {
  private busy = false;

  constructor(
    private readonly pipe: BytePipe,
    name = 'printer',
  ) {
    super(name);
  }

  protected async onOpen(): Promise<void> {
    try {
      await this.pipe.open();
    } catch (error) {
      this.setStatus({ kind: 'unplugged' });
      throw new DeviceError(this.name, 'open-failed', 'could not open the printer connection', {
        cause: error,
      });
    }
  }

  protected override async onEnable(): Promise<void> {
    await this.queryStatus();
  }

  protected async onClose(): Promise<void> {
    await this.pipe.close();
  }

  async queryStatus(): Promise<DeviceStatus> {
    this.atLeast('queryStatus', 'opened');
    // Mid-print, status queries would interleave with the receipt bytes; the job asks its own.
    if (this.busy) return this.status;
    return this.readStatus(true);
  }

  /** `fresh`: this starts an exchange, so the pipe may reconnect first. */
  private async readStatus(fresh: boolean): Promise<DeviceStatus> {
    let status: DeviceStatus;
    try {
      if (fresh) await this.pipe.resume?.();
      const printer = await this.ask(1);
      const offlineCause = printer & 0x08 ? await this.ask(2) : undefined;
      const paper = await this.ask(4);
      status = parsePrinterStatus({ printer, offlineCause, paper });
    } catch (error) {
      status = { kind: 'offline' };
      this.emitError(
        new DeviceError(this.name, 'status-failed', 'no valid status answer', { cause: error }),
      );
    }
    this.setStatus(status);
    return status;
  }

  async print(bytes: Uint8Array): Promise<PrintResult> {
    this.expect('print', 'enabled');
    if (this.busy) return { printed: false, problem: 'busy' };
    this.busy = true;
    try {
      const before = await this.readStatus(true);
      if (!canPrint(before)) return { printed: false, problem: before.kind };
      this.setStatus({ kind: 'busy' });
      for (let i = 0; i < bytes.length; i += CHUNK)
        await this.pipe.write(bytes.subarray(i, i + CHUNK));
      const after = await this.readStatus(false);
      return canPrint(after) ? { printed: true } : { printed: false, problem: after.kind };
    } catch (error) {
      this.setStatus({ kind: 'offline' });
      this.emitError(
        new DeviceError(this.name, 'write-failed', 'printing failed', { cause: error }),
      );
      return { printed: false, problem: 'offline' };
    } finally {
      this.busy = false;
    }
  }

  private async ask(n: 1 | 2 | 4): Promise<number> {
    await this.pipe.write(DLE_EOT(n));
    const [byte] = await this.pipe.read(1, STATUS_TIMEOUT_MS);
    return byte!;
  }
}
