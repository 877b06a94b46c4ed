/**
 * QR scanner on a serial line (USB-CDC or RS-232), the way lobby scanners ship: each code is sent
 * as text followed by a suffix. The scanner is a Device<string>: `data` carries one scanned text.
 *
 * A loose USB cable is the common fault in a lobby, so losing the port is not an end state: the
 * status goes to `unplugged`, an `unplugged` DeviceError is emitted, and the driver reopens the same
 * path with exponential backoff (capped) until the port is back, then reports `ready` again.
 */
import type { SerialPortStream } from '@serialport/stream';
import { z } from 'zod';
import { type Clock, systemClock } from '../clock.ts';
import { parseDeviceOptions } from '../device-config.ts';
import { Device, DeviceError } from '../device.ts';
import {
  closeSerialStream,
  openSerialStream,
  type SerialBinding,
  serialLineSchema,
} from '../serial-port.ts';
import { DuplicateFilter, FrameAssembler, type FrameRejection } from './scan-frames.ts';

export const serialQrScannerConfigSchema = serialLineSchema.extend({
  name: z.string().min(1).max(40).default('scanner'),
  // CR is the factory suffix of the common USB-COM scanners (Honeywell, Newland, Zebra).
  terminator: z
    .union([
      z.enum(['CR', 'LF', 'CRLF']),
      // Inter-character timeout, for scanners set to send no suffix. At 9600 baud a byte takes
      // about 1 ms, so a few ms already separates codes; below 5 ms USB batching splits them.
      z.strictObject({ idleMs: z.number().int().min(5).max(5_000) }),
    ])
    .default('CR'),
  maxLength: z.number().int().min(1).max(1_000_000).default(4096),
  duplicateWindowMs: z.number().int().min(0).max(60_000).default(1500),
  reconnect: z
    .strictObject({
      initialMs: z.number().int().min(1).max(60_000).default(250),
      maxMs: z.number().int().min(1).max(600_000).default(5_000),
    })
    .refine((r) => r.maxMs >= r.initialMs, { message: 'maxMs must be at least initialMs' })
    .prefault({}),
});

export type SerialQrScannerConfig = z.input<typeof serialQrScannerConfigSchema>;

export interface SerialQrScannerOptions extends SerialQrScannerConfig {
  binding: SerialBinding;
  clock?: Clock;
}

const rejectionText: Record<FrameRejection, string> = {
  'non-printable': 'dropped a scan holding non-printable bytes',
  'too-long': 'dropped a scan longer than the limit',
};

export class SerialQrScanner extends Device<string> {
  private readonly config: z.output<typeof serialQrScannerConfigSchema>;
  private readonly binding: SerialBinding;
  private readonly clock: Clock;
  private readonly assembler: FrameAssembler;
  private readonly duplicates: DuplicateFilter;
  private port: SerialPortStream | undefined;
  /** Between open and close: the port should be held, and reopened when lost. */
  private wanted = false;
  private cancelReconnect: (() => void) | undefined;
  private nextDelay: number;

  constructor(options: SerialQrScannerOptions) {
    const { binding, clock, ...raw } = options;
    const config = parseDeviceOptions(raw.name ?? 'scanner', serialQrScannerConfigSchema, raw);
    super(config.name);
    this.config = config;
    this.binding = binding;
    this.clock = clock ?? systemClock;
    this.nextDelay = config.reconnect.initialMs;
    this.duplicates = new DuplicateFilter(config.duplicateWindowMs, this.clock);
    this.assembler = new FrameAssembler(config.terminator, config.maxLength, this.clock, {
      // Lines are assembled while disabled too, so that enabling mid-line cannot turn the tail of
      // an earlier scan into a code; they are only passed on while enabled.
      frame: (text) => {
        if (this.state === 'enabled' && this.duplicates.accept(text)) this.emitData(text);
      },
      reject: (code, length) => {
        if (this.state !== 'enabled') return;
        this.emitError(
          new DeviceError(this.name, code, `${rejectionText[code]} (${length} bytes)`),
        );
      },
    });
  }

  get path(): string {
    return this.config.path;
  }

  protected async onOpen(): Promise<void> {
    try {
      this.wanted = true;
      await this.connect();
    } catch (error) {
      this.wanted = false;
      this.setStatus({ kind: 'unplugged' });
      throw new DeviceError(this.name, 'open-failed', `could not open ${this.config.path}`, {
        cause: error,
      });
    }
    this.setStatus({ kind: 'ready' });
  }

  protected override async onEnable(): Promise<void> {
    // A scan under way while nobody listened is not one the patient meant now.
    this.assembler.discardCurrent();
    this.duplicates.reset();
  }

  protected async onClose(): Promise<void> {
    this.wanted = false;
    this.cancelReconnect?.();
    this.cancelReconnect = undefined;
    this.assembler.reset();
    const port = this.port;
    this.port = undefined;
    if (port) await closeSerialStream(port);
  }

  private async connect(): Promise<void> {
    const port = await openSerialStream(this.binding, this.config);
    if (!this.wanted) {
      // Closed while a reconnect was opening the port: give it straight back.
      await closeSerialStream(port);
      throw new DeviceError(this.name, 'closed', 'closed while reconnecting');
    }
    this.port = port;
    port.on('data', (chunk: Buffer) => {
      if (this.port === port) this.assembler.push(chunk);
    });
    port.on('close', () => {
      if (this.port === port) this.lost();
    });
    port.on('error', (error: Error) => {
      if (this.port !== port) return;
      if (!port.isOpen) this.lost(error);
      else
        this.emitError(
          new DeviceError(this.name, 'port-error', 'serial port error', { cause: error }),
        );
    });
  }

  private lost(cause?: Error): void {
    this.port = undefined;
    this.assembler.reset();
    this.setStatus({ kind: 'unplugged' });
    this.emitError(
      new DeviceError(this.name, 'unplugged', `lost ${this.config.path}; reconnecting`, { cause }),
    );
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (!this.wanted || this.cancelReconnect) return;
    const delay = this.nextDelay;
    this.nextDelay = Math.min(delay * 2, this.config.reconnect.maxMs);
    this.cancelReconnect = this.clock.setTimeout(() => {
      this.cancelReconnect = undefined;
      void this.reconnect();
    }, delay);
  }

  private async reconnect(): Promise<void> {
    if (!this.wanted) return;
    try {
      await this.connect();
    } catch {
      // Still unplugged (the path is missing or refuses); the status already says so.
      this.scheduleReconnect();
      return;
    }
    this.nextDelay = this.config.reconnect.initialMs;
    this.assembler.reset();
    this.setStatus({ kind: 'ready' });
  }
}
