/**
 * The admin PIN lockout outlives the process: five wrong PINs, a new AdminService on the same
 * data folder (what a restart, or a crash forced to clear the lockout, gives), still locked.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { AdminService, type AdminServiceOptions } from './admin.ts';
import { LogRing } from './log.ts';
import { pinLockStore } from './pin-lock-store.ts';

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
    pin: '97531864',
    lockStore: pinLockStore(dataDir, 'admin'),
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
  expect(adminOn(dir).adminLogin('97531864')).toEqual({ ok: true });

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
