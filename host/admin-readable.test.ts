/**
 * What admin mode shows staff: log lines they can read (local time, level, event, fields), the
 * receipt list with local time and the masked patient from the sealed receipt (never a full
 * name or ID number), and reconciliation as figures for the renderer to word.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AesGcmFieldSealer } from '../gateway/field-sealer.ts';
import type { ReconciliationReport } from '../gateway/reconciliation.ts';
import { sampleReceipt } from '../hardware/testing/sample-receipt.ts';
import { levelOf, readableLogLine, receiptListRow, reconciliationView } from './admin-readable.ts';
import { createLogger } from './log.ts';
import { ReceiptStore } from './receipt-store.ts';

describe('readableLogLine', () => {
  it('turns the JSON the logger writes into a line with local time, level, event and fields', () => {
    const lines: string[] = [];
    const log = createLogger(
      (line) => lines.push(line),
      () => new Date('2026-11-30T06:05:03.123Z'),
    );
    log('settlement.settled', { settlementId: 'S1', cents: 1046, note: 'two words' });
    log('admin.refused', { what: 'refund', staffId: '1001' });
    log('gateway.call-failed', { infno: '2207' });
    log('admin.login', { ok: false, staffId: '?' });
    const readable = lines.map((l) => readableLogLine(l, 'Asia/Shanghai'));
    expect(readable).toEqual([
      '2026-11-30 14:05:03  INFO   settlement.settled  settlementId=S1 cents=1046 note="two words"',
      '2026-11-30 14:05:03  WARN   admin.refused  what=refund staffId=1001',
      '2026-11-30 14:05:03  ERROR  gateway.call-failed  infno=2207',
      '2026-11-30 14:05:03  WARN   admin.login  ok=false staffId=?',
    ]);
    for (const line of readable) expect(line).not.toMatch(/[{}]/);
  });

  it('keeps the redaction the logger did, and shows a line that is not JSON as it is', () => {
    const lines: string[] = [];
    createLogger((line) => lines.push(line))('patient.found', { patientName: 'Zhang Sanfeng' });
    expect(readableLogLine(lines[0]!, 'UTC')).toContain('patientName=[redacted]');
    expect(readableLogLine('plain words', 'UTC')).toBe('plain words');
    expect(readableLogLine('[1,2]', 'UTC')).toBe('[1,2]');
    expect(
      readableLogLine(JSON.stringify({ event: 'x', pad: 'y'.repeat(5000) }), 'UTC'),
    ).toHaveLength(2000);
  });

  it('takes a level written in the line over the one the event name suggests', () => {
    expect(levelOf('payment.failed', { level: 'info' })).toBe('INFO');
    expect(levelOf('printer.paper-out', {})).toBe('WARN');
    expect(levelOf('kiosk.started', {})).toBe('INFO');
  });
});

describe('receiptListRow', () => {
  let dir: string;
  let store: ReceiptStore;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'admin-readable-'));
    store = new ReceiptStore(join(dir, 'receipts.sqlite'), new AesGcmFieldSealer(randomBytes(32)));
  });
  afterEach(() => {
    store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists the local time and the masked patient, never the full name or ID number', () => {
    // A receipt holding a full name (as a bug elsewhere might write it) is still masked here.
    const receipt = { ...sampleReceipt('zh-CN'), patientName: '张三丰' };
    store.record(receipt, true);
    const [record] = store.recent(20);
    const row = receiptListRow(record!, store.get(record!.settlementId), 'Asia/Shanghai');
    expect(row).toMatchObject({ time: '2026-11-22 10:15', patient: '张*丰', printed: true });
    expect(JSON.stringify(row)).not.toContain('张三丰');
    expect(JSON.stringify(row)).not.toContain('1234');
    expect(receiptListRow(record!, undefined, 'UTC').patient).toBe('');
  });
});

it('reconciliationView carries the figures, the differing settlements and the English report', () => {
  const totals = (total: number, count: number) => ({
    total,
    fund: total / 2,
    account: 0,
    cash: total / 2,
    count,
  });
  const report: ReconciliationReport = {
    date: '2026-11-30',
    opter: 'KIOSK-01',
    agree: false,
    ours: totals(2000, 2),
    theirs: totals(1000, 1),
    description: 'totals differ',
    groups: [
      {
        insutype: '310',
        clrType: '11',
        agree: false,
        ours: totals(2000, 2),
        theirs: totals(1000, 1),
        description: 'totals differ',
        detail: [
          { setlId: 'S1', msgid: 'M1', verdict: 'agrees' },
          { setlId: 'S2', msgid: 'M2', verdict: 'only-at-kiosk' },
        ],
      },
    ],
    openPayments: 1,
  };
  const view = reconciliationView(report);
  expect(view).toMatchObject({
    agree: false,
    date: '2026-11-30',
    kioskId: 'KIOSK-01',
    openPayments: 1,
    groups: [
      {
        insuranceType: '310',
        clearing: 'outpatient',
        agree: false,
        differing: [{ settlementId: 'S2', verdict: 'only-at-kiosk' }],
      },
    ],
  });
  expect(view.report).toContain('DOES NOT AGREE');
});
