/**
 * Staff accounts in admin mode, on disk as in a kiosk: an operator is refused reconciliation and
 * a supervisor (against the real gateway simulator) is not, both audited by id; a badge signs in
 * only while the sign-in waits for one; wrong PINs lock only that staff id; the shared PIN as
 * configured per mode; the audit chain verifies, and fails once a row is edited.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { AesGcmFieldSealer } from '../gateway/field-sealer.ts';
import { parseConfig } from '../core/config.ts';
import { GatewayClient } from '../gateway/client.ts';
import { PaymentJournal } from '../gateway/journal.ts';
import { PaymentCoordinator } from '../gateway/payments.ts';
import type { GatewaySimulator } from '../gateway/simulator/server.ts';
import { startTestGateway, testClientOptions } from '../gateway/testing/test-client.ts';
import { AdminService, type AdminServiceOptions } from './admin.ts';
import { LogRing } from './log.ts';
import { ReceiptStore } from './receipt-store.ts';
import { staffAccessFrom } from './staff-access.ts';
import { hashSecret, newBadge } from './staff-accounts.ts';

let nowMs = Date.parse('2026-11-22T02:00:00Z');
const clock = { now: () => new Date(nowMs) };
let dir: string;
let sim: GatewaySimulator;
let journal: PaymentJournal;
let receipts: ReceiptStore;
const logged: Array<[string, Record<string, unknown>]> = [];
const log = (event: string, fields: Record<string, string | number | boolean> = {}) =>
  void logged.push([event, fields]);

// Hashed once: scrypt is slow on purpose.
const OPERATOR_PIN = '480263';
const SUPERVISOR_PIN = '915372';
const badge = newBadge('1002');
const staff = [
  { id: '1001', role: 'operator', pinHash: hashSecret(OPERATOR_PIN) },
  {
    id: '1002',
    role: 'supervisor',
    pinHash: hashSecret(SUPERVISOR_PIN),
    badgeHash: badge.badgeHash,
  },
];
const production = {
  mode: 'production',
  gateway: { url: 'https://gw.example' },
  adminPin: '90817263',
  camera: { kind: 'renderer' },
  printer: { kind: 'tcp', host: '10.0.0.9', port: 9100 },
  scanner: { kind: 'serial', path: '/dev/ttyACM0' },
  face: { useShippedPolicy: true },
};

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'staff-admin-'));
  sim = await startTestGateway(join(dir, 'gateway.sqlite'), clock);
  journal = new PaymentJournal(join(dir, 'journal.sqlite'), clock.now);
  receipts = new ReceiptStore(join(dir, 'receipts.sqlite'), new AesGcmFieldSealer(randomBytes(32)));
  logged.length = 0;
});
afterEach(async () => {
  receipts.close();
  journal.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Admin mode as the host builds it, on `dir`; devices and the printer are never reached here. */
function admin(config: unknown = { staff }, extra: Partial<AdminServiceOptions> = {}) {
  const unused = new Proxy({}, { get: () => expect.fail('reached a part this test does not use') });
  const access = staffAccessFrom(parseConfig(config), dir, clock, log);
  const client = new GatewayClient(testClientOptions(sim.url, clock, { timeoutMs: 2000 }));
  const service = new AdminService({
    ...access,
    clock,
    log,
    logRing: new LogRing(),
    devices: unused as AdminServiceOptions['devices'],
    payments: new PaymentCoordinator({ client, journal, clock, timeZone: 'Asia/Shanghai', log }),
    receipts,
    printer: unused as AdminServiceOptions['printer'],
    kioskId: 'KIOSK-01',
    timeZone: 'Asia/Shanghai',
    ...extra,
  });
  return { service, audit: access.audit };
}

it('an operator is refused reconciliation, a supervisor is served; both audited by id and role', async () => {
  const { service, audit } = admin();
  expect(service.adminLogin({ staffId: '1001', pin: OPERATOR_PIN })).toEqual({
    ok: true,
    staffId: '1001',
    role: 'operator',
  });
  await expect(service.adminReconcile()).rejects.toThrow('reconciliation needs a supervisor');
  expect(service.adminReceipts()).toEqual([]); // an operator's own work is allowed
  service.adminExit();
  expect(service.adminLogin({ staffId: '1002', pin: SUPERVISOR_PIN })).toMatchObject({
    ok: true,
    role: 'supervisor',
  });
  nowMs += 60_000;
  const report = await service.adminReconcile();
  expect(report.agree).toBe(true);
  service.adminExit();

  const rows = audit.recent().map((r) => [r.staffId, r.role, r.action, r.outcome]);
  expect(rows).toEqual([
    ['1001', 'operator', 'login', 'ok'],
    ['1001', 'operator', 'reconciliation', 'refused'],
    ['1001', 'operator', 'receipts', 'ok'],
    ['1001', 'operator', 'logout', 'ok'],
    ['1002', 'supervisor', 'login', 'ok'],
    ['1002', 'supervisor', 'reconciliation', 'ok'],
    ['1002', 'supervisor', 'logout', 'ok'],
  ]);
  // When, from the injected clock.
  expect(audit.recent().at(-2)!.at).toBe('2026-11-22T02:01:00.000Z');
  expect(audit.verify()).toMatchObject({ ok: true, rows: 7 });
  // Each row's number and hash went to the log too, so a cut-off tail shows there.
  expect(logged.filter(([e]) => e === 'audit.appended')).toHaveLength(7);
});

it('wrong PINs lock that staff id only, across a restart; unknown ids are audited as "?"', () => {
  const first = admin().service;
  for (let i = 0; i < 4; i++)
    expect(first.adminLogin({ staffId: '1001', pin: '000000' })).toMatchObject({
      reason: 'wrong-pin',
    });
  expect(first.adminLogin({ staffId: '1001', pin: '000000' })).toMatchObject({
    reason: 'locked',
  });
  const restarted = admin().service;
  expect(restarted.adminLogin({ staffId: '1001', pin: OPERATOR_PIN })).toMatchObject({
    reason: 'locked',
  });
  // Another member signs in while 1001 is locked.
  expect(restarted.adminLogin({ staffId: '1002', pin: SUPERVISOR_PIN })).toMatchObject({
    ok: true,
  });
  nowMs += 15 * 60_000;
  expect(restarted.adminLogin({ staffId: '1001', pin: OPERATOR_PIN })).toMatchObject({
    ok: true,
  });
  // A PIN typed into the id field is not written anywhere.
  const { service, audit } = admin();
  expect(service.adminLogin({ staffId: '915372', pin: '1' })).toMatchObject({
    reason: 'wrong-pin',
  });
  const last = audit.recent().at(-1)!;
  expect([last.staffId, last.role, last.action, last.outcome]).toEqual([
    '?',
    '',
    'login-failed',
    'unknown-staff',
  ]);
  expect(JSON.stringify(logged)).not.toContain('915372');
  expect(
    audit
      .recent(100)
      .filter((r) => r.staffId === '1001')
      .map((r) => r.outcome),
  ).toEqual([
    'wrong-secret',
    'wrong-secret',
    'wrong-secret',
    'wrong-secret',
    'locked',
    'locked',
    'ok',
  ]);
});

it('a staff badge signs in only while the sign-in waits for it, and never reaches the patient', async () => {
  const { service, audit } = admin(undefined, { badgeWaitMs: 5000 });
  service.badgeScanned(badge.code); // nobody waiting: ignored
  expect(logged.some(([e]) => e === 'staff.badge-ignored')).toBe(true);
  const waiting = service.adminBadgeLogin();
  service.badgeScanned(badge.code);
  expect(await waiting).toEqual({ ok: true, staffId: '1002', role: 'supervisor' });
  service.adminExit();
  // A forged token for a real id costs that id an attempt.
  const forged = service.adminBadgeLogin();
  service.badgeScanned('STAFF:1002:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
  expect(await forged).toMatchObject({ ok: false, reason: 'wrong-pin', attemptsLeft: 4 });
  // Nothing scanned in time: the renderer asks again.
  const short = admin(undefined, { badgeWaitMs: 20 }).service;
  expect(await short.adminBadgeLogin()).toEqual({ ok: false, reason: 'no-badge' });
  expect(audit.recent().map((r) => [r.staffId, r.action, r.outcome])).toEqual([
    ['1002', 'login', 'ok'],
    ['1002', 'logout', 'ok'],
    ['1002', 'login-failed', 'wrong-secret'],
  ]);
});

it('the shared PIN: a supervisor in simulator mode; deprecated in production without staff; refused with staff', () => {
  const sim = admin({ staff }).service;
  expect(sim.adminLogin('246810')).toEqual({ ok: true, staffId: 'shared-pin', role: 'supervisor' });

  logged.length = 0;
  const old = admin(production).service;
  expect(logged.some(([e]) => e === 'admin.shared-pin-deprecated')).toBe(true);
  expect(old.adminLogin('90817263')).toMatchObject({ ok: true, role: 'supervisor' });

  const withStaff = admin({ ...production, staff }).service;
  expect(withStaff.adminLogin('90817263')).toEqual({ ok: false, reason: 'staff-id-needed' });
  expect(() => withStaff.adminLogs()).toThrow('admin mode is required');
});

it('the audit chain verifies, and fails from the row that was edited or removed', () => {
  const { service, audit } = admin();
  service.adminLogin({ staffId: '1001', pin: OPERATOR_PIN });
  service.adminReceipts();
  service.adminExit();
  expect(audit.verify()).toMatchObject({ ok: true, rows: 3 });

  const db = new Database(join(dir, 'audit-log.sqlite'));
  try {
    // The table refuses edits as it stands...
    expect(() => db.prepare(`UPDATE audit SET staff_id = '1002' WHERE seq = 2`).run()).toThrow(
      /append-only/,
    );
    // ...and one made behind its back breaks the chain at that row.
    db.exec(`DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete`);
    db.prepare(`UPDATE audit SET staff_id = '1002' WHERE seq = 2`).run();
  } finally {
    db.close();
  }
  expect(audit.verify()).toMatchObject({ ok: false, brokenAt: 2, problem: /do not match/ });

  // A row removed (the triggers are back: each open puts them back) breaks it at the next row.
  const again = new Database(join(dir, 'audit-log.sqlite'));
  try {
    again.exec(`DROP TRIGGER audit_no_update; DROP TRIGGER audit_no_delete`);
    again.prepare(`DELETE FROM audit WHERE seq = 2`).run();
  } finally {
    again.close();
  }
  expect(audit.verify()).toMatchObject({ ok: false, brokenAt: 3 });
});
