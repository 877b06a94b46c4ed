/**
 * Settlements no patient saw finish still get a receipt record and K401: recovery running in the
 * background settles a payment left in doubt, and its receipt is recorded from the draft the
 * journal kept. Real HTTP to the gateway simulator, real SQLite journal and receipt store.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { ReceiptData } from '../core/domain.ts';
import { BackgroundRecovery, type Timers } from '../gateway/background-recovery.ts';
import { GatewayClient } from '../gateway/client.ts';
import { AesGcmFieldSealer } from '../gateway/field-sealer.ts';
import { PaymentJournal } from '../gateway/journal.ts';
import { PaymentCoordinator } from '../gateway/payments.ts';
import { GatewaySettlementPort } from '../gateway/settlement-port.ts';
import { loadScenario } from '../gateway/simulator/scenario.ts';
import type { GatewaySimulator } from '../gateway/simulator/server.ts';
import { startTestGateway, testClientOptions } from '../gateway/testing/test-client.ts';
import { ReceiptStore } from './receipt-store.ts';
import { RECOVERED_PROBLEM, recordMissingReceipts } from './recovered-receipts.ts';

const scenario = loadScenario();
const clock = { now: () => new Date('2026-11-22T02:00:00Z') };
const penny = scenario.patients.find((p) => p.name.startsWith('Penny'))!;
let sim: GatewaySimulator;
let dir: string;
const closers: (() => void)[] = [];

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'recovered-receipts-'));
  sim = await startTestGateway(join(dir, 'gateway.sqlite'), clock, scenario);
});
afterEach(async () => {
  for (const close of closers.splice(0)) close();
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
});

function kiosk() {
  const client = new GatewayClient(testClientOptions(sim.url, clock, { timeoutMs: 800 }));
  const journal = new PaymentJournal(join(dir, 'journal.sqlite'), clock.now);
  const store = new ReceiptStore(
    join(dir, 'receipts.sqlite'),
    new AesGcmFieldSealer(randomBytes(32)),
  );
  closers.push(
    () => journal.close(),
    () => store.close(),
  );
  const payments = new PaymentCoordinator({
    client,
    journal,
    clock,
    timeZone: scenario.hospital.timezone,
    log: () => undefined,
    pollMs: [5],
  });
  const notified: { settlementId: string; printed: boolean; problem: string }[] = [];
  const deps = {
    journal,
    payments,
    store,
    notify: async (receipt: ReceiptData, printed: boolean, problem: string) => {
      // The same K401 the live receipt path sends.
      await client.call('K401', {
        data: { setl_id: receipt.settlement.settlementId, printed: printed ? '1' : '0', problem },
      });
      notified.push({ settlementId: receipt.settlement.settlementId, printed, problem });
    },
    context: () => ({
      hospitalName: 'Test Hospital',
      kioskId: 'KIOSK-01',
      language: 'zh-CN' as const,
      eReceiptBaseUrl: 'https://e.example/r/',
    }),
    now: clock.now,
    log: () => undefined,
  };
  return {
    journal,
    payments,
    store,
    notified,
    deps,
    port: new GatewaySettlementPort(client, payments),
  };
}

/** Penny paid the cash part by phone; the gateway went away before 2207's answer. */
async function inDoubt(k: ReturnType<typeof kiosk>) {
  const patient = await k.port.findPatient(penny.certno);
  const [bill] = await k.port.unpaidBills(patient);
  const preview = await k.port.preSettle(patient, bill!);
  const start = await k.port.beginPayment(patient, bill!, preview, 'mobile');
  sim.payOrder(start.order!.orderNo);
  await k.port.waitForCash(start.paymentId, new AbortController().signal);
  await sim.stop();
  await expect(k.port.completePayment(start.paymentId)).rejects.toMatchObject({
    code: 'settlement-in-doubt',
  });
  await sim.start();
  return { bill: bill!, paymentId: start.paymentId };
}

/** Timers the test fires by hand: a pass runs when the test says, never after a wait. */
function manualTimers() {
  const due: (() => void)[] = [];
  const timers: Timers = {
    setTimeout: (fn) => {
      due.push(fn);
      return due.length;
    },
    clearTimeout: () => undefined,
  };
  return { timers, fire: () => due.shift()?.(), pending: () => due.length };
}

it('a background pass settles the payment in doubt and records its receipt, masked, with K401', async () => {
  const k = kiosk();
  const { bill, paymentId } = await inDoubt(k);
  const t = manualTimers();
  const passes: number[] = [];
  const service = new BackgroundRecovery({
    payments: k.payments,
    log: () => undefined,
    timers: t.timers,
    afterPass: async (report) => {
      passes.push(await recordMissingReceipts(k.deps, report.settledIds));
    },
  });
  service.start();
  expect(t.pending()).toBe(1);
  t.fire();
  await expect.poll(() => passes.length).toBe(1);
  expect(passes).toEqual([1]);
  const settlement = k.payments.settled(paymentId)!;
  const receipt = k.store.get(settlement.settlementId)!;
  expect(receipt.bill.id).toBe(bill.id);
  expect(receipt.bill.items.length).toBe(bill.items.length);
  expect(receipt.patientName).not.toBe(penny.name);
  expect(receipt.patientName.startsWith(penny.name.slice(0, 1))).toBe(true);
  expect(receipt.paymentMethod).toBe('mobile');
  expect(k.store.recent()[0]).toMatchObject({
    settlementId: settlement.settlementId,
    printed: false,
  });
  expect(k.notified).toEqual([
    { settlementId: settlement.settlementId, printed: false, problem: RECOVERED_PROBLEM },
  ]);
  // The next pass finds nothing open and records nothing twice.
  await expect.poll(() => t.pending()).toBe(1);
  t.fire();
  await expect.poll(() => passes.length).toBe(2);
  expect(passes[1]).toBe(0);
  await service.stop();
});

it('at start-up every settled payment without a receipt gets one; those with one are left alone', async () => {
  const k = kiosk();
  const { paymentId } = await inDoubt(k);
  await k.payments.recover();
  expect(await recordMissingReceipts(k.deps)).toBe(1);
  expect(await recordMissingReceipts(k.deps)).toBe(0);
  expect(k.store.get(k.payments.settled(paymentId)!.settlementId)).toBeDefined();
});

it('a journal row from before receipt drafts still gets a record, from the amounts alone', async () => {
  const k = kiosk();
  const { bill, paymentId } = await inDoubt(k);
  k.journal.db.prepare(`UPDATE payments SET receipt_json = '' WHERE payment_id = ?`).run(paymentId);
  await k.payments.recover();
  expect(await recordMissingReceipts(k.deps)).toBe(1);
  const receipt = k.store.get(k.payments.settled(paymentId)!.settlementId)!;
  expect(receipt).toMatchObject({ patientName: '', bill: { id: bill.id, items: [] } });
  expect(receipt.settlement.split.total).toBe(bill.total);
});

it('passes never overlap, and stop() waits for the one under way', async () => {
  let running = 0;
  let most = 0;
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const service = new BackgroundRecovery({
    payments: {
      recover: async () => {
        running++;
        most = Math.max(most, running);
        await gate;
        running--;
        return {
          examined: 0,
          settled: 0,
          reversed: 0,
          refunded: 0,
          failed: 0,
          live: 0,
          stillOpen: 0,
          settledIds: [],
        };
      },
    },
    log: () => undefined,
    timers: manualTimers().timers,
  });
  const a = service.runNow();
  const b = service.runNow();
  expect(a).toBe(b);
  let stopped = false;
  const stopping = service.stop().then(() => (stopped = true));
  await Promise.resolve();
  expect(stopped).toBe(false);
  release();
  await stopping;
  expect(most).toBe(1);
});
