/**
 * Receipts at rest: sealed in a real SQLite file (its bytes, WAL included, show no name or
 * medicine), rows in clear from an older version sealed on open, a wrong key refused with a typed
 * error, and retention that deletes old receipts but keeps those whose payment is still open.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ReceiptData } from '../core/domain.ts';
import { AesGcmFieldSealer } from '../gateway/field-sealer.ts';
import { sampleReceipt } from '../hardware/testing/sample-receipt.ts';
import { ReceiptStore, ReceiptStoreError } from './receipt-store.ts';

const PATIENT = '张*丰';
const MEDICINE = 'Amoxicillin';
const DEPARTMENT = 'Internal Medicine';

let dir: string;
let file: string;
const key = randomBytes(32);
const stores: ReceiptStore[] = [];
const open = (k: Buffer = key) => {
  const store = new ReceiptStore(file, new AesGcmFieldSealer(k));
  stores.push(store);
  return store;
};
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'receipt-store-'));
  file = join(dir, 'receipts.sqlite');
});
afterEach(() => {
  for (const s of stores.splice(0)) {
    try {
      s.close();
    } catch {
      // already closed by the test
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

/** Every byte the database left on disk: the file and its WAL and shared-memory files. */
function bytesOnDisk(): Buffer {
  return Buffer.concat(
    ['', '-wal', '-shm', '-journal']
      .map((suffix) => file + suffix)
      .filter((f) => existsSync(f))
      .map((f) => readFileSync(f)),
  );
}

function expectNothingPersonal(bytes: Buffer) {
  for (const text of [PATIENT, MEDICINE, DEPARTMENT, '110***********1234'])
    expect(bytes.includes(Buffer.from(text, 'utf8')), text).toBe(false);
}

const receiptAt = (settlementId: string, printedAt: string, msgid = `M-${settlementId}`) => {
  const r = sampleReceipt('zh-CN');
  return {
    ...r,
    printedAt,
    settlement: { ...r.settlement, settlementId, msgid, billId: `B-${settlementId}` },
  } satisfies ReceiptData;
};

describe('receipts sealed at rest', () => {
  it('the SQLite files hold no patient, medicine or department, and the receipt reads back whole', () => {
    const store = open();
    const receipt = sampleReceipt('zh-CN');
    store.record(receipt, true);
    expectNothingPersonal(bytesOnDisk()); // while open: the WAL holds the write
    store.close();
    expectNothingPersonal(bytesOnDisk());
    // Still listed from the clear columns, and whole when opened with the key.
    const again = open();
    expect(again.recent()).toEqual([
      {
        settlementId: 'S2026112200000001',
        printedAt: receipt.printedAt,
        total: 10_460,
        printed: true,
      },
    ]);
    expect(again.get('S2026112200000001')).toEqual(receipt);
  });

  it('a reprint updates the record; the copy mark is never stored', () => {
    const store = open();
    const receipt = sampleReceipt('en');
    store.record(receipt, false, 'paper-out');
    store.record({ ...receipt, copy: true }, true);
    expect(store.get(receipt.settlement.settlementId)?.copy).toBeUndefined();
    expect(store.recent()[0]?.printed).toBe(true);
  });

  it('rows an older version wrote in clear are sealed on open, in one go, and still read', () => {
    // The table exactly as the previous version wrote it.
    const legacy = new Database(file);
    legacy.pragma('journal_mode = WAL');
    legacy.exec(`CREATE TABLE receipts (
      settlement_id TEXT PRIMARY KEY, printed_at TEXT NOT NULL, total_cents INTEGER NOT NULL,
      printed INTEGER NOT NULL, problem TEXT NOT NULL, receipt_json TEXT NOT NULL)`);
    const old = [
      receiptAt('S1', '2026-11-01T01:00:00.000Z'),
      receiptAt('S2', '2026-11-02T01:00:00.000Z'),
    ];
    for (const r of old)
      legacy
        .prepare(`INSERT INTO receipts VALUES (?, ?, ?, 1, '', ?)`)
        .run(r.settlement.settlementId, r.printedAt, r.settlement.split.total, JSON.stringify(r));
    legacy.close();
    expect(bytesOnDisk().includes(Buffer.from(MEDICINE))).toBe(true); // it was in clear

    const store = open();
    expect(store.get('S1')).toEqual(old[0]);
    expect(store.get('S2')).toEqual(old[1]);
    store.close();
    expectNothingPersonal(bytesOnDisk());
    const raw = new Database(file, { readonly: true });
    const stored = raw.prepare(`SELECT receipt_json FROM receipts`).all() as {
      receipt_json: string;
    }[];
    raw.close();
    expect(stored.map((r) => r.receipt_json.startsWith('enc1:'))).toEqual([true, true]);
  });

  it('a wrong key is refused at open with a typed error, and a tampered row is too', () => {
    open().record(sampleReceipt('zh-CN'), true);
    stores[0]!.close();
    expect(() => open(randomBytes(32))).toThrow(
      expect.objectContaining({ name: 'ReceiptStoreError', code: 'wrong-key' }),
    );
    const store = open();
    // Behind the store's back: a sealed body copied to another settlement, and a receipt
    // written in clear after the store sealed everything at open. Neither opens.
    const raw = new Database(file);
    raw
      .prepare(
        `INSERT INTO receipts SELECT 'S-moved', printed_at, total_cents, printed, problem, receipt_json FROM receipts`,
      )
      .run();
    raw
      .prepare(`INSERT INTO receipts VALUES ('S-clear', '2026-11-22', 1, 1, '', ?)`)
      .run(JSON.stringify(sampleReceipt('en')));
    raw.close();
    for (const settlementId of ['S-moved', 'S-clear'])
      expect(() => store.get(settlementId)).toThrow(
        expect.objectContaining({ name: 'ReceiptStoreError', code: 'unreadable', settlementId }),
      );
    expect(() => store.get('S-moved')).toThrow(ReceiptStoreError);
    expect(store.get('S2026112200000001')?.patientName).toBe(PATIENT);
  });
});

describe('retention', () => {
  it('deletes receipts printed before the cutoff, keeps those whose payment is open, and wipes their text', () => {
    const store = open();
    store.record(receiptAt('S-expired', '2026-05-01T00:00:00.000Z'), true);
    store.record(receiptAt('S-kept-open', '2026-05-02T00:00:00.000Z', 'M-OPEN'), true);
    store.record(receiptAt('S-new', '2026-11-20T00:00:00.000Z'), true);
    const asked: string[] = [];
    const counts = store.deleteOlderThan(new Date('2026-06-01T00:00:00Z'), (ref) => {
      asked.push(ref.settlementId);
      expect(ref).toEqual({
        settlementId: ref.settlementId,
        msgid: ref.settlementId === 'S-kept-open' ? 'M-OPEN' : `M-${ref.settlementId}`,
        billId: `B-${ref.settlementId}`,
      });
      return ref.msgid === 'M-OPEN';
    });
    expect(counts).toEqual({ deleted: 1, keptOpen: 1, keptUnreadable: 0 });
    expect(asked.sort()).toEqual(['S-expired', 'S-kept-open']); // the new one is not even looked at
    expect(store.recent().map((r) => r.settlementId)).toEqual(['S-new', 'S-kept-open']);
    expect(store.get('S-expired')).toBeUndefined();
    // Nothing of the deleted row is left in the file: not its sealed body, not its id.
    store.close();
    expect(bytesOnDisk().includes(Buffer.from('S-expired'))).toBe(false);
    const again = open();
    expect(again.deleteOlderThan(new Date('2026-06-01T00:00:00Z'), () => false)).toEqual({
      deleted: 1,
      keptOpen: 0,
      keptUnreadable: 0,
    });
  });
});
