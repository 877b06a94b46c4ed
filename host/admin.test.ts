/**
 * The admin PIN lockout outlives the process: five wrong PINs, a new AdminService on the same
 * data folder (what a restart, or a crash forced to clear the lockout, gives), still locked.
 * A reprint is marked as a copy on the paper.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { AesGcmFieldSealer } from '../gateway/field-sealer.ts';
import { EscPosPrinter } from '../hardware/printer/escpos-printer.ts';
import { escposToText } from '../hardware/printer/escpos-text.ts';
import { COPY_MARK } from '../hardware/printer/receipt-layout.ts';
import { ReceiptPrinter } from '../hardware/printer/receipt-printer.ts';
import { SimulatedPrinter } from '../hardware/printer/simulated-printer.ts';
import { sampleReceipt } from '../hardware/testing/sample-receipt.ts';
import { AdminService, type AdminServiceOptions } from './admin.ts';
import { AuditLog } from './audit-log.ts';
import { LogRing } from './log.ts';
import { pinLockStore } from './pin-lock-store.ts';
import { ReceiptStore } from './receipt-store.ts';

let dir: string;
let nowMs = Date.parse('2026-11-22T02:00:00Z');
const clock = { now: () => new Date(nowMs) };
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'admin-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Admin mode on `dataDir`; login touches only the gate, so the rest is never reached. */
function adminOn(dataDir: string): AdminService {
  const unused = new Proxy({}, { get: () => expect.fail('admin login reached a device') });
  return new AdminService({
    sharedPin: { pin: '97531864', deprecated: false },
    lockStore: pinLockStore(dataDir, 'admin'),
    audit: new AuditLog(join(dataDir, 'audit-log.sqlite'), clock),
    clock,
    log: () => undefined,
    logRing: new LogRing(),
    devices: unused as AdminServiceOptions['devices'],
    payments: unused as AdminServiceOptions['payments'],
    receipts: unused as AdminServiceOptions['receipts'],
    printer: unused as AdminServiceOptions['printer'],
    kioskId: 'LOBBY-01',
    timeZone: 'Asia/Shanghai',
  });
}

it('a lockout survives a restart, and so do the attempts already spent', () => {
  const first = adminOn(dir);
  for (let i = 0; i < 4; i++) expect(first.adminLogin('0000').ok).toBe(false);
  expect(first.adminLogin('0000')).toMatchObject({ ok: false, reason: 'locked' });

  const restarted = adminOn(dir);
  expect(restarted.adminLogin('97531864')).toMatchObject({ ok: false, reason: 'locked' });
  nowMs += 15 * 60_000;
  expect(adminOn(dir).adminLogin('97531864')).toMatchObject({ ok: true });

  // Two wrong PINs, a restart: three attempts left, not five.
  adminOn(dir).adminLogin('1');
  adminOn(dir).adminLogin('2');
  expect(adminOn(dir).adminLogin('3')).toEqual({
    ok: false,
    reason: 'wrong-pin',
    attemptsLeft: 2,
  });
  // The staff confirmation gate keeps its own count in the same file.
  expect(pinLockStore(dir, 'staff').load()).toEqual({ failures: 0, lockedUntil: 0 });
});

it('a reprint from admin mode says "COPY / 补打" on the paper; the record keeps the original', async () => {
  const sim = new SimulatedPrinter();
  const printer = new EscPosPrinter(sim);
  await printer.start();
  const receipts = new ReceiptStore(
    join(dir, 'receipts.sqlite'),
    new AesGcmFieldSealer(randomBytes(32)),
  );
  const unused = new Proxy({}, { get: () => expect.fail('reprint reached another part') });
  const admin = new AdminService({
    sharedPin: { pin: '97531864', deprecated: false },
    lockStore: pinLockStore(dir, 'admin'),
    audit: new AuditLog(join(dir, 'audit-log.sqlite'), clock),
    clock,
    log: () => undefined,
    logRing: new LogRing(),
    devices: unused as AdminServiceOptions['devices'],
    payments: unused as AdminServiceOptions['payments'],
    receipts,
    printer: new ReceiptPrinter(printer, 'Asia/Shanghai'),
    kioskId: 'LOBBY-01',
    timeZone: 'Asia/Shanghai',
  });
  try {
    // The first print, as the session makes it, carries no mark.
    const original = sampleReceipt('zh-CN');
    expect(await new ReceiptPrinter(printer, 'Asia/Shanghai').print(original)).toEqual({
      printed: true,
    });
    receipts.record(original, true);
    expect(admin.adminLogin('97531864')).toMatchObject({ ok: true });
    expect(await admin.adminReprint(original.settlement.settlementId)).toEqual({ printed: true });
    const [first, reprint] = sim.receipts.map((bytes) => escposToText(bytes));
    expect(first).not.toContain(COPY_MARK);
    expect(reprint).toContain(COPY_MARK);
    expect(reprint).toContain('张*丰');
    expect(receipts.get(original.settlement.settlementId)).toEqual(original);
    // The list staff pick from: local time and the masked patient, never the ID number.
    expect(admin.adminReceipts()).toEqual([
      {
        settlementId: original.settlement.settlementId,
        printedAt: original.printedAt,
        time: '2026-11-22 10:15',
        patient: '张*丰',
        total: original.settlement.split.total,
        printed: true,
      },
    ]);
  } finally {
    receipts.close();
    await printer.stop();
  }
});
