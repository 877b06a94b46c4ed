/**
 * SimulatedPrinter: a byte-level twin of an ESC/POS thermal printer. It is a BytePipe, so the
 * real EscPosPrinter driver runs on top of it unchanged. It answers DLE EOT status queries from
 * its toggles (paper out, cover open, offline), keeps every byte it "printed", and can run out
 * of paper part-way through a receipt.
 */
import { type BytePipe, ReadBuffer } from '../byte-pipe.ts';

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
  /** Receipts, split at each paper cut (GS V). */
  readonly receipts: Uint8Array[] = [];
  private current: number[] = [];

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
  }

  read(n: number, timeoutMs: number): Promise<Uint8Array> {
    return this.incoming.read(n, timeoutMs);
  }

  private accept(byte: number): void {
    if (this.state.paperOut || this.state.coverOpen) return;
    if (this.state.paperLeftBytes !== undefined) {
      if (this.state.paperLeftBytes <= 0) {
        this.state.paperOut = true;
        this.finishReceipt();
        return;
      }
      this.state.paperLeftBytes--;
    }
    this.printed.push(byte);
    this.current.push(byte);
    const n = this.current.length;
    // GS V m (full/partial cut, optionally with a feed byte) ends a receipt.
    if (
      n >= 3 &&
      this.current[n - 3] === 0x1d &&
      this.current[n - 2] === 0x56 &&
      [0x41, 0x42].includes(this.current[n - 1]!)
    ) {
      return; // function B: a feed count byte follows
    }
    if (
      n >= 4 &&
      this.current[n - 4] === 0x1d &&
      this.current[n - 3] === 0x56 &&
      [0x41, 0x42].includes(this.current[n - 2]!)
    ) {
      this.finishReceipt();
    } else if (
      n >= 3 &&
      this.current[n - 3] === 0x1d &&
      this.current[n - 2] === 0x56 &&
      [0x00, 0x01, 0x30, 0x31].includes(this.current[n - 1]!)
    ) {
      this.finishReceipt();
    }
  }

  private finishReceipt(): void {
    if (this.current.length > 0) this.receipts.push(Uint8Array.from(this.current));
    this.current = [];
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
