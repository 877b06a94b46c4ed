/**
 * SimulatedPrinter: a byte-level twin of an ESC/POS thermal printer. It is a BytePipe, so the
 * real EscPosPrinter driver runs on top of it unchanged. It answers DLE EOT status queries from
 * its toggles (paper out, cover open, offline), keeps every byte it "printed", and can run out
 * of paper part-way through a receipt. It reads the commands as a printer does
 * (escpos-decoder.ts) to end a receipt at its cut, so the bytes of an image or a QR code are
 * never taken for one.
 */
import { type BytePipe, ReadBuffer } from '../byte-pipe.ts';
import { decodeCommand, initialDecoderState } from './escpos-decoder.ts';

export interface SimulatedPrinterState {
  paperOut: boolean;
  paperNearEnd: boolean;
  coverOpen: boolean;
  offline: boolean;
  /** Bytes of paper left before it runs out mid-print; undefined = endless roll. */
  paperLeftBytes: number | undefined;
}

export class SimulatedPrinter implements BytePipe {
  readonly state: SimulatedPrinterState = {
    paperOut: false,
    paperNearEnd: false,
    coverOpen: false,
    offline: false,
    paperLeftBytes: undefined,
  };
  /** Everything the printer accepted, status queries excluded, across all receipts. */
  private printed: number[] = [];
  private readonly incoming = new ReadBuffer();
  private pending: number[] = [];
  private opened = false;
  /** Receipts, split at each paper cut (GS V, ESC i, ESC m). */
  readonly receipts: Uint8Array[] = [];
  /** The receipt being printed: its bytes so far, in the first `length` bytes of `buffer`. */
  private current = { buffer: new Uint8Array(1024), length: 0 };
  /** How far into the current receipt the commands have been read, and the printer's modes. */
  private scanned = 0;
  private readonly modes = initialDecoderState();

  configure(patch: Partial<SimulatedPrinterState>): void {
    Object.assign(this.state, patch);
  }

  get bytes(): Uint8Array {
    return Uint8Array.from(this.printed);
  }

  async open(): Promise<void> {
    this.opened = true;
  }

  async close(): Promise<void> {
    this.opened = false;
  }

  async write(bytes: Uint8Array): Promise<void> {
    if (!this.opened) throw new Error('simulated printer is not open');
    if (this.state.offline) return; // an unplugged printer answers nothing
    this.pending.push(...bytes);
    let i = 0;
    const p = this.pending;
    while (i < p.length) {
      if (p[i] === 0x10 && p[i + 1] === undefined) break; // wait for the rest of a DLE command
      if (p[i] === 0x10 && p[i + 1] === 0x04) {
        if (p[i + 2] === undefined) break;
        this.incoming.push(Uint8Array.of(this.statusByte(p[i + 2]!)));
        i += 3;
        continue;
      }
      this.accept(p[i]!);
      i++;
    }
    this.pending = p.slice(i);
    this.cutReceipts();
  }

  read(n: number, timeoutMs: number): Promise<Uint8Array> {
    return this.incoming.read(n, timeoutMs);
  }

  private accept(byte: number): void {
    if (this.state.paperOut || this.state.coverOpen) return;
    if (this.state.paperLeftBytes !== undefined) {
      if (this.state.paperLeftBytes <= 0) {
        this.state.paperOut = true;
        this.cutReceipts();
        this.finishReceipt(this.current.length);
        return;
      }
      this.state.paperLeftBytes--;
    }
    this.printed.push(byte);
    const c = this.current;
    if (c.length === c.buffer.length) {
      const grown = new Uint8Array(c.buffer.length * 2);
      grown.set(c.buffer);
      c.buffer = grown;
    }
    c.buffer[c.length++] = byte;
  }

  /** Ends a receipt at each paper cut among the commands that have arrived whole. */
  private cutReceipts(): void {
    for (;;) {
      const bytes = this.current.buffer.subarray(0, this.current.length);
      if (this.scanned >= bytes.length) return;
      // A command cut off is read again when the rest arrives, which sets its modes again.
      const { next, op } = decodeCommand(bytes, this.scanned, this.modes);
      if (next > bytes.length) return;
      this.scanned = next;
      if (op?.kind === 'cut') this.finishReceipt(next);
    }
  }

  /** The first `end` bytes of the current receipt are one receipt; the rest starts the next. */
  private finishReceipt(end: number): void {
    const c = this.current;
    if (end > 0) this.receipts.push(c.buffer.slice(0, end));
    c.buffer.copyWithin(0, end, c.length);
    c.length -= end;
    this.scanned -= Math.min(this.scanned, end);
  }

  private statusByte(n: number): number {
    const s = this.state;
    switch (n) {
      case 1:
        return 0x12 | (s.offline || s.coverOpen || s.paperOut ? 0x08 : 0);
      case 2:
        return 0x12 | (s.coverOpen ? 0x04 : 0) | (s.paperOut ? 0x20 : 0);
      case 4:
        return 0x12 | (s.paperOut ? 0x60 : 0) | (s.paperNearEnd ? 0x0c : 0);
      default:
        return 0x12;
    }
  }
}
