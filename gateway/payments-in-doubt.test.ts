/**
 * Money in doubt while the kiosk keeps serving: a bill whose payment is still open cannot be paid
 * again, the patient's own payment is resolved while they wait, and recovery running beside live
 * sessions never undoes a payment a patient is still making nor races the session on one.
 * Real HTTP to the gateway simulator, real SQLite journals.
 */
import { afterEach, beforeEach, expect, it } from 'vitest';
import { loadScenario } from './simulator/scenario.ts';
import type { GatewaySimulator } from './simulator/server.ts';
import { TestSite, type TestKiosk, readyToPay as readyToPayAt } from './testing/test-kiosk.ts';

const scenario = loadScenario();
let nowMs = Date.parse('2026-11-22T02:00:00Z');
const clock = { now: () => new Date(nowMs) };
let site: TestSite;
let sim: GatewaySimulator;
const penny = scenario.patients.find((p) => p.name.startsWith('Penny'))!;

const slept: number[] = [];
let onSleep: (() => Promise<void>) | undefined;

function kiosk(file = site.file('journal.sqlite')) {
  return site.kiosk({
    journalFile: file,
    client: { timeoutMs: 800 },
    payments: {
      maxLiveMs: 60_000,
      inDoubtWaitMs: 10_000,
      // The patient's wait passes on the test's clock: no real time goes by.
      sleep: async (ms: number) => {
        slept.push(ms);
        nowMs += ms;
        await onSleep?.();
      },
    },
  });
}

const readyToPay = (k: TestKiosk) => readyToPayAt(k.port, penny.certno);
const settledCount = (billId: string) => site.settledCount(billId);

beforeEach(async () => {
  slept.length = 0;
  onSleep = undefined;
  nowMs = Date.parse('2026-11-22T02:00:00Z');
  site = await TestSite.start('in-doubt-', clock, scenario);
  sim = site.sim;
});
afterEach(() => site.close());

/** Penny paid her cash part, then the gateway went away: 2207's outcome is unknown. */
async function paidButInDoubt(k: TestKiosk) {
  const p = await readyToPay(k);
  const start = await k.port.beginPayment(p.patient, p.bill, p.preview, 'mobile');
  sim.payOrder(start.order!.orderNo);
  expect(await k.port.waitForCash(start.paymentId, new AbortController().signal)).toBe('paid');
  await sim.stop();
  await expect(k.port.completePayment(start.paymentId)).rejects.toMatchObject({
    code: 'settlement-in-doubt',
  });
  await sim.start();
  return { ...p, paymentId: start.paymentId };
}

it('a bill whose payment is in doubt is listed as being checked and cannot be paid again', async () => {
  const k = kiosk();
  const p = await paidButInDoubt(k);
  // The hospital still lists the bill (the gateway never settled it), but the kiosk holds it.
  const [listed] = await k.port.unpaidBills(p.patient);
  expect(listed).toMatchObject({ id: p.bill.id, beingChecked: true });
  await expect(k.port.beginPayment(p.patient, p.bill, p.preview, 'mobile')).rejects.toMatchObject({
    code: 'bill-being-checked',
  });
  // Only the one cash order was ever opened for the bill.
  expect((sim.store.db.prepare(`SELECT COUNT(*) AS n FROM orders`).get() as { n: number }).n).toBe(
    1,
  );
  // Recovery settles it; the bill is then simply paid (no longer listed by the hospital).
  expect(await k.payments.recover()).toMatchObject({ settled: 1, stillOpen: 0 });
  expect(settledCount(p.bill.id)).toBe(1);
  expect((await k.port.unpaidBills(p.patient)).some((b) => b.id === p.bill.id)).toBe(false);
});

it('the same kiosk restarted on the journal still holds the bill until recovery resolves it', async () => {
  const file = site.file('restart.sqlite');
  const k1 = kiosk(file);
  const p = await paidButInDoubt(k1);
  k1.journal.close();
  const k2 = kiosk(file);
  expect(k2.payments.openBillIds().has(p.bill.id)).toBe(true);
  await expect(k2.port.beginPayment(p.patient, p.bill, p.preview, 'mobile')).rejects.toMatchObject({
    code: 'bill-being-checked',
  });
});

it('while the patient waits: resolve() finds the settlement and returns it', async () => {
  const k = kiosk();
  const p = await paidButInDoubt(k);
  const { resolution, settlement } = await k.payments.resolve(p.paymentId);
  expect(resolution).toBe('settled');
  expect(settlement).toMatchObject({ billId: p.bill.id, msgid: p.paymentId });
  expect(settlement!.split.total).toBe(p.preview.split.total);
  expect(settledCount(p.bill.id)).toBe(1);
});

it('while the gateway is still away, resolve() says open and guesses nothing', async () => {
  const k = kiosk();
  const p = await paidButInDoubt(k);
  await sim.stop();
  expect((await k.payments.resolve(p.paymentId)).resolution).toBe('open');
  expect(k.journal.get(p.paymentId)!.settle_state).toBe('in-doubt');
  await sim.start();
  expect((await k.payments.resolve(p.paymentId)).resolution).toBe('settled');
});

it('recovery beside a live session leaves the payment the patient is still making alone', async () => {
  const k = kiosk();
  const p = await readyToPay(k);
  const start = await k.port.beginPayment(p.patient, p.bill, p.preview, 'mobile');
  // The patient is looking at the QR: a background pass must not cancel their order.
  expect(await k.payments.recover()).toMatchObject({ examined: 1, live: 1, stillOpen: 0 });
  expect(sim.store.orders.order(start.order!.orderNo)?.status).toBe('pending');
  sim.payOrder(start.order!.orderNo);
  expect(await k.port.waitForCash(start.paymentId, new AbortController().signal)).toBe('paid');
  await k.port.completePayment(start.paymentId);
  expect(settledCount(p.bill.id)).toBe(1);
});

it('a session that vanished without abandoning is undone once it is older than any cash order', async () => {
  const k = kiosk();
  const p = await readyToPay(k);
  const start = await k.port.beginPayment(p.patient, p.bill, p.preview, 'mobile');
  expect(await k.payments.recover()).toMatchObject({ live: 1 });
  nowMs += 61_000;
  expect(await k.payments.recover()).toMatchObject({ live: 0, stillOpen: 0 });
  expect(sim.store.orders.order(start.order!.orderNo)?.status).toBe('cancelled');
});

it('recovery and the session on the same payment at once: one settlement, no illegal move', async () => {
  const k = kiosk();
  const p = await readyToPay(k);
  const start = await k.port.beginPayment(p.patient, p.bill, p.preview, 'mobile');
  sim.payOrder(start.order!.orderNo);
  expect(await k.port.waitForCash(start.paymentId, new AbortController().signal)).toBe('paid');
  // The answer to 2207 is slow: a background pass starts while the session's call is out.
  sim.injectFault({ infno: '2207', kind: 'latency', latencyMs: 300 });
  const session = k.port.completePayment(start.paymentId);
  const background = k.payments.recover();
  const [settlement, report] = await Promise.all([session, background]);
  expect(settlement.billId).toBe(p.bill.id);
  expect(report.stillOpen).toBe(0);
  expect(settledCount(p.bill.id)).toBe(1);
  expect(k.journal.get(start.paymentId)).toMatchObject({ settle_state: 'settled' });
});

it('the patient waits a bounded time: still unknown after it, the answer is open', async () => {
  const k = kiosk();
  const p = await paidButInDoubt(k);
  await sim.stop();
  const result = await k.payments.resolveWhileWaiting(p.paymentId, new AbortController().signal);
  expect(result.resolution).toBe('open');
  // Backing off 1, 2, 3 s... and never past the 10 s the patient was promised.
  expect(slept).toEqual([1000, 2000, 3000]);
  expect(k.journal.get(p.paymentId)!.settle_state).toBe('in-doubt');
});

it('the gateway answers during the wait: the patient gets the settlement', async () => {
  const k = kiosk();
  const p = await paidButInDoubt(k);
  await sim.stop();
  // Back after the first pause.
  onSleep = async () => {
    onSleep = undefined;
    await sim.start();
  };
  const result = await k.payments.resolveWhileWaiting(p.paymentId, new AbortController().signal);
  expect(result).toMatchObject({ resolution: 'settled', settlement: { billId: p.bill.id } });
  expect(slept).toEqual([1000]);
});

it('the resend refused during the wait (fault "refuse"): its msgid reversed, the cash refunded', async () => {
  const k = kiosk();
  const p = await paidButInDoubt(k);
  // The lost 2207 never reached the gateway, and the platform refuses the resend.
  sim.injectFault({ infno: '2207', kind: 'refuse' });
  const result = await k.payments.resolveWhileWaiting(p.paymentId, new AbortController().signal);
  expect(result.resolution).toBe('undone');
  expect(sim.store.reversedMsgids.has(p.paymentId)).toBe(true);
  expect(k.journal.get(p.paymentId)).toMatchObject({
    settle_state: 'failed',
    cash_state: 'refunded',
  });
  expect(settledCount(p.bill.id)).toBe(0);
});
