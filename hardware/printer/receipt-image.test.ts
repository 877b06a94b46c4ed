import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { receiptToSvg, renderReceiptPng } from './receipt-image.ts';
import { layoutReceipt } from './receipt-layout.ts';
import { SimulatedPrinter } from './simulated-printer.ts';
import { SAMPLE_E_RECEIPT, sampleReceipt } from '../testing/sample-receipt.ts';

const E_RECEIPT = SAMPLE_E_RECEIPT;

const receipt = sampleReceipt;

const dark = (png: PNG, x: number, y: number) => {
  const i = (y * png.width + x) * 4;
  return png.data[i]! + png.data[i + 1]! + png.data[i + 2]! < 3 * 96;
};
const darkIn = (png: PNG, x0: number, y0: number, x1: number, y1: number) => {
  let n = 0;
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) if (dark(png, x, y)) n++;
  return n;
};

describe('renderReceiptPng', () => {
  it.each(['zh-CN', 'en'] as const)('draws a %s receipt a person can read and scan', (lang) => {
    const bytes = layoutReceipt(receipt(lang), 'Asia/Shanghai');
    const png = PNG.sync.read(Buffer.from(renderReceiptPng(bytes)));
    expect(png.width).toBe(576);
    expect(png.height).toBeGreaterThan(800);
    expect(png.height).toBeLessThan(3000);

    // The centred, double-height hospital name: ink in the middle of the first line, none at
    // the edges of the roll.
    expect(darkIn(png, 150, 24, 426, 72)).toBeGreaterThan(500);
    expect(darkIn(png, 0, 0, 28, png.height - 2)).toBe(0);
    // Text lines down the receipt: count bands of rows with ink.
    let bands = 0;
    let inBand = false;
    for (let y = 0; y < png.height - 2; y++) {
      const ink = darkIn(png, 32, y, 544, y + 1) > 0;
      if (ink && !inBand) bands++;
      inBand = ink;
    }
    expect(bands).toBeGreaterThan(15);

    // The QR code: every module where the printer put it, matching a QR of the stored URL.
    const { qrCodes, cut } = receiptToSvg(bytes);
    expect(cut).toBe(true);
    expect(qrCodes).toHaveLength(1);
    const qr = qrCodes[0]!;
    expect(Buffer.from(qr.data).toString('utf8')).toBe(E_RECEIPT);
    const expected = QRCode.create([{ data: Buffer.from(E_RECEIPT), mode: 'byte' }], {
      errorCorrectionLevel: 'M',
    }).modules;
    expect(qr.modules).toBe(expected.size);
    expect(qr.moduleSize).toBe(6);
    let mismatches = 0;
    for (let r = 0; r < expected.size; r++)
      for (let c = 0; c < expected.size; c++) {
        const cx = qr.x + c * qr.moduleSize + qr.moduleSize / 2;
        const cy = qr.y + r * qr.moduleSize + qr.moduleSize / 2;
        if (dark(png, cx, cy) !== Boolean(expected.get(r, c))) mismatches++;
      }
    expect(mismatches).toBe(0);
    // A quiet zone a phone can find the symbol by.
    const quiet = 4 * qr.moduleSize;
    const size = qr.modules * qr.moduleSize;
    expect(darkIn(png, qr.x - quiet, qr.y - quiet, qr.x + size + quiet, qr.y)).toBe(0);
    expect(darkIn(png, qr.x - quiet, qr.y + size, qr.x + size + quiet, qr.y + size + quiet)).toBe(
      0,
    );
  });

  it('shows a receipt cut short by paper running out as torn, not as a short receipt', async () => {
    const printer = new SimulatedPrinter();
    await printer.open();
    printer.configure({ paperLeftBytes: 300 });
    await printer.write(layoutReceipt(receipt('en'), 'Asia/Shanghai'));
    expect(printer.receipts).toHaveLength(1);
    const torn = receiptToSvg(printer.receipts[0]!);
    expect(torn.cut).toBe(false);
    expect(torn.qrCodes).toHaveLength(0);
    const png = PNG.sync.read(Buffer.from(renderReceiptPng(printer.receipts[0]!)));
    const bottom = ((png.height - 3) * png.width + 16) * 4;
    // The red torn edge.
    expect(png.data[bottom]).toBeGreaterThan(150);
    expect(png.data[bottom + 1]).toBeLessThan(100);
  });

  it('wraps, aligns and sizes text as the printer does', () => {
    const ascii = (s: string) => [...Buffer.from(s, 'latin1')];
    const bytes = Uint8Array.from([
      0x1b, 0x40, // ESC @
      ...ascii('x'.repeat(43)), 0x0a, // one column too many: wraps
      0x1b, 0x61, 0x01, ...ascii('AB'), 0x0a, // centred
      0x1d, 0x21, 0x11, ...ascii('W'), 0x0a, // GS ! double width and height
      0x1d, 0x76, 0x30, 0x00, 0x02, 0x00, 0x03, 0x00, ...Array<number>(6).fill(0xff), // 16x3 raster
      0x1d, 0x56, 0x00, // cut
      ...ascii('after the cut'),
    ]); // prettier-ignore
    const { svg, cut } = receiptToSvg(bytes);
    expect(cut).toBe(true);
    const uses = [
      ...svg.matchAll(
        /<use href="#(g\d+)" transform="translate\(([\d.]+) ([\d.]+)\)( scale\(2 2\))?/g,
      ),
    ];
    const rows = new Set(uses.slice(0, 43).map((m) => m[3]));
    expect(rows.size).toBe(2); // 42 on the first line, 1 on the next
    expect(uses[43]![2]).toBe(String(32 + (512 - 24) / 2)); // "AB" centred on the print area
    expect(uses[45]![4]).toBe(' scale(2 2)');
    expect(svg).toContain('width="16" height="1"/>');
    expect(uses).toHaveLength(46); // nothing after the cut
  });

  it('renders any bytes without throwing (bad input from a device changes nothing)', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) % 256;
    const bytes = Uint8Array.from({ length: 3000 }, random);
    const png = PNG.sync.read(Buffer.from(renderReceiptPng(bytes)));
    expect(png.width).toBe(576);
    expect(png.height).toBeLessThanOrEqual(20_000 + 32);
  });
});
