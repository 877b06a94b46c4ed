/**
 * The journal at rest: the person number and every other personal field sealed in the file,
 * older clear journals sealed on open, and retention that deletes finished payments but never
 * one recovery still needs. Real SQLite files, read back as bytes.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { AesGcmFieldSealer } from './field-sealer.ts';
import { type NewPayment, PaymentJournal } from './journal.ts';

let dir: string;
let nowMs = Date.parse('2026-11-22T02:00:00Z');
const now = () => new Date(nowMs);
const key = randomBytes(32);
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'journal-at-rest-'));
  nowMs = Date.parse('2026-11-22T02:00:00Z');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const PSN = 'P9988776655';
const ID_NUMBER = '110105198002260113';
let n = 0;
function payment(overrides: Partial<NewPayment> = {}): NewPayment {
  return {
    payment_id: `H1101050000120261122100${String(++n).padStart(6, '0')}`,
    business_date: '2026-11-22',
    bill_id: 'OP202611220001',
    psn_no: PSN,
    insured_area: '110105',
    settle_input_json: JSON.stringify({ data: { psn_no: PSN, mdtrt_cert_no: ID_NUMBER } }),
    total_cents: 1000,
    fund_cents: 400,
    account_cents: 100,
    mutual_aid_cents: 0,
    cash_cents: 0,
    cash_method: 'none',
    order_no: '',
    cash_state: 'none',
    settle_state: 'intent',
    receipt_json: JSON.stringify({
      patientName: '张*明',
      bill: { items: [{ name: '阿莫西林胶囊' }] },
    }),
    ...overrides,
  };
}

/** Everything SQLite keeps for the journal, as text: the file and its WAL. */
function onDisk(file: string): string {
  return [file, `${file}-wal`]
    .filter((f) => existsSync(f))
    .map((f) => readFileSync(f).toString('latin1') + readFileSync(f).toString('utf8'))
    .join('');
}

it('the person number, ID number and receipt draft are not in the file; they read back whole', () => {
  const file = join(dir, 'journal.sqlite');
  const journal = new PaymentJournal(file, now, new AesGcmFieldSealer(key));
  const id = journal.create(payment()).payment_id;
  journal.close();
  const text = onDisk(file);
  expect(text).not.toContain(PSN);
  expect(text).not.toContain(ID_NUMBER);
  expect(text).not.toContain('阿莫西林');
  const reopened = new PaymentJournal(file, now, new AesGcmFieldSealer(key));
  expect(reopened.get(id)!.psn_no).toBe(PSN);
  expect(reopened.get(id)!.receipt_json).toContain('阿莫西林');
  reopened.close();
});

it('a journal written in clear (an older version) is sealed when opened with a key', () => {
  const file = join(dir, 'old.sqlite');
  const old = new PaymentJournal(file, now);
  const id = old.create(payment()).payment_id;
  old.close();
  expect(onDisk(file)).toContain(PSN);
  const sealed = new PaymentJournal(file, now, new AesGcmFieldSealer(key));
  expect(sealed.get(id)!.psn_no).toBe(PSN);
  sealed.close();
  expect(onDisk(file)).not.toContain(PSN);
  expect(onDisk(file)).not.toContain(ID_NUMBER);
});

it('retention deletes finished payments past the cutoff, keeps open and recent ones', () => {
  const file = join(dir, 'retention.sqlite');
  const journal = new PaymentJournal(file, now, new AesGcmFieldSealer(key));
  const finished = journal.create(payment()).payment_id; // intent, no cash: nothing happened
  const open = journal.create(
    payment({ cash_method: 'mobile', cash_state: 'pending', cash_cents: 500, order_no: 'O1' }),
  ).payment_id;
  nowMs += 200 * 86_400_000;
  const recent = journal.create(payment()).payment_id;
  const counts = journal.deleteFinalOlderThan(new Date(nowMs - 180 * 86_400_000));
  expect(counts).toEqual({ deleted: 1, keptOpen: 1 });
  expect(journal.get(finished)).toBeUndefined();
  expect(journal.events(finished)).toEqual([]);
  expect(journal.get(open)).toBeDefined();
  expect(journal.get(recent)).toBeDefined();
  journal.close();
});
