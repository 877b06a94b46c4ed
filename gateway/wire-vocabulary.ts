/**
 * The gateway's wire vocabularies, each written once, and the field shapes every wire schema is
 * built from. protocol.ts's schemas, the simulator's storage and its scenario file derive from
 * these. Where the kiosk's domain has the same words spelled its own way (VisitType
 * 'inpatient-deposit', BillCategory 'work-injury'), wire-mapping.ts maps them.
 */
import { z } from 'zod';
import { insuranceTypes } from '../core/vocabulary.ts';

/** kiosk_bill_type: what kind of bill it is. */
export const wireBillTypes = [
  'outpatient',
  'emergency',
  'inpatient_deposit',
  'inpatient_discharge',
] as const;
export type WireBillType = (typeof wireBillTypes)[number];
/** bill_ctgy: bill-level categories; all but `regular` are outside the family account's scope. */
export const wireBillCategories = ['regular', 'chronic', 'maternity', 'work_injury'] as const;
export type WireBillCategory = (typeof wireBillCategories)[number];
/** med_type of a bill: 11 outpatient, 13 emergency, 21 inpatient. */
export const medTypeOfBillType = {
  outpatient: '11',
  emergency: '13',
  inpatient_deposit: '21',
  inpatient_discharge: '21',
} as const satisfies Record<WireBillType, string>;
/** clr_type, the clearing type 3201/3202 total by: 11 outpatient, 21 inpatient, 99 other. */
export const clearingTypes = ['11', '21', '99'] as const;
export type ClearingType = (typeof clearingTypes)[number];
/** A settlement's clearing type, from its med_type (11 outpatient, 13 emergency, 21 inpatient). */
export function clearingTypeOfMedType(medType: string): ClearingType {
  if (medType === '11' || medType === '13' || medType === '14') return '11';
  if (medType === '21') return '21';
  return '99';
}
/** chrgitm_lv: 01 class A, 02 class B, 03 class C. */
export const chargeItemLevels = ['01', '02', '03'] as const;
export type ChargeItemLevel = (typeof chargeItemLevels)[number];
/** mdtrt_cert_type: 01 e-voucher token, 02 ID number, 03 social security card. */
export const certificateTypes = ['01', '02', '03'] as const;
export const orderStatuses = ['pending', 'paid', 'cancelled', 'expired', 'refunded'] as const;
export type OrderStatus = (typeof orderStatuses)[number];
/** Wallets a patient pays a mobile order from. */
export const walletChannels = ['wechat', 'alipay', 'unionpay'] as const;
export type WalletChannel = (typeof walletChannels)[number];
/** How an order was paid: '' while unpaid. */
export const orderChannels = ['', ...walletChannels, 'credit'] as const;
export type OrderChannel = (typeof orderChannels)[number];
/** A settlement at the gateway is live until reversed. */
export const settlementStatuses = ['settled', 'reversed'] as const;
export type SettlementStatus = (typeof settlementStatuses)[number];

/** An amount in yuan, at most two decimals (the kiosk converts it to cents exactly). */
export const yuan = z.number().finite().min(0).max(1e10);
/** insutype: 310 employee basic, 390 resident basic medical insurance. */
export const insutype = z.enum(insuranceTypes);
/** A required code or text of at most `max` characters. */
export const code = (max: number) => z.string().min(1).max(max);
