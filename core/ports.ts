/**
 * The ports through which the session reaches the world: face, gateway, family accounts, printer
 * and the log. The host wires real devices and the real gateway client to them; tests wire
 * scripted doubles; the session's logic is the same either way.
 */
import type {
  Bill,
  CashMethod,
  Patient,
  PaymentStart,
  PreSettlement,
  PendingSlipData,
  ReceiptData,
  Settlement,
} from './domain.ts';
import type {
  BindRequest,
  BindResult,
  BindingQuota,
  FamilyMember,
  FamilyOverview,
} from './family.ts';
import type { KioskInfo, StaffCallOutcome } from './kiosk-api.ts';
import type { Clock, Language } from './domain.ts';
import type { FaceHint } from './vocabulary.ts';

export type FaceIdentifyResult =
  | { kind: 'match'; idNumber: string }
  | { kind: 'no-match' }
  /**
   * The face alone is not decisive: the ID numbers of the people it may be (one or more), for
   * the second factor (never shown).
   */
  | { kind: 'uncertain'; candidates: string[] };

export interface FaceIdentificationPort {
  identify(options: {
    signal: AbortSignal;
    onHint: (hint: FaceHint) => void;
  }): Promise<FaceIdentifyResult>;
  /** 1:1: is the person in front of the camera the one with this ID number? */
  verify(
    idNumber: string,
    options: { signal: AbortSignal; onHint: (hint: FaceHint) => void },
  ): Promise<'match' | 'no-match' | 'not-enrolled'>;
}

export interface SettlementPort {
  findPatient(idNumber: string): Promise<Patient>;
  /** 1101 with the e-voucher QR token (mdtrt_cert_type 01). */
  findPatientByVoucher(token: string): Promise<Patient>;
  /** Pays a pending cash order with a merchant-scanned wallet code (K205). */
  payWithWalletCode(paymentId: string, code: string): Promise<void>;
  unpaidBills(patient: Patient): Promise<Bill[]>;
  /** 2206, plus the patient's credit offer when they have one; the account may be left out. */
  preSettle(
    patient: Patient,
    bill: Bill,
    options?: { useAccount?: boolean },
  ): Promise<PreSettlement>;
  /** Journals the payment and opens the cash collection (no cash: nothing to open). */
  beginPayment(
    patient: Patient,
    bill: Bill,
    preview: PreSettlement,
    method: CashMethod,
    walletCode?: string,
  ): Promise<PaymentStart>;
  waitForCash(paymentId: string, signal: AbortSignal): Promise<'paid' | 'expired' | 'cancelled'>;
  /** 2207 with the journalled msgid, once the cash is in. */
  completePayment(paymentId: string): Promise<Settlement>;
  /** The session ended before settling: cancel the cash order, refunding it if it was paid. */
  abandonPayment(paymentId: string): Promise<void>;
  /**
   * The patient left the review without paying (cancelled, went back, walked away): what the
   * pre-settlement prepared at the gateway for this bill is taken back (the fee details the kiosk
   * uploaded, 2205). Best effort; a port without visits has nothing to release.
   */
  releasePreSettlement?(
    owner: { personNo: string; insuredArea: string },
    bill: Bill,
    preview: PreSettlement,
  ): Promise<void>;
  /**
   * A settlement left in doubt, confirmed while the patient waits (bounded in time): settled,
   * undone (nothing settled, any cash refunded), or still open (recovery goes on after).
   */
  confirmInDoubt(
    paymentId: string,
    signal: AbortSignal,
  ): Promise<{ resolution: 'settled' | 'undone' | 'open'; settlement?: Settlement }>;
}

/** Family accounts (the gateway is authoritative; the kiosk pre-checks to explain refusals). */
export interface FamilyPort {
  familyMembers(patient: Patient): Promise<FamilyOverview>;
  bindingQuota(patient: Patient): Promise<BindingQuota>;
  memberBills(member: FamilyMember): Promise<Bill[]>;
  bindMember(payer: Patient, request: BindRequest): Promise<BindResult>;
  unbindMember(patient: Patient, bindingId: string): Promise<unknown>;
  preSettleForMember(payer: Patient, member: FamilyMember, bill: Bill): Promise<PreSettlement>;
  beginPaymentForMember(
    payer: Patient,
    member: FamilyMember,
    bill: Bill,
    preview: PreSettlement,
    method: CashMethod,
    walletCode?: string,
  ): Promise<PaymentStart>;
}

export interface ReceiptPort {
  print(receipt: ReceiptData): Promise<{ printed: boolean; problem?: string }>;
  /** The slip for a payment still being confirmed (amounts and a reference), never a receipt. */
  printPendingSlip(slip: PendingSlipData): Promise<{ printed: boolean; problem?: string }>;
}

/** Structured log sink. Only codes and ids go here: never names, ID numbers or face data. */
export type LogFn = (event: string, fields?: Record<string, string | number | boolean>) => void;

/** Everything the session controller and its flows reach the world through. */
export interface SessionControllerOptions {
  face: FaceIdentificationPort;
  settlement: SettlementPort;
  receipts: ReceiptPort;
  clock: Clock;
  log: LogFn;
  info: Omit<KioskInfo, 'language'>;
  eReceiptBaseUrl: string;
  language?: Language;
  family?: FamilyPort;
  /** The hospital's time zone: ages and months for the family rules are counted in it. */
  timeZone?: string;
  /** Staff confirmation for binding a minor: true when the PIN is a staff PIN. */
  staffPin?: (pin: string) => boolean;
  /** Timers for the inactivity reset; tests inject their own. */
  timers?: { set(fn: () => void, ms: number): unknown; clear(handle: unknown): void };
  /**
   * Notifies staff (the hospital's nurse-call system, host/staff-call.ts) from the screen the
   * patient is on; the log entry is written either way. Without it nobody is called, and the
   * patient is told so (`not-connected`).
   */
  onStaffCalled?: (screen: string) => Promise<StaffCallOutcome>;
}
