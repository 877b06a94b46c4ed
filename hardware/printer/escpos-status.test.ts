import { describe, expect, it } from 'vitest';
import { parsePrinterStatus, StatusByteError } from './escpos-status.ts';

describe('ESC/POS status parsing', () => {
  it('reads every documented combination', () => {
    expect(parsePrinterStatus({ printer: 0x12, paper: 0x12 })).toEqual({ kind: 'ready' });
    expect(parsePrinterStatus({ printer: 0x12, paper: 0x1e })).toEqual({ kind: 'paper-near-end' });
    expect(parsePrinterStatus({ printer: 0x12, paper: 0x72 })).toEqual({ kind: 'paper-out' });
    expect(parsePrinterStatus({ printer: 0x1a, offlineCause: 0x16, paper: 0x12 })).toEqual({
      kind: 'cover-open',
    });
    expect(parsePrinterStatus({ printer: 0x1a, offlineCause: 0x32, paper: 0x12 })).toEqual({
      kind: 'paper-out',
    });
    expect(parsePrinterStatus({ printer: 0x1a, offlineCause: 0x52, paper: 0x12 })).toEqual({
      kind: 'error',
      code: 'printer-error',
    });
    expect(parsePrinterStatus({ printer: 0x1a, offlineCause: 0x12, paper: 0x12 })).toEqual({
      kind: 'offline',
    });
  });

  it('classifies all 256 byte values: valid ones parse, the rest are typed errors', () => {
    let valid = 0;
    for (let b = 0; b < 256; b++) {
      const isStatus = (b & 0x93) === 0x12;
      if (isStatus) {
        valid++;
        expect(() =>
          parsePrinterStatus({ printer: b, offlineCause: 0x12, paper: 0x12 }),
        ).not.toThrow();
        expect(() => parsePrinterStatus({ printer: 0x12, paper: b })).not.toThrow();
      } else {
        expect(() => parsePrinterStatus({ printer: b, paper: 0x12 })).toThrow(StatusByteError);
        expect(() => parsePrinterStatus({ printer: 0x12, paper: b })).toThrow(StatusByteError);
      }
    }
    expect(valid).toBe(16);
  });
});
