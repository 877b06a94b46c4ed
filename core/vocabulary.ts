/**
 * The kiosk's vocabularies, each written once as a const tuple. Types (`(typeof x)[number]`) and
 * zod enums (`z.enum(x)`) are derived from these, so adding a word here reaches the contract, the
 * configuration, the renderer's pickers and the translations (a missing one fails typecheck).
 */

/** Interface languages (BCP 47). */
export const languages = ['zh-CN', 'en'] as const;
export type Language = (typeof languages)[number];

/** Kiosk modes: a simulator kiosk embeds every simulator; production refuses them all. */
export const kioskModes = ['simulator', 'production'] as const;
export type KioskMode = (typeof kioskModes)[number];

/**
 * Insurance types (insutype) as the national platform's dictionary names them; a 1101 answer has
 * one row per type the person is insured under. 310 employee basic, 320 civil-servant supplement,
 * 330 large-amount medical subsidy, 340 retired cadres, 350 disabled-veteran subsidy (grades 1-6),
 * 360 Red Army veterans, 370 enterprise supplementary, 380 new rural cooperative medical scheme,
 * 390 urban-rural resident basic, 391 urban resident basic, 392 resident serious illness,
 * 399 other special groups, 410 long-term care, 510 maternity.
 */
export const insuranceTypes = [
  '310',
  '320',
  '330',
  '340',
  '350',
  '360',
  '370',
  '380',
  '390',
  '391',
  '392',
  '399',
  '410',
  '510',
] as const;
export type InsuranceType = (typeof insuranceTypes)[number];

/** The basic medical insurances an ordinary bill settles under: employee (310), resident (390). */
export const basicInsuranceTypes = ['310', '390'] as const;
export type BasicInsuranceType = (typeof basicInsuranceTypes)[number];

/**
 * The types a kiosk settlement (2206/2207) names: a basic one, or maternity (510) for a maternity
 * bill. Supplements (320, 330, 392, ...) never settle on their own: the platform applies them
 * inside the basic settlement's split.
 */
export const settlingInsuranceTypes = ['310', '390', '510'] as const;
export type SettlingInsuranceType = (typeof settlingInsuranceTypes)[number];

export const visitTypes = [
  'outpatient',
  'emergency',
  'inpatient-deposit',
  'inpatient-discharge',
] as const;
export type VisitType = (typeof visitTypes)[number];

/** Bill-level categories; all but `regular` are outside the family account's scope. */
export const billCategories = ['regular', 'chronic', 'maternity', 'work-injury'] as const;
export type BillCategory = (typeof billCategories)[number];

/** Fee item classes: A fully in scope, B partly self-paid first, C fully self-paid. */
export const itemClasses = ['A', 'B', 'C'] as const;
export type ItemClass = (typeof itemClasses)[number];

/** How the cash part (psn_cash_pay) is paid. */
export const cashMethods = ['none', 'mobile', 'credit', 'wallet-code'] as const;
export type CashMethod = (typeof cashMethods)[number];

/** The cash methods a patient picks on the screen (a wallet code is scanned, not picked). */
export const chosenCashMethods = ['mobile', 'credit'] as const;
export type ChosenCashMethod = (typeof chosenCashMethods)[number];

export const familyRelations = ['spouse', 'parent', 'child', 'other'] as const;
export type FamilyRelation = (typeof familyRelations)[number];

/** National certificate type codes, as on the wire (psn_cert_type). */
export const documentTypes = ['01', '02', '03', '04'] as const;
export type DocumentType = (typeof documentTypes)[number];

/** Rules the gateway enforces on family bindings and payments. */
export const familyRules = [
  'payer-monthly-limit',
  'member-monthly-limit',
  'minor-needs-documents',
  'adult-needs-face',
  'not-bound',
  'category-excluded',
  'already-bound',
  'self-binding',
] as const;
export type FamilyRule = (typeof familyRules)[number];

/** Family refusals the patient is told about: a gateway rule, or one the kiosk checks itself. */
export const familyRefusalRules = [
  ...familyRules,
  'unknown-person',
  'not-enrolled',
  'face-not-verified',
  'staff-pin',
] as const;
export type FamilyRefusalRule = (typeof familyRefusalRules)[number];

/** What the camera screen asks of the patient; liveness steps in the order the kiosk asks them. */
export const faceHints = [
  'blink',
  'turn-left',
  'turn-right',
  'look-at-camera',
  'hold-still',
  'no-face',
  'multiple-faces',
  'checking',
] as const;
export type FaceHint = (typeof faceHints)[number];

/** What a loading screen is waiting for. */
export const loadingSubjects = [
  'patient',
  'bills',
  'member-bills',
  'binding',
  'pre-settlement',
  'payment',
  'settlement',
  // A settlement left in doubt, confirmed with the gateway while the patient waits.
  'settlement-check',
  'printing',
] as const;
export type LoadingSubject = (typeof loadingSubjects)[number];

/** Things the patient should know that do not change the screen. */
export const noticeKinds = [
  'scan-unknown',
  'scan-not-now',
  'scan-wallet-not-now',
  'scanner-unplugged',
  'scanner-back',
] as const;
export type NoticeKind = (typeof noticeKinds)[number];

/** Ways into identification that first ask for consent to face processing. */
export const consentRoutes = ['face', 'id'] as const;
export type ConsentRoute = (typeof consentRoutes)[number];
