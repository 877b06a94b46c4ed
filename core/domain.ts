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
  eReceiptUrl: string;
}

export type Language = 'zh-CN' | 'en';

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
