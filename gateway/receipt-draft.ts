/**
 * The part of a receipt that only the kiosk knows when a payment begins (who, for which bill, by
 * which method), journalled with the payment (sealed) so that a settlement recovery finishes
 * after a crash still gets its receipt record, K401 and a reprint, like a live one. Names and ID
 * numbers are masked before they are written: the journal never needs them in full for this.
 */
import { z } from 'zod';
import type {
  Bill,
  CashMethod,
  Patient,
  ReceiptBill,
  ReceiptData,
  Settlement,
} from '../core/domain.ts';
import { billItemViewSchema, billViewSchema } from '../core/kiosk-api.ts';
import { cents } from '../core/money.ts';
import { maskIdNumber, maskName } from '../core/masking.ts';
import type { Language } from '../core/vocabulary.ts';
import type { PaymentRow } from './journal.ts';

/** Who (masked, as on the live receipt: the payer apart when a relative paid), what and how. */
export type ReceiptDraft = Pick<
  ReceiptData,
  'patientName' | 'patientIdNumber' | 'payer' | 'bill' | 'paymentMethod'
>;

// The row was sealed by this kiosk (AES-GCM), so a draft that opens is one we wrote; it is still
// parsed on the way back (an older version's shape, a hand-edited test journal), and a draft
// that does not parse is treated as absent.
const centsSchema = z.number().int().min(0).max(1e12).transform(cents);
const draftSchema = z.object({
  patientName: z.string().max(64),
  patientIdNumber: z.string().max(64).optional(),
  payer: z.object({ name: z.string().max(64), idNumber: z.string().max(64).optional() }).optional(),
  bill: billViewSchema.extend({
    total: centsSchema,
    items: z
      .array(billItemViewSchema.extend({ unitPrice: centsSchema, amount: centsSchema }))
      .max(500),
  }),
  paymentMethod: z.enum(['insurance-only', 'mobile', 'credit', 'wallet-code']),
});

export function receiptDraft(
  patient: Patient,
  bill: Bill,
  method: CashMethod,
  payer: Patient = patient,
): ReceiptDraft {
  // A member's ID number is never read at the kiosk (their journal patient has none): left off.
  return {
    patientName: maskName(patient.name),
    ...(patient.idNumber !== '' ? { patientIdNumber: maskIdNumber(patient.idNumber) } : {}),
    ...(payer.personNo !== patient.personNo
      ? { payer: { name: maskName(payer.name), idNumber: maskIdNumber(payer.idNumber) } }
      : {}),
    bill,
    paymentMethod: method === 'none' ? 'insurance-only' : method,
  };
}

export interface ReceiptContext {
  hospitalName: string;
  kioskId: string;
  language: Language;
  printedAt: string;
  eReceiptBaseUrl: string;
}

/**
 * The receipt of a settled journal row. A row written before drafts existed still gets one,
 * from what the journal holds: the bill's number and amounts, no names or items.
 */
export function receiptFromJournal(
  row: Pick<PaymentRow, 'bill_id' | 'total_cents' | 'receipt_json' | 'business_date'>,
  settlement: Settlement,
  context: ReceiptContext,
): ReceiptData {
  let draft: ReceiptDraft | undefined;
  try {
    const parsed = draftSchema.safeParse(JSON.parse(row.receipt_json || 'null'));
    if (parsed.success) draft = parsed.data;
  } catch {
    draft = undefined;
  }
  const bill: ReceiptBill = draft?.bill ?? {
    id: row.bill_id,
    visitType: 'outpatient',
    category: 'regular',
    department: '',
    createdAt: row.business_date,
    total: settlement.split.total,
    items: [],
  };
  return {
    hospitalName: context.hospitalName,
    kioskId: context.kioskId,
    printedAt: context.printedAt,
    language: context.language,
    patientName: draft?.patientName ?? '',
    ...(draft?.patientIdNumber !== undefined ? { patientIdNumber: draft.patientIdNumber } : {}),
    ...(draft?.payer ? { payer: draft.payer } : {}),
    bill,
    settlement,
    paymentMethod: draft?.paymentMethod ?? 'insurance-only',
    eReceiptUrl: `${context.eReceiptBaseUrl}${encodeURIComponent(settlement.settlementId)}`,
  };
}
