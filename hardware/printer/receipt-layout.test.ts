/**
 * What the receipt says, read back from its real ESC/POS bytes with the decoder: the patient and
 * the payer apart on a relative's bill, the copy mark on reprints only, and item lines that wrap
 * within the paper instead of being cut.
 */
import { describe, expect, it } from 'vitest';
import type { ReceiptData } from '../../core/domain.ts';
import { cents } from '../../core/money.ts';
import { decodeEscPos } from './escpos-decoder.ts';
import { escposToText } from './escpos-text.ts';
import {
  COPY_MARK,
  RECEIPT_WIDTH,
  displayWidth,
  layoutReceipt,
  wrapColumns,
} from './receipt-layout.ts';
import { sampleReceipt } from '../testing/sample-receipt.ts';

const linesOf = (r: ReceiptData) =>
  escposToText(layoutReceipt(r, 'Asia/Shanghai'))
    .split('\n')
    .map((line) => line.trimEnd());

const familyReceipt = (language: ReceiptData['language']): ReceiptData => {
  const { patientIdNumber: _payerIdOnPatientLine, ...rest } = sampleReceipt(language);
  return {
    ...rest,
    patientName: '张*明',
    payer: { name: '李*四', idNumber: '110***********5678' },
  };
};

describe('a relative paid the bill (family mutual aid)', () => {
  it('prints the patient of the bill and the payer on their own lines, both masked', () => {
    const zh = linesOf(familyReceipt('zh-CN'));
    expect(zh).toContain('患者: 张*明');
    expect(zh).toContain('缴费人: 李*四');
    expect(zh).toContain('缴费人证件号: 110***********5678');
    // The payer's ID number is the payer's: it is not printed as the patient's.
    expect(zh.some((line) => line.startsWith('证件号'))).toBe(false);
    const en = linesOf(familyReceipt('en'));
    expect(en).toContain('Patient: 张*明');
    expect(en).toContain('Paid by: 李*四');
    expect(en).toContain('Payer ID no.: 110***********5678');
  });

  it('a payer whose ID number is not known gets their name only, never a blank line', () => {
    const r = familyReceipt('en');
    const lines = linesOf({ ...r, payer: { name: '李*四' }, patientIdNumber: '' });
    expect(lines).toContain('Paid by: 李*四');
    expect(lines.some((line) => /^(Payer )?ID no\./.test(line))).toBe(false);
  });

  it('a patient paying their own bill gets no payer lines', () => {
    const zh = linesOf(sampleReceipt('zh-CN'));
    expect(zh).toContain('患者: 张*丰');
    expect(zh).toContain('证件号: 110***********1234');
    expect(zh.some((line) => line.startsWith('缴费人'))).toBe(false);
  });
});

describe('reprints', () => {
  it('a copy says "COPY / 补打" at the top and the bottom, large and white on black', () => {
    for (const language of ['en', 'zh-CN'] as const) {
      const bytes = layoutReceipt({ ...sampleReceipt(language), copy: true }, 'Asia/Shanghai');
      const lines = escposToText(bytes).split('\n');
      const marks = lines.flatMap((line, i) => (line.trim() === COPY_MARK ? [i] : []));
      expect(marks.length, language).toBe(2);
      expect(marks[0]!).toBeLessThan(lines.findIndex((line) => line.includes('104.60')));
      expect(marks[1]!).toBeGreaterThan(lines.findIndex((line) => line.startsWith('[QR')));
      const markOps = [...decodeEscPos(bytes)].filter(
        (op) => op.kind === 'text' && op.chars.join('').includes('补打'),
      );
      expect(markOps.length).toBe(2);
      for (const op of markOps)
        expect(op).toMatchObject({
          style: { reverse: true, bold: true, heightScale: 2 },
          align: 'center',
        });
    }
  });

  it('the first print carries no copy mark', () => {
    for (const language of ['en', 'zh-CN'] as const) {
      const text = escposToText(layoutReceipt(sampleReceipt(language), 'Asia/Shanghai'));
      expect(text).not.toContain('COPY');
      expect(text).not.toContain('补打');
    }
  });
});

describe('item lines', () => {
  const longName = '复方甘草酸苷注射液（美能）Compound Glycyrrhizin Injection 20ml:40mg 静脉滴注用';
  const withLongItem = (language: ReceiptData['language']): ReceiptData => {
    const r = sampleReceipt(language);
    return {
      ...r,
      bill: {
        ...r.bill,
        items: [
          {
            name: longName,
            itemClass: 'B',
            unitPrice: cents(12_345),
            quantity: 12,
            amount: cents(148_140),
          },
          ...r.bill.items,
        ],
      },
    };
  };

  it('a long medicine name wraps within the paper, nothing cut, the amount right-aligned after the quantity', () => {
    for (const language of ['en', 'zh-CN'] as const) {
      const lines = linesOf(withLongItem(language));
      for (const line of lines) {
        if (line.startsWith('[QR') || line.includes('8<')) continue;
        expect(displayWidth(line), line).toBeLessThanOrEqual(RECEIPT_WIDTH);
      }
      const first = lines.findIndex((line) => line.startsWith('复方甘草酸苷'));
      const last = lines.findIndex((line) => line.endsWith('1481.40'));
      expect(first).toBeGreaterThanOrEqual(0);
      expect(last).toBeGreaterThan(first); // it took more than one line
      const item = lines.slice(first, last + 1);
      // Every character of the name is on the paper, in order, and the quantity with it.
      const joined = item.map((line) => line.trim()).join('');
      expect(joined.replaceAll(' ', '')).toContain(longName.replaceAll(' ', ''));
      expect(item.at(-1)).toMatch(/\[B\] x12 +1481\.40$/);
      // The amount ends exactly at the paper's right edge; continuation lines are indented.
      expect(displayWidth(item.at(-1)!)).toBe(RECEIPT_WIDTH);
      for (const line of item.slice(1)) expect(line.startsWith('  ')).toBe(true);
      // The items after it are still whole, one line each.
      expect(lines.some((line) => /^Amoxicillin \[B\] x2 +79\.60$/.test(line))).toBe(true);
    }
  });

  it('wraps Latin words at spaces, Chinese anywhere, and a word longer than a line hard', () => {
    expect(wrapColumns('Compound Glycyrrhizin Injection', 20)).toEqual([
      'Compound',
      '  Glycyrrhizin',
      '  Injection',
    ]);
    expect(wrapColumns('复方甘草酸苷注射液', 10)).toEqual(['复方甘草酸', '  苷注射液']);
    expect(wrapColumns('Supercalifragilistic', 8)).toEqual(['Supercal', '  ifragi', '  listic']);
    // A Chinese character never straddles the edge: 9 columns hold four of them.
    expect(wrapColumns('复方甘草酸苷', 9)).toEqual(['复方甘草', '  酸苷']);
    expect(wrapColumns('', 10)).toEqual(['']);
    expect(wrapColumns('short', 10)).toEqual(['short']);
  });
});

describe('an inpatient discharge', () => {
  const discharge = (refund: boolean): ReceiptData => {
    const r = sampleReceipt('en');
    const split = { ...r.settlement.split, cash: cents(28_017) };
    return {
      ...r,
      bill: { ...r.bill, visitType: 'inpatient-discharge' },
      settlement: {
        ...r.settlement,
        split,
        deposits: refund
          ? { total: cents(50_000), count: 2, due: cents(0), refund: cents(21_983) }
          : { total: cents(20_000), count: 1, due: cents(8_017), refund: cents(0) },
      },
    };
  };
  const line = (lines: string[], label: string) =>
    lines.find((l) => l.startsWith(label))?.replace(/\s+/g, ' ');

  it('prints the deposits netted and the surplus the hospital refunds', () => {
    const lines = linesOf(discharge(true));
    expect(line(lines, 'Your part')).toBe('Your part 280.17');
    expect(line(lines, 'Deposits netted')).toBe('Deposits netted 500.00');
    expect(line(lines, 'You paid (cash part)')).toBe('You paid (cash part) 0.00');
    expect(line(lines, 'Deposits refunded')).toBe('Deposits refunded 219.83');
  });

  it('prints the rest paid when the deposits did not cover the part', () => {
    const lines = linesOf(discharge(false));
    expect(line(lines, 'Deposits netted')).toBe('Deposits netted 200.00');
    expect(line(lines, 'You paid (cash part)')).toBe('You paid (cash part) 80.17');
    expect(lines.some((l) => l.startsWith('Deposits refunded'))).toBe(false);
  });
});
