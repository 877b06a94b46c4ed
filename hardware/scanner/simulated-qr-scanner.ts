/**
 * SimulatedQrScanner: a scanner whose codes are typed in by a tester (or a test) with `inject`.
 * It keeps the serial driver's contract: same lifecycle, same statuses (ready, unplugged), the
 * same rejections as typed DeviceErrors (non-printable, too-long) and the same duplicate window,
 * so code written against it meets nothing new with the real scanner.
 */
import { type Clock, systemClock } from '../clock.ts';
import { Device, DeviceError } from '../device.ts';
import { checkText, DuplicateFilter } from './scan-frames.ts';

export interface SimulatedQrScannerOptions {
  name?: string;
  maxLength?: number;
  duplicateWindowMs?: number;
  clock?: Clock;
}

/** What became of an injected code; the real scanner would not tell, a tester wants to know. */
export type InjectOutcome = 'delivered' | 'duplicate' | 'rejected' | 'not-enabled' | 'unplugged';

export class SimulatedQrScanner extends Device<string> {
  private unplugged = false;
  private readonly maxLength: number;
  private readonly duplicates: DuplicateFilter;

  constructor(options: SimulatedQrScannerOptions = {}) {
    super(options.name ?? 'scanner');
    this.maxLength = options.maxLength ?? 4096;
    this.duplicates = new DuplicateFilter(
      options.duplicateWindowMs ?? 1500,
      options.clock ?? systemClock,
    );
  }

  get isUnplugged(): boolean {
    return this.unplugged;
  }

  /** Scans `code` as if a patient held it in front of the scanner. */
  inject(code: string): InjectOutcome {
    if (this.unplugged) return 'unplugged';
    if (this.state !== 'enabled') return 'not-enabled';
    const rejected = checkText(code, this.maxLength);
    if (rejected) {
      this.emitError(new DeviceError(this.name, rejected, `dropped an injected scan: ${rejected}`));
      return 'rejected';
    }
    if (!this.duplicates.accept(code)) return 'duplicate';
    this.emitData(code);
    return 'delivered';
  }

  setUnplugged(unplugged: boolean): void {
    if (unplugged === this.unplugged) return;
    this.unplugged = unplugged;
    if (this.state === 'closed') return;
    if (unplugged) {
      this.setStatus({ kind: 'unplugged' });
      this.emitError(new DeviceError(this.name, 'unplugged', 'scanner unplugged'));
    } else {
      this.setStatus({ kind: 'ready' });
    }
  }

  protected async onOpen(): Promise<void> {
    if (this.unplugged) {
      this.setStatus({ kind: 'unplugged' });
      throw new DeviceError(this.name, 'open-failed', 'no scanner connected');
    }
    this.setStatus({ kind: 'ready' });
  }

  protected override async onEnable(): Promise<void> {
    this.duplicates.reset();
  }

  protected async onClose(): Promise<void> {}
}
