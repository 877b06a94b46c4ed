/**
 * The retention pass over a real receipt store: at start, then every day by the injected timers
 * and clock; receipts of open payments kept; the log line carries counts and nothing else.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { ReceiptData } from '../core/domain.ts';
import { AesGcmFieldSealer } from '../gateway/field-sealer.ts';
import { sampleReceipt } from '../hardware/testing/sample-receipt.ts';
import { DAY_MS, ReceiptRetention } from './receipt-retention.ts';
import { ReceiptStore } from './receipt-store.ts';

let dir: string;
let store: ReceiptStore;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'receipt-retention-'));
  store = new ReceiptStore(join(dir, 'receipts.sqlite'), new AesGcmFieldSealer(randomBytes(32)));
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const receiptAt = (settlementId: string, printedAt: string): ReceiptData => {
  const r = sampleReceipt('zh-CN');
  return {
    ...r,
    printedAt,
    settlement: { ...r.settlement, settlementId, msgid: `M-${settlementId}` },
  };
};

/** Timers the test fires by hand, remembering each delay asked for. */
function manualTimers() {
  const pending = new Map<number, { fn: () => void; ms: number }>();
  let seq = 0;
  return {
    pending,
    set: (fn: () => void, ms: number) => {
      pending.set(++seq, { fn, ms });
      return seq;
    },
    clear: (handle: unknown) => pending.delete(handle as number),
    fire() {
      const due = [...pending.values()];
      pending.clear();
      for (const t of due) t.fn();
    },
  };
}

it('runs at start and daily, deleting what is older than the retention, never an open payment', () => {
  let now = Date.parse('2026-11-30T00:00:00Z');
  const day = (n: number) => new Date(now - n * DAY_MS).toISOString();
  store.record(receiptAt('S-200d', day(200)), true);
  store.record(receiptAt('S-181d', day(181)), true);
  store.record(receiptAt('S-179d', day(179)), true);
  store.record(receiptAt('S-open', day(400)), false, 'paper-out');
  const open = new Set(['M-S-open']);
  let checksMade = 0;
  const logs: [string, unknown][] = [];
  const timers = manualTimers();
  const retention = new ReceiptRetention({
    store,
    days: 180,
    clock: { now: () => new Date(now) },
    log: (event, fields) => logs.push([event, fields]),
    openPaymentCheck: () => {
      checksMade++;
      return (ref) => open.has(ref.msgid);
    },
    timers,
  });
  retention.start();
  expect(store.recent().map((r) => r.settlementId)).toEqual(['S-179d', 'S-open']);
  expect(logs).toEqual([
    ['retention.receipts', { days: 180, deleted: 2, keptOpen: 1, keptUnreadable: 0 }],
  ]);
  expect(checksMade).toBe(1); // the journal is read once per pass, not once per receipt
  expect([...timers.pending.values()].map((t) => t.ms)).toEqual([DAY_MS]);

  // Two days later the 179-day receipt is past 180; the payment was resolved meanwhile.
  now += 2 * DAY_MS;
  open.clear();
  timers.fire();
  expect(store.recent()).toEqual([]);
  expect(logs.at(-1)).toEqual([
    'retention.receipts',
    { days: 180, deleted: 2, keptOpen: 0, keptUnreadable: 0 },
  ]);
  expect(timers.pending.size).toBe(1); // and the next day's pass is due

  retention.stop();
  expect(timers.pending.size).toBe(0);
});

it('a pass that fails is logged by its error name and the next day tries again', () => {
  const logs: [string, unknown][] = [];
  const timers = manualTimers();
  let journalReadable = false;
  store.record(receiptAt('S-old', '2026-01-01T00:00:00.000Z'), true);
  const retention = new ReceiptRetention({
    store,
    days: 30,
    clock: { now: () => new Date('2026-11-30T00:00:00Z') },
    log: (event, fields) => logs.push([event, fields]),
    openPaymentCheck: () => {
      if (!journalReadable) throw new TypeError('the journal is closed');
      return () => false;
    },
    timers,
  });
  retention.start();
  expect(logs).toEqual([['retention.receipts-failed', { error: 'TypeError' }]]);
  expect(store.recent()).toHaveLength(1);
  journalReadable = true;
  timers.fire();
  expect(logs.at(-1)).toEqual([
    'retention.receipts',
    { days: 30, deleted: 1, keptOpen: 0, keptUnreadable: 0 },
  ]);
  retention.stop();
});

it('with the journal: its finished payments past the cutoff go in the same pass, counted apart', () => {
  const now = Date.parse('2026-11-30T00:00:00Z');
  const cutoffs: string[] = [];
  const logs: { event: string; fields: Record<string, unknown> | undefined }[] = [];
  const retention = new ReceiptRetention({
    store,
    journal: {
      deleteFinalOlderThan: (cutoff) => {
        cutoffs.push(cutoff.toISOString());
        return { deleted: 3, keptOpen: 1 };
      },
    },
    days: 180,
    clock: { now: () => new Date(now) },
    log: (event, fields) => logs.push({ event, fields }),
    openPaymentCheck: () => () => false,
    timers: manualTimers(),
  });
  retention.runOnce();
  expect(cutoffs).toEqual([new Date(now - 180 * DAY_MS).toISOString()]);
  expect(logs.find((l) => l.event === 'retention.payments')?.fields).toEqual({
    days: 180,
    deleted: 3,
    keptOpen: 1,
  });
});
