/**
 * One settled outpatient receipt for printer tests (already masked, as the kiosk stores it):
 * the golden ESC/POS files in printer/golden/ are this receipt laid out.
 */
import type { ReceiptData } from '../../core/domain.ts';
import { cents } from '../../core/money.ts';
import type { Language } from '../../core/vocabulary.ts';

export const SAMPLE_E_RECEIPT = 'https://einvoice.example/r/S2026112200000001';

export const sampleReceipt = (language: Language): ReceiptData => ({
  hospitalName: 'Lakeside Hospital 湖畔医院',
  kioskId: 'KIOSK-01',
  printedAt: '2026-11-22T02:15:00.000Z',
  language,
  patientName: '张*丰',
  patientIdNumber: '110***********1234',
  bill: {
    id: 'OP202611220001',
    visitType: 'outpatient',
    category: 'regular',
    department: 'Internal Medicine',
    createdAt: '2026-11-22 09:15:00',
    total: cents(10_460),
    items: [
      {
        name: 'Consultation 诊查费',
        itemClass: 'A',
        unitPrice: cents(2_500),
        quantity: 1,
        amount: cents(2_500),
      },
      {
        name: 'Amoxicillin',
        itemClass: 'B',
        unitPrice: cents(3_980),
        quantity: 2,
        amount: cents(7_960),
      },
    ],
  },
  settlement: {
    settlementId: 'S2026112200000001',
    msgid: 'H11010500001202611221015000001',
    billId: 'OP202611220001',
    settledAt: '2026-11-22 10:15:00',
    split: {
      total: cents(10_460),
      fund: cents(6_369),
      poolFund: cents(6_369),
      personalPart: cents(4_091),
      account: cents(4_000),
      mutualAid: cents(0),
      cash: cents(91),
      accountBalanceAfter: cents(0),
    },
  },
  paymentMethod: 'mobile',
  eReceiptUrl: SAMPLE_E_RECEIPT,
});
