import type { Cents } from './money.ts';
import type { SettlementSplit } from './settlement.ts';

export type InsuranceType = '310' | '390'; // employee basic / resident basic medical insurance
export type VisitType = 'outpatient' | 'emergency' | 'inpatient-deposit' | 'inpatient-discharge';
export type BillCategory = 'regular' | 'chronic' | 'maternity' | 'work-injury';
export type ItemClass = 'A' | 'B' | 'C';

export interface Patient {
  personNo: string; // psn_no
  name: string;
  idNumber: string; // certno
  insuranceType: InsuranceType;
  insuredArea: string; // insuplc_admdvs
  accountBalance: Cents;
}

export interface BillItem {
  name: string;
  itemClass: ItemClass;
  unitPrice: Cents;
  quantity: number;
  amount: Cents;
}

export interface Bill {
  id: string; // chrg_bchno
  visitType: VisitType;
  category: BillCategory;
  department: string;
  createdAt: string;
  total: Cents;
  items: BillItem[];
}

export interface PreSettlement {
  billId: string;
  split: SettlementSplit;
  /** Whether the personal account pays (the patient may keep it for later); default true. */
  useAccount?: boolean;
  /** The patient's credit line ("treat first, pay later"), when they have one. */
  credit?: CreditOffer;
}

export interface CreditOffer {
  limit: Cents;
  available: Cents;
  repayDate: string; // yyyy-MM-dd
}

/** How the cash part (psn_cash_pay) is paid. */
export type CashMethod = 'none' | 'mobile' | 'credit' | 'wallet-code';

export interface CashOrder {
  orderNo: string;
  /** What the patient's phone wallet scans. */
  codeUrl: string;
  amount: Cents;
  expiresAt: string;
}

export interface PaymentStart {
  paymentId: string;
  cash: 'none' | 'pending' | 'paid';
  order?: CashOrder;
}

export interface Settlement {
  settlementId: string; // setl_id
  msgid: string;
  billId: string;
  settledAt: string;
  split: SettlementSplit;
}

export interface ReceiptData {
  hospitalName: string;
  kioskId: string;
  printedAt: string;
  language: Language;
  patientName: string; // masked
  patientIdNumber: string; // masked
  bill: Bill;
  settlement: Settlement;
  paymentMethod: 'insurance-only' | 'mobile' | 'credit' | 'wallet-code';
  /** For credit: the date the advanced cash part must be repaid. */
  repayDate?: string;
  eReceiptUrl: string;
}

export type Language = 'zh-CN' | 'en';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
