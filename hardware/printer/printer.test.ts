import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DeviceStateError } from '../device.ts';
import { EscPosPrinter } from './escpos-printer.ts';
import { escposToText } from './escpos-text.ts';
import { RECEIPT_WIDTH, displayWidth, layoutReceipt } from './receipt-layout.ts';
import { SimulatedPrinter } from './simulated-printer.ts';
import { sampleReceipt } from '../testing/sample-receipt.ts';

const receipt = sampleReceipt;

describe('receipt layout', () => {
  it('produces exactly the golden ESC/POS bytes', () => {
    for (const lang of ['en', 'zh-CN'] as const) {
      const bytes = layoutReceipt(receipt(lang), 'Asia/Shanghai');
      const golden = join(import.meta.dirname, 'golden', `receipt-${lang}.bin`);
      if (process.env.UPDATE_GOLDEN || !existsSync(golden)) writeFileSync(golden, bytes);
      expect(Buffer.from(bytes).equals(readFileSync(golden))).toBe(true);
    }
  });

  it('reads back as text with the masked patient, every amount and the e-receipt QR', () => {
    const text = escposToText(layoutReceipt(receipt('zh-CN'), 'Asia/Shanghai'));
    expect(text).toContain('湖畔医院');
    expect(text).toContain('张*丰');
    expect(text).toContain('110***********1234');
    expect(text).toContain('2026-11-22 10:15:00'); // hospital time zone
    for (const amount of ['104.60', '63.69', '40.00', '0.91']) expect(text).toContain(amount);
    expect(text).toContain('[QR https://einvoice.example/r/S2026112200000001]');
  });
});

describe('EscPosPrinter on the simulated printer', () => {
  async function setup() {
    const sim = new SimulatedPrinter();
    const printer = new EscPosPrinter(sim);
    await printer.start();
    return { sim, printer };
  }

  it('prints a receipt: status before and after, bytes kept exactly', async () => {
    const { sim, printer } = await setup();
    const bytes = layoutReceipt(receipt('en'), 'Asia/Shanghai');
    expect(await printer.print(bytes)).toEqual({ printed: true });
    expect(Buffer.from(sim.bytes).equals(Buffer.from(bytes))).toBe(true);
    // One receipt, ending at the paper cut (GS V 0); what follows the cut (a reset) starts the next.
    expect(sim.receipts.length).toBe(1);
    const cutAt = Buffer.from(bytes).lastIndexOf(Buffer.from([0x1d, 0x56, 0x00]));
    expect(Buffer.from(sim.receipts[0]!).equals(Buffer.from(bytes.subarray(0, cutAt + 3)))).toBe(
      true,
    );
  });

  it.each([
    ['paper-out', { paperOut: true }],
    ['cover-open', { coverOpen: true }],
  ] as const)('refuses to print when %s, printing nothing', async (problem, patch) => {
    const { sim, printer } = await setup();
    sim.configure(patch);
    expect(await printer.print(layoutReceipt(receipt('en'), 'Asia/Shanghai'))).toEqual({
      printed: false,
      problem,
    });
    expect(sim.bytes.length).toBe(0);
  });

  it('an offline printer (no status answer) is reported offline', async () => {
    const { sim, printer } = await setup();
    sim.configure({ offline: true });
    expect(await printer.print(Uint8Array.of(0x41))).toEqual({
      printed: false,
      problem: 'offline',
    });
  });

  it('paper running out mid-receipt is not reported as printed', async () => {
    const { sim, printer } = await setup();
    sim.configure({ paperLeftBytes: 200 });
    expect(await printer.print(layoutReceipt(receipt('en'), 'Asia/Shanghai'))).toEqual({
      printed: false,
      problem: 'paper-out',
    });
    expect(sim.bytes.length).toBe(200);
  });

  it('refuses print() before enable: a typed lifecycle error', async () => {
    const printer = new EscPosPrinter(new SimulatedPrinter());
    await expect(printer.print(Uint8Array.of(1))).rejects.toThrow(DeviceStateError);
    await printer.open();
    await expect(printer.enable()).rejects.toThrow(DeviceStateError);
  });
});

describe('receipt lines', () => {
  it('never run past the paper width, counting Chinese characters as two columns', () => {
    for (const lang of ['en', 'zh-CN'] as const) {
      const text = escposToText(layoutReceipt(receipt(lang), 'Asia/Shanghai'));
      for (const line of text.split('\n')) {
        if (line.startsWith('[QR') || line.includes('✂')) continue;
        expect(displayWidth(line), line).toBeLessThanOrEqual(RECEIPT_WIDTH);
      }
    }
  });
});
