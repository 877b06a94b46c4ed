/**
 * Staff look up a payment left in doubt by the reference on the patient's slip, and ask the
 * gateway about it at once: real gateway simulator over HTTP, real journal, audited.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { GatewayClient } from '../gateway/client.ts';
import { PaymentJournal } from '../gateway/journal.ts';
import { PaymentCoordinator } from '../gateway/payments.ts';
import { GatewaySettlementPort } from '../gateway/settlement-port.ts';
import { loadScenario } from '../gateway/simulator/scenario.ts';
import type { GatewaySimulator } from '../gateway/simulator/server.ts';
import { startTestGateway, testClientOptions } from '../gateway/testing/test-client.ts';
import { AdminService, type AdminServiceOptions } from './admin.ts';
import { AuditLog } from './audit-log.ts';
import { LogRing } from './log.ts';
import { pinLockStore } from './pin-lock-store.ts';

const scenario = loadScenario();
const clock = { now: () => new Date('2026-11-22T02:00:00Z') };
const penny = scenario.patients.find((p) => p.name.startsWith('Penny'))!;
let dir: string;
let sim: GatewaySimulator;
let journal: PaymentJournal;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'admin-open-'));
  sim = await startTestGateway(join(dir, 'gateway.sqlite'), clock, scenario);
});
afterEach(async () => {
  journal.close();
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('a payment in doubt is listed by its reference, and "check now" settles it; both audited', async () => {
  const client = new GatewayClient(testClientOptions(sim.url, clock, { timeoutMs: 800 }));
  journal = new PaymentJournal(join(dir, 'journal.sqlite'), clock.now);
  const payments = new PaymentCoordinator({
    client,
    journal,
    clock,
    timeZone: scenario.hospital.timezone,
    log: () => undefined,
    pollMs: [5],
  });
  const port = new GatewaySettlementPort(client, payments);
  const patient = await port.findPatient(penny.certno);
  const [bill] = await port.unpaidBills(patient);
  const preview = await port.preSettle(patient, bill!);
  const start = await port.beginPayment(patient, bill!, preview, 'mobile');
  sim.payOrder(start.order!.orderNo);
  await port.waitForCash(start.paymentId, new AbortController().signal);
  await sim.stop();
  await expect(port.completePayment(start.paymentId)).rejects.toMatchObject({
    code: 'settlement-in-doubt',
  });
  await sim.start();

  const audit = new AuditLog(join(dir, 'audit-log.sqlite'), clock);
  const unused = new Proxy({}, { get: () => expect.fail('not needed here') });
  const admin = new AdminService({
    sharedPin: { pin: '97531864', deprecated: false },
    lockStore: pinLockStore(dir, 'admin'),
    audit,
    clock,
    log: () => undefined,
    logRing: new LogRing(),
    devices: unused as AdminServiceOptions['devices'],
    payments,
    receipts: unused as AdminServiceOptions['receipts'],
    printer: unused as AdminServiceOptions['printer'],
    kioskId: 'LOBBY-01',
    timeZone: 'Asia/Shanghai',
    upkeep: {
      runNow: async () => {
        await payments.recover();
      },
    },
  });
  expect(() => admin.adminOpenPayments()).toThrow(/admin mode is required/);
  expect(admin.adminLogin('97531864').ok).toBe(true);
  const open = admin.adminOpenPayments();
  expect(open).toEqual([
    expect.objectContaining({
      reference: start.paymentId,
      billId: bill!.id,
      total: preview.split.total,
      cash: preview.split.cash,
      settleState: 'in-doubt',
      cashState: 'paid',
    }),
  ]);
  // Nothing that names the patient.
  expect(JSON.stringify(open)).not.toContain(penny.psn_no);
  expect(JSON.stringify(open)).not.toContain(penny.certno);
  expect(await admin.adminCheckPayments()).toEqual([]);
  expect(journal.get(start.paymentId)!.settle_state).toBe('settled');
  expect(audit.recent().map((e) => e.action)).toEqual(
    expect.arrayContaining(['open-payments', 'check-payments']),
  );
});
