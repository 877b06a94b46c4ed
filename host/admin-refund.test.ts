/**
 * A staff refund from admin mode: an operator is refused (audited), a supervisor reverses the
 * settlement (2208) and refunds the phone payment, a refund slip is printed, and a second press
 * refunds nothing more. Real gateway simulator over HTTP, real journal, ESC/POS bytes.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { parseConfig } from '../core/config.ts';
import { AesGcmFieldSealer } from '../gateway/field-sealer.ts';
import { GatewayClient } from '../gateway/client.ts';
import { PaymentJournal } from '../gateway/journal.ts';
import { PaymentCoordinator } from '../gateway/payments.ts';
import { receiptFromJournal } from '../gateway/receipt-draft.ts';
import { GatewaySettlementPort } from '../gateway/settlement-port.ts';
import { loadScenario } from '../gateway/simulator/scenario.ts';
import type { GatewaySimulator } from '../gateway/simulator/server.ts';
import { startTestGateway, testClientOptions } from '../gateway/testing/test-client.ts';
import { EscPosPrinter } from '../hardware/printer/escpos-printer.ts';
import { escposToText } from '../hardware/printer/escpos-text.ts';
import { ReceiptPrinter } from '../hardware/printer/receipt-printer.ts';
import { SimulatedPrinter } from '../hardware/printer/simulated-printer.ts';
import { AdminService, type AdminServiceOptions } from './admin.ts';
import { LogRing } from './log.ts';
import { ReceiptStore } from './receipt-store.ts';
import { staffAccessFrom } from './staff-access.ts';
import { hashSecret } from './staff-accounts.ts';

const scenario = loadScenario();
const clock = { now: () => new Date('2026-11-22T02:00:00Z') };
const penny = scenario.patients.find((p) => p.name.startsWith('Penny'))!;
const OPERATOR_PIN = '480263';
const SUPERVISOR_PIN = '915372';
const staff = [
  { id: '1001', role: 'operator', pinHash: hashSecret(OPERATOR_PIN) },
  { id: '1002', role: 'supervisor', pinHash: hashSecret(SUPERVISOR_PIN) },
];
let dir: string;
let sim: GatewaySimulator;
let journal: PaymentJournal;
let receipts: ReceiptStore;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'admin-refund-'));
  sim = await startTestGateway(join(dir, 'gateway.sqlite'), clock, scenario);
  journal = new PaymentJournal(join(dir, 'journal.sqlite'), clock.now);
  receipts = new ReceiptStore(join(dir, 'receipts.sqlite'), new AesGcmFieldSealer(randomBytes(32)));
});
afterEach(async () => {
  receipts.close();
  journal.close();
  await sim.close();
  rmSync(dir, { recursive: true, force: true });
});

it('operator refused, supervisor refunds once with a slip; a second press refunds nothing', async () => {
  const client = new GatewayClient(testClientOptions(sim.url, clock, { timeoutMs: 2000 }));
  const payments = new PaymentCoordinator({
    client,
    journal,
    clock,
    timeZone: 'Asia/Shanghai',
    log: () => undefined,
    pollMs: [5],
  });
  // Penny pays her bill by phone; her receipt is recorded as the kiosk records it.
  const port = new GatewaySettlementPort(client, payments);
  const patient = await port.findPatient(penny.certno);
  const [bill] = await port.unpaidBills(patient);
  const preview = await port.preSettle(patient, bill!);
  const start = await port.beginPayment(patient, bill!, preview, 'mobile');
  sim.payOrder(start.order!.orderNo);
  await port.waitForCash(start.paymentId, new AbortController().signal);
  const settlement = await port.completePayment(start.paymentId);
  receipts.record(
    receiptFromJournal(journal.get(start.paymentId)!, settlement, {
      hospitalName: "Lakeside People's Hospital",
      kioskId: 'KIOSK-01',
      language: 'en',
      printedAt: clock.now().toISOString(),
      eReceiptBaseUrl: 'https://e.example/r/',
    }),
    true,
  );

  const simulated = new SimulatedPrinter();
  const escpos = new EscPosPrinter(simulated);
  await escpos.start();
  const access = staffAccessFrom(parseConfig({ staff }), dir, clock, () => undefined);
  const unused = new Proxy({}, { get: () => expect.fail('not needed here') });
  const admin = new AdminService({
    ...access,
    clock,
    log: () => undefined,
    logRing: new LogRing(),
    devices: unused as AdminServiceOptions['devices'],
    payments,
    receipts,
    printer: new ReceiptPrinter(escpos, 'Asia/Shanghai'),
    kioskId: 'KIOSK-01',
    timeZone: 'Asia/Shanghai',
  });

  expect(admin.adminLogin({ staffId: '1001', pin: OPERATOR_PIN }).ok).toBe(true);
  await expect(admin.adminRefund(settlement.settlementId)).rejects.toThrow(
    'refund needs a supervisor',
  );
  expect(journal.get(start.paymentId)!.settle_state).toBe('settled');
  admin.adminExit();

  expect(admin.adminLogin({ staffId: '1002', pin: SUPERVISOR_PIN }).ok).toBe(true);
  expect(await admin.adminRefund(settlement.settlementId)).toEqual({
    refunded: true,
    alreadyRefunded: false,
    cash: preview.split.cash,
    slipPrinted: true,
  });
  expect(journal.get(start.paymentId)).toMatchObject({
    settle_state: 'reversed',
    cash_state: 'refunded',
  });
  expect(sim.store.orders.order(start.order!.orderNo)?.status).toBe('refunded');
  const gatewayRow = sim.store.db
    .prepare(`SELECT status FROM settlements WHERE setl_id = ?`)
    .get(settlement.settlementId) as { status: string };
  expect(gatewayRow.status).not.toBe('settled');
  const slip = escposToText(simulated.receipts.at(-1)!);
  expect(slip).toContain('REFUND');
  expect(slip).toContain(settlement.settlementId);
  expect(slip).toContain('Staff: 1002');

  // Pressed again (or after a restart): nothing more is reversed or refunded.
  const again = await admin.adminRefund(settlement.settlementId);
  expect(again).toMatchObject({ refunded: true, alreadyRefunded: true });
  const refunds = sim.store.db
    .prepare(`SELECT COUNT(*) AS n FROM orders WHERE status = 'refunded'`)
    .get() as { n: number };
  expect(refunds.n).toBe(1);
  const actions = access.audit.recent().map((r) => [r.staffId, r.action, r.outcome]);
  expect(actions).toEqual(
    expect.arrayContaining([
      ['1001', 'refund', 'refused'],
      ['1002', 'refund', 'ok'],
    ]),
  );
});
