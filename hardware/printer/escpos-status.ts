/**
 * ESC/POS real-time status (DLE EOT n). Each query answers one byte whose bits 1 and 4 are
 * always set and bit 0 and 7 always clear; anything else is not a status byte.
 *   n=1 printer:       bit 3 offline
 *   n=2 offline cause: bit 2 cover open, bit 5 stopped by paper end, bit 6 error
 *   n=4 paper sensor:  bits 2-3 paper near end, bits 5-6 paper end
 */
import type { DeviceStatus } from '../device.ts';

export const DLE_EOT = (n: 1 | 2 | 4) => Uint8Array.of(0x10, 0x04, n);

export class StatusByteError extends Error {
  override readonly name = 'StatusByteError';
}

function check(byte: number): number {
  if (!Number.isInteger(byte) || byte < 0 || byte > 255 || (byte & 0x93) !== 0x12) {
    throw new StatusByteError(
      `not an ESC/POS status byte: 0x${byte.toString(16).padStart(2, '0')}`,
    );
  }
  return byte;
}

export interface PrinterStatusBytes {
  printer: number;
  offlineCause?: number;
  paper: number;
}

export function parsePrinterStatus(bytes: PrinterStatusBytes): DeviceStatus {
  const printer = check(bytes.printer);
  const paper = check(bytes.paper);
  if ((paper & 0x60) === 0x60) return { kind: 'paper-out' };
  if (printer & 0x08) {
    const cause = bytes.offlineCause === undefined ? 0x12 : check(bytes.offlineCause);
    if (cause & 0x04) return { kind: 'cover-open' };
    if (cause & 0x20) return { kind: 'paper-out' };
    if (cause & 0x40) return { kind: 'error', code: 'printer-error' };
    return { kind: 'offline' };
  }
  if ((paper & 0x0c) === 0x0c) return { kind: 'paper-near-end' };
  return { kind: 'ready' };
}

/** Statuses in which a receipt may be printed. */
export function canPrint(status: DeviceStatus): boolean {
  return status.kind === 'ready' || status.kind === 'paper-near-end';
}
