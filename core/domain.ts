import type { Cents } from './money.ts';
import type { SettlementSplit } from './settlement.ts';

import type {
  BasicInsuranceType,
  BillCategory,
  InsuranceType,
  ItemClass,
  Language,
  VisitType,
} from './vocabulary.ts';
export type {
  BasicInsuranceType,
  BillCategory,
  CashMethod,
  InsuranceType,
  SettlingInsuranceType,
  ItemClass,
  Language,
  VisitType,
} from './vocabulary.ts';

export interface Patient {
  personNo: string; // psn_no
  name: string;
  idNumber: string; // certno
  /** The active basic insurance (310/390) ordinary bills settle under (core/insurance.ts). */
  insuranceType: BasicInsuranceType;
  /**
   * Every insurance type the platform says is active for this person (1101's rows with
   * psn_insu_stas "1"): the basic one, supplements the platform applies inside the split
   * (320, 330, 392, ...), maternity (510) when a maternity bill may settle under it.
   */
  insuranceTypes: InsuranceType[];
  insuredArea: string; // insuplc_admdvs
  accountBalance: Cents;
}

export interface BillItem {
  name: string;
  /** The item's serial number within its bill (feedetl_sn). */
  serial: string;
  /** The item's code in the national list, and in the hospital's own list. */
  listCode: string;
  hospitalCode: string;
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
  /** The visit the bill belongs to, which the insurance settles (docs/gateway-protocol.md). */
  visit: BillVisit;
  /**
   * A discharge bill: the deposits paid on its visit, which its settlement nets off the cash
   * part (their sum and how many).
   */
  deposits?: { total: Cents; count: number };
  /**
   * A payment for this bill is still open in the kiosk's journal (in doubt, a refund under
   * way): not payable until recovery resolves it, so it cannot be paid twice.
   */
  beingChecked?: boolean;
}

export interface BillVisit {
  /** The insurance's visit id (mdtrt_id); '' when the hospital has not registered the visit. */
  id: string;
  outpatientNo: string;
  departmentCode: string;
  /** The department's specialty code (caty). */
  specialty: string;
  doctorCode: string;
  doctorName: string;
  /** The fee details are already with the insurance; otherwise the kiosk uploads them. */
  feesUploaded: boolean;
}

/** The visit a pre-settlement was made under, as the kiosk prepared it for the insurance. */
export interface PreparedVisit {
  id: string;
  /** The kiosk uploaded the fee details itself (and revokes them if the payment is cancelled). */
  uploadedHere: boolean;
}

export interface PreSettlement {
  billId: string;
  split: SettlementSplit;
  /** Whether the personal account pays (the patient may keep it for later); default true. */
  useAccount?: boolean;
  /** The patient's credit line ("treat first, pay later"), when they have one. */
  credit?: CreditOffer;
  /** The visit the settlement names; absent where the port has no visits (tests' fakes). */
  visit?: PreparedVisit;
  /** A discharge: the deposits netted off the cash part (split.cash), and what that leaves. */
  deposits?: DepositNetting;
}

/**
 * An inpatient discharge's deposits against its cash part: the patient pays `due` (the cash part
 * less the deposits, when positive) or the hospital refunds `refund` (the deposits less the cash
 * part). At most one of the two is above zero.
 */
export interface DepositNetting {
  /** The deposits paid on the visit, their sum and how many. */
  total: Cents;
  count: number;
  due: Cents;
  refund: Cents;
}

/** What the kiosk collects in cash for a pre-settlement: the cash part, less any deposits. */
export function cashToCollect(preview: Pick<PreSettlement, 'split' | 'deposits'>): Cents {
  return preview.deposits ? preview.deposits.due : preview.split.cash;
}

export interface CreditOffer {
  limit: Cents;
  available: Cents;
  repayDate: string; // yyyy-MM-dd
}

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
  settlementId: string; // setl_id (a deposit's dpst_id)
  msgid: string;
  billId: string;
  settledAt: string;
  split: SettlementSplit;
  /** A discharge: the deposits it netted, and the rest paid or the surplus refunded. */
  deposits?: DepositNetting;
}

/** What a receipt prints of a bill: no visit or list codes, which the paper does not show. */
export type ReceiptBill = Pick<
  Bill,
  'id' | 'visitType' | 'category' | 'department' | 'createdAt' | 'total' | 'beingChecked'
> & { items: Pick<BillItem, 'name' | 'itemClass' | 'unitPrice' | 'quantity' | 'amount'>[] };

export interface ReceiptData {
  hospitalName: string;
  kioskId: string;
  printedAt: string;
  language: Language;
  /** The person the bill is for, masked (张*明). */
  patientName: string;
  /** Masked; absent when a relative paid, as the kiosk never reads the member's ID number. */
  patientIdNumber?: string;
  /**
   * Who paid, masked, when it was not the patient (family mutual aid: the payer at the kiosk
   * pays a bound member's bill from their own account), so the paper names both.
   */
  payer?: { name: string; idNumber?: string };
  /** A staff reprint: marked "COPY / 补打" so it cannot pass for the original. */
  copy?: boolean;
  bill: ReceiptBill;
  settlement: Settlement;
  paymentMethod: 'insurance-only' | 'mobile' | 'credit' | 'wallet-code';
  /** For credit: the date the advanced cash part must be repaid. */
  repayDate?: string;
  eReceiptUrl: string;
}

/**
 * A payment whose cash part is in but whose settlement the gateway has not confirmed yet: the
 * slip the patient takes away names the amounts and a reference staff can look up.
 */
export interface PendingSlipData {
  hospitalName: string;
  kioskId: string;
  printedAt: string;
  language: Language;
  /** The payment's journal id (its 2207 msgid): what staff search by. */
  reference: string;
  billId: string;
  total: Cents;
  /** What the patient paid themselves (0 when insurance pays it all). */
  cashPaid: Cents;
  paymentMethod: ReceiptData['paymentMethod'];
}

/** A staff refund of a settlement: what went back where, for the patient to keep. */
export interface RefundSlipData {
  hospitalName: string;
  kioskId: string;
  printedAt: string;
  language: Language;
  settlementId: string;
  billId: string;
  /** Masked, from the original receipt when there is one. */
  patientName?: string;
  total: Cents;
  /** Returned to the insurance fund, the personal account and the payer's account. */
  fund: Cents;
  account: Cents;
  mutualAid: Cents;
  /** Refunded to where the patient paid it from. */
  cash: Cents;
  paymentMethod: ReceiptData['paymentMethod'];
  staffId: string;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
