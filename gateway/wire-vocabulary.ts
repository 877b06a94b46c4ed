/**
 * The gateway's wire vocabularies, each written once, and the field shapes every wire schema is
 * built from. protocol.ts's schemas, the simulator's storage and its scenario file derive from
 * these. Where the kiosk's domain has the same words spelled its own way (VisitType
 * 'inpatient-deposit', BillCategory 'work-injury'), wire-mapping.ts maps them.
 */
import { z } from 'zod';
import {
  type InsuranceType,
  basicInsuranceTypes,
  insuranceTypes,
  settlingInsuranceTypes,
} from '../core/vocabulary.ts';

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
/**
 * mdtrt_cert_type, the certificate a person is looked up and settled by: 01 medical-insurance
 * e-voucher (its QR token), 02 resident ID card (the ID number), 03 social security card (the
 * card number), 04 other (e.g. Hong Kong and Macao social security cards, HKG/MAC...).
 */
export const certificateTypes = ['01', '02', '03', '04'] as const;
export type CertificateType = (typeof certificateTypes)[number];
/**
 * psn_cert_type, the person's identity document: 01 resident ID card (or household register),
 * 02 PLA officer card, 03 armed police officer card, 04 Hong Kong passport / Mainland travel
 * permit, 05 Macao passport / Mainland travel permit, 06 Taiwan residents' Mainland travel
 * permit, 07 foreigner's permanent residence card, 08 foreign passport, 09 disability
 * certificate, 10 martyr's family certificate, 11 foreigner's employment permit, 12 foreign
 * expert certificate, 13 resident foreign journalist card, 14 employment permit for Taiwan, Hong
 * Kong and Macao residents, 15 returned (settled) expert certificate, 90 social security card,
 * 99 other. Provinces add their own six-digit codes (e.g. 990201 medical birth certificate), so
 * an answer's psn_cert_type is any code of 2 to 6 digits; what the kiosk sends is one of these.
 */
export const personCertificateTypes = [
  '01',
  '02',
  '03',
  '04',
  '05',
  '06',
  '07',
  '08',
  '09',
  '10',
  '11',
  '12',
  '13',
  '14',
  '15',
  '90',
  '99',
] as const;
export const personCertificateTypeCode = z.string().regex(/^\d{2,6}$/);
/**
 * psn_insu_stas, a 1101 row's insured status: 1 insured normally (the only one that settles),
 * 2 suspended, 4 ended; 0 never insured. Other codes are accepted and read as not active.
 */
export const insuredStatusActive = '1';
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
/**
 * insutype a settlement (2206/2207), a statement (3201/3202) or a family member names: 310
 * employee basic, 390 resident basic, 510 maternity (core/vocabulary.ts settlingInsuranceTypes).
 */
export const insutype = z.enum(settlingInsuranceTypes);
/**
 * insutype of a 1101 row: a type the platform names (core/vocabulary.ts insuranceTypes) or a
 * province's own code (e.g. 39901 model workers' medical care), which the kiosk shows nowhere and
 * never settles under but must not refuse the answer for.
 */
export const insutypeOfRow = z.string().regex(/^\d{3,6}$/);
/** insutype of a basic insurance (310/390), as a family member's K601 row names it. */
export const basicInsutype = z.enum(basicInsuranceTypes);
/** A national insurance type, as opposed to a province's own code. */
export function isInsuranceType(code: string): code is InsuranceType {
  return (insuranceTypes as readonly string[]).includes(code);
}
/** A required code or text of at most `max` characters. */
export const code = (max: number) => z.string().min(1).max(max);
