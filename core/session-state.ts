/**
 * The patient's session: its states and the events that move it. What may follow what is decided
 * in session-transition.ts; what each state shows in session-view.ts; what work each state starts
 * in session-controller.ts (its on-enter table) and the flows.
 */
import type { Bill, CashMethod, CashOrder, Patient, PreSettlement, Settlement } from './domain.ts';
import type {
  BindRequest,
  BindingQuota,
  FamilyLink,
  FamilyMember,
  FamilyOverview,
  FamilyRelation,
} from './family.ts';
import type { KioskErrorCode } from './errors.ts';
import type { ConsentRoute, FaceHint, FamilyRefusalRule } from './vocabulary.ts';

export type SessionState =
  | { kind: 'home' }
  /** Before any face processing the patient agrees to it (or chooses another way). */
  | { kind: 'consent'; route: ConsentRoute }
  | { kind: 'identifying'; hint: FaceHint }
  /** The patient is known by an e-voucher token or an ID number: their record is being read. */
  | { kind: 'finding-patient'; lookup: PatientLookup }
  | { kind: 'id-entry' }
  /** 1:1: the camera checks the person against the keyed-in ID number (never shown). */
  | { kind: 'verifying'; idNumber: string; hint: FaceHint }
  /** Two people look alike: the last 4 characters of the ID number decide. Candidates stay here. */
  | { kind: 'second-factor'; candidates: string[] }
  | { kind: 'not-recognised' }
  | { kind: 'loading-bills'; patient: Patient }
  | BillsState
  | { kind: 'loading-member'; back: BillsState; member: FamilyMember }
  | { kind: 'member-bills'; back: BillsState; member: FamilyMember; bills: Bill[] }
  | { kind: 'family-refused'; back: BillsState; refusal: KioskFamilyRefusal }
  | { kind: 'bind-id'; back: BillsState }
  | {
      kind: 'bind-relation';
      back: BillsState;
      memberIdNumber: string;
      verification: 'face' | 'document';
    }
  | {
      kind: 'bind-face';
      back: BillsState;
      memberIdNumber: string;
      relation: FamilyRelation;
      hint: FaceHint;
    }
  | { kind: 'bind-document'; back: BillsState; memberIdNumber: string; relation: FamilyRelation }
  | { kind: 'binding'; back: BillsState; request: BindRequest }
  | { kind: 'unbinding'; back: BillsState; link: FamilyLink; side: 'member' | 'payer' }
  | { kind: 'bind-done'; back: BillsState; memberName: string }
  | { kind: 'unbind-confirm'; back: BillsState; link: FamilyLink; side: 'member' | 'payer' }
  | {
      kind: 'pre-settling';
      patient: Patient;
      bills: Bill[];
      bill: Bill;
      member?: FamilyMember;
      /** Set when the patient switched the personal account on or off on the review screen. */
      useAccount?: boolean;
    }
  | {
      kind: 'review';
      patient: Patient;
      bills: Bill[];
      bill: Bill;
      preview: PreSettlement;
      member?: FamilyMember;
    }
  | {
      kind: 'choose-cash';
      patient: Patient;
      bills: Bill[];
      bill: Bill;
      preview: PreSettlement;
      member?: FamilyMember;
    }
  | {
      kind: 'opening-cash';
      member?: FamilyMember;
      patient: Patient;
      bill: Bill;
      preview: PreSettlement;
      method: CashMethod;
      /** A wallet payment code scanned on the choose-cash screen. */
      walletCode?: string;
    }
  | {
      kind: 'paying-cash';
      member?: FamilyMember;
      patient: Patient;
      bill: Bill;
      preview: PreSettlement;
      method: CashMethod;
      paymentId: string;
      order: CashOrder;
    }
  | {
      kind: 'settling';
      member?: FamilyMember;
      patient: Patient;
      bill: Bill;
      preview: PreSettlement;
      method: CashMethod;
      paymentId?: string;
      /** 2207's outcome was unknown: the kiosk is confirming it while the patient waits. */
      checking?: true;
    }
  | {
      kind: 'printing';
      patient: Patient;
      bill: Bill;
      settlement: Settlement;
      method: CashMethod;
      repayDate?: string;
    }
  | {
      kind: 'done';
      patient: Patient;
      bill: Bill;
      settlement: Settlement;
      method: CashMethod;
      repayDate?: string;
      printed: boolean;
      eReceiptUrl: string;
    }
  | {
      kind: 'error';
      error: KioskErrorCode;
      /** A payment left in doubt: whether the slip with its amounts and reference came out. */
      slipPrinted?: boolean;
    };

/** How a patient who is known but not yet loaded is looked up at the gateway (1101). */
export type PatientLookup =
  { by: 'voucher'; token: string } | { by: 'id-number'; idNumber: string };

/** A family refusal the patient is told about: a gateway rule, or one the kiosk checks itself. */
export interface KioskFamilyRefusal {
  rule: FamilyRefusalRule;
  resetsOn?: string;
}

export interface BillsState {
  kind: 'bills';
  patient: Patient;
  bills: Bill[];
  /** The patient's family members (whose bills they may pay) and binding quota, when loaded. */
  family?: FamilyOverview;
  quota?: BindingQuota;
}

export type SessionEvent =
  | { type: 'ask-consent'; route: ConsentRoute }
  | { type: 'consent'; agreed: boolean }
  | { type: 'start-face' }
  | { type: 'start-voucher'; token: string }
  | { type: 'start-id-entry' }
  | { type: 'id-entered'; idNumber: string }
  | { type: 'uncertain'; candidates: string[] }
  /** The face (alone, 1:1, or with the second factor) singled out one enrolled person. */
  | { type: 'matched'; idNumber: string }
  | { type: 'face-hint'; hint: FaceHint }
  | { type: 'identified'; patient: Patient }
  | { type: 'not-recognised' }
  | { type: 'bills-loaded'; bills: Bill[]; family?: FamilyOverview; quota?: BindingQuota }
  | { type: 'family-reloaded'; family: FamilyOverview; quota: BindingQuota }
  | { type: 'open-member'; bindingId: string }
  | { type: 'member-bills-loaded'; bills: Bill[] }
  | { type: 'family-refused'; refusal: KioskFamilyRefusal }
  | { type: 'back-to-bills' }
  | { type: 'start-bind' }
  | { type: 'bind-id-entered'; memberIdNumber: string; verification: 'face' | 'document' }
  | { type: 'bind-relation'; relation: FamilyRelation }
  | { type: 'bind-verified'; request: BindRequest }
  | { type: 'bound'; memberName: string; family: FamilyOverview; quota: BindingQuota }
  | { type: 'start-unbind'; bindingId: string }
  | { type: 'confirm-unbind' }
  | { type: 'select-bill'; billId: string; useAccount?: boolean }
  | { type: 'preview-ready'; preview: PreSettlement }
  | { type: 'confirm' }
  | { type: 'choose-cash'; method: CashMethod; walletCode?: string }
  | { type: 'cash-opened'; paymentId: string; order?: CashOrder; paid: boolean }
  | { type: 'cash-paid' }
  | { type: 'payment-checking' }
  | { type: 'settled'; settlement: Settlement }
  | { type: 'printed'; printed: boolean; eReceiptUrl: string }
  | { type: 'failed'; error: KioskErrorCode; slipPrinted?: boolean }
  | { type: 'cancel' }
  | { type: 'finish' };

export class InvalidTransition extends Error {
  override readonly name = 'InvalidTransition';
  constructor(state: SessionState['kind'], event: SessionEvent['type']) {
    super(`event ${event} is not allowed in state ${state}`);
  }
}

/** States in which money may be moving: nothing may interrupt them, not even Cancel. */
export function isCommitting(state: SessionState): boolean {
  return state.kind === 'settling' || state.kind === 'printing' || state.kind === 'opening-cash';
}

/** The bills screen a family step returns to. */
export function backOf(state: SessionState): BillsState | undefined {
  if (state.kind === 'bills') return state;
  return 'back' in state ? state.back : undefined;
}
