/**
 * The pending-payment slip as real ESC/POS bytes, read back by the decoder: amounts, the
 * reference staff search by, and words that never claim the bill is paid, in both languages.
 */
import { expect, it } from 'vitest';
import { cents } from '../../core/money.ts';
import type { PendingSlipData } from '../../core/domain.ts';
import { escposToText } from './escpos-text.ts';
import { displayWidth, RECEIPT_WIDTH } from './receipt-layout.ts';
import { layoutPendingSlip } from './slip-layout.ts';

const slip = (language: PendingSlipData['language']): PendingSlipData => ({
  hospitalName: "Lakeside People's Hospital 湖畔人民医院",
  kioskId: 'KIOSK-01',
  printedAt: '2026-11-22T02:05:00Z',
  language,
  reference: 'H110105000012026112210050000123',
  billId: 'OP202611220011',
  total: cents(5_500),
  cashPaid: cents(2_750),
  paymentMethod: 'mobile',
});

it('English: the amounts, the reference whole, and what will happen; not a receipt', () => {
  const text = escposToText(layoutPendingSlip(slip('en'), 'Asia/Shanghai'));
  expect(text).toContain('PAYMENT BEING CONFIRMED');
  expect(text).toMatch(/You paid\s+27\.50/);
  expect(text).toMatch(/Bill total\s+55\.00/);
  expect(text).toContain('H110105000012026112210050000123');
  expect(text).toContain('OP202611220011');
  expect(text).toContain('2026-11-22 10:05');
  expect(text).toContain('This slip is not a receipt.');
  expect(text).not.toMatch(/payment complete|paid in full|receipt:/i);
});

it('Chinese: the same facts in Chinese, every line within the paper width', () => {
  const text = escposToText(layoutPendingSlip(slip('zh-CN'), 'Asia/Shanghai'));
  expect(text).toContain('付款确认中');
  expect(text).toMatch(/您已自付\s+27\.50/);
  expect(text).toContain('查询编号');
  expect(text).toContain('此凭条不是收费收据。');
  expect(text).toContain('H110105000012026112210050000123');
  for (const line of text.split('\n'))
    expect(displayWidth(line)).toBeLessThanOrEqual(RECEIPT_WIDTH);
});
