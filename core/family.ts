/**
 * Family accounts (亲情账户): the binding and payment rules, as pure functions and readable domain
 * types. The gateway is authoritative for these rules; the gateway simulator enforces them with
 * these same functions and constants, and the kiosk calls them first so it can explain a refusal
 * (and say when a limit resets) before it asks the gateway. docs/family.md describes the rules.
 *
 * Calendar months and birthdays are taken in the hospital's configured IANA time zone, never the
 * machine's: a kiosk's clock may be in UTC, and "this month" is what the patient's calendar says.
 */
import type { BasicInsuranceType, BillCategory } from './domain.ts';
import { KioskError } from './errors.ts';
import { formatInTimeZone } from './time.ts';
import {
  familyRules,
  type DocumentType,
  type FamilyRelation,
  type FamilyRule,
} from './vocabulary.ts';

export const FAMILY_RULES = {
  /** Bindings one user may make per calendar month. Unbinding does not give a slot back. */
  maxBindingsPerPayerPerMonth: 5,
  /** Bindings one person may be bound in (as the family member) per calendar month. */
  maxBindingsPerMemberPerMonth: 2,
  /** From this age (on the binding date) a member is bound by face; younger, by documents. */
  faceVerificationAge: 16,
  /** Bill categories a family account may never pay. */
  excludedCategories: ['chronic', 'maternity', 'work-injury'] as readonly BillCategory[],
} as const;

export { familyRules, type FamilyRule };

/** Why a family operation is refused. Messages never carry names or ID numbers (they are logged). */
export interface FamilyRefusal {
  rule: FamilyRule;
  message: string;
  /** yyyy-MM-dd (hospital time zone) when the limit that refused this resets, for monthly limits. */
  resetsOn?: string;
}

export type { FamilyRelation };

/** What each national certificate type code (psn_cert_type) names. */
export const documentTypeNames: Record<DocumentType, string> = {
  '01': 'resident ID card',
  '02': 'household register',
  '03': 'birth certificate',
  '04': 'passport or travel permit',
};
export type { DocumentType };

/** How the member was verified at the kiosk when bound. */
export type BindingVerification =
  | { method: 'face'; verified: boolean }
  | { method: 'document'; documentType: DocumentType; documentNumber: string; staffId: string };

/** A member someone bound (seen from the payer), or a payer who bound me (seen from the member). */
export interface FamilyLink {
  bindingId: string;
  /** The other party: the member in `members`, the payer in `boundBy`. */
  personNo: string;
  name: string;
  birthDate: string; // yyyy-MM-dd
  /** The member's relation to the payer, as recorded when bound. */
  relation: FamilyRelation;
  /** yyyy-MM-dd HH:mm:ss in the hospital time zone; empty when bound before records began. */
  boundAt: string;
}

/** A family member the patient can pay for; enough to list and settle their bills. */
export interface FamilyMember extends FamilyLink {
  insuranceType: BasicInsuranceType;
  insuredArea: string;
  unpaidBills: number;
}

export interface FamilyOverview {
  /** People this patient bound, whose bills they can pay. */
  members: FamilyMember[];
  /** People who bound this patient (the patient can unbind from them). */
  boundBy: FamilyLink[];
}

export interface BindingQuota {
  /** yyyy-MM, hospital time zone. */
  month: string;
  limit: number;
  used: number;
  remaining: number;
  /** The first day of next month, yyyy-MM-dd: when `remaining` goes back to `limit`. */
  resetsOn: string;
  /** Times this patient was bound as a member this month, and how many more are allowed. */
  memberUsed: number;
  memberRemaining: number;
}

export interface BindRequest {
  /** ID number (certno) of the person to bind. */
  memberIdNumber: string;
  relation: FamilyRelation;
  verification: BindingVerification;
}

export interface BindResult {
  bindingId: string;
  member: FamilyLink;
  quota: BindingQuota;
}

// ---- dates in the hospital time zone

const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

function dateParts(date: string): [number, number, number] {
  const m = datePattern.exec(date);
  if (!m) throw new RangeError(`not a yyyy-MM-dd date: ${JSON.stringify(date)}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

/** The calendar date (yyyy-MM-dd) of an instant in the given IANA time zone. */
export function localDate(now: Date, timeZone: string): string {
  return formatInTimeZone(now, timeZone).date;
}

/** The calendar month (yyyy-MM) of an instant in the given IANA time zone. */
export function localMonth(now: Date, timeZone: string): string {
  return localDate(now, timeZone).slice(0, 7);
}

/** The first day (yyyy-MM-dd) of the month after the given yyyy-MM. */
export function firstDayOfNextMonth(month: string): string {
  const [y, m] = dateParts(`${month}-01`);
  return m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`;
}

/**
 * Age in completed years on `date`. A birthday counts from its first day: someone born
 * 2010-11-30 is 16 on 2026-11-30. Someone born on 29 February has their birthday on 1 March
 * in common years (they have not yet reached it on 28 February).
 */
export function ageOn(birthDate: string, date: string): number {
  const [by, bm, bd] = dateParts(birthDate);
  const [ty, tm, td] = dateParts(date);
  return ty - by - (tm < bm || (tm === bm && td < bd) ? 1 : 0);
}

// ---- the rules

const categoryNames: Record<BillCategory, string> = {
  regular: 'regular',
  chronic: 'chronic disease',
  maternity: 'maternity',
  'work-injury': 'work injury',
};

/**
 * How many bindings the user has left this month. `bindingsThisMonth` counts bindings MADE this
 * month (hospital time zone), including ones since unbound.
 */
export function bindingQuota(
  bindingsThisMonth: number,
  now: Date,
  timeZone: string,
): { month: string; limit: number; used: number; remaining: number; resetsOn: string } {
  const month = localMonth(now, timeZone);
  const limit = FAMILY_RULES.maxBindingsPerPayerPerMonth;
  return {
    month,
    limit,
    used: bindingsThisMonth,
    remaining: Math.max(0, limit - bindingsThisMonth),
    resetsOn: firstDayOfNextMonth(month),
  };
}

/** Which verification binding this person needs on the binding date (hospital time zone). */
export function verificationNeeded(
  birthDate: string,
  now: Date,
  timeZone: string,
): 'face' | 'document' {
  return ageOn(birthDate, localDate(now, timeZone)) >= FAMILY_RULES.faceVerificationAge
    ? 'face'
    : 'document';
}

/** Whether a family account may pay a bill of this category. */
export function canPayForMember(
  category: BillCategory,
): { ok: true } | ({ ok: false } & FamilyRefusal) {
  if (!FAMILY_RULES.excludedCategories.includes(category)) return { ok: true };
  return {
    ok: false,
    rule: 'category-excluded',
    message: `family accounts cannot pay ${categoryNames[category]} bills; they are settled under the patient's own insurance only`,
  };
}

/** Everything the binding rules look at, counted by the caller (gateway store or kiosk). */
export interface BindingCheck {
  payerPersonNo: string;
  memberPersonNo: string;
  memberBirthDate: string;
  /** The member's ID number, when known: a resident ID card presented must be theirs. */
  memberIdNumber?: string;
  /** A live (not unbound) binding of this member by this payer exists. */
  alreadyBound: boolean;
  /** Bindings this payer made this month, unbound ones included. */
  payerBindingsThisMonth: number;
  /** Bindings this month in which this person was bound as the member, unbound ones included. */
  memberBindingsThisMonth: number;
  verification: BindingVerification;
  now: Date;
  timeZone: string;
}

/**
 * The first binding rule a request breaks, or undefined when it may be bound. Order: who (self,
 * already bound), how many (payer, member), then how verified, so the patient hears first
 * about what no document or face can fix.
 */
export function checkBinding(c: BindingCheck): FamilyRefusal | undefined {
  if (c.payerPersonNo === c.memberPersonNo) {
    return { rule: 'self-binding', message: 'a user cannot bind themselves as a family member' };
  }
  if (c.alreadyBound) {
    return {
      rule: 'already-bound',
      message: 'this person is already bound to this user as a family member',
    };
  }
  const month = localMonth(c.now, c.timeZone);
  const resetsOn = firstDayOfNextMonth(month);
  if (c.payerBindingsThisMonth >= FAMILY_RULES.maxBindingsPerPayerPerMonth) {
    return {
      rule: 'payer-monthly-limit',
      message: `a user can bind at most ${FAMILY_RULES.maxBindingsPerPayerPerMonth} family members per calendar month and has bound ${c.payerBindingsThisMonth} in ${month} (unbinding does not return a place)`,
      resetsOn,
    };
  }
  if (c.memberBindingsThisMonth >= FAMILY_RULES.maxBindingsPerMemberPerMonth) {
    return {
      rule: 'member-monthly-limit',
      message: `a family member can be involved in at most ${FAMILY_RULES.maxBindingsPerMemberPerMonth} bindings per calendar month and this member already has ${c.memberBindingsThisMonth} in ${month}`,
      resetsOn,
    };
  }
  const date = localDate(c.now, c.timeZone);
  const needed = verificationNeeded(c.memberBirthDate, c.now, c.timeZone);
  const v = c.verification;
  if (needed === 'document') {
    const missing = documentProblem(v, c.memberIdNumber);
    if (missing) {
      return {
        rule: 'minor-needs-documents',
        message: `a family member under ${FAMILY_RULES.faceVerificationAge} on the binding date (${date}) is bound with an identity document checked by staff; ${missing}`,
      };
    }
    return undefined;
  }
  if (v.method !== 'face' || !v.verified) {
    return {
      rule: 'adult-needs-face',
      message: `a family member ${FAMILY_RULES.faceVerificationAge} or over on the binding date (${date}) is bound by face verification at the kiosk; ${v.method === 'face' ? 'the face was not verified' : 'documents are not accepted'}`,
    };
  }
  return undefined;
}

/** What is wrong with the verification offered for a member under 16, if anything. */
function documentProblem(v: BindingVerification, memberIdNumber?: string): string | undefined {
  if (v.method !== 'document') return 'face verification is not accepted';
  if (!v.documentNumber.trim()) return 'the document number is missing';
  if (!v.staffId.trim()) return 'staff confirmation is missing';
  // Other documents (household register, birth certificate) carry their own numbers; an ID card
  // carries the ID number, so it can be checked against the person being bound.
  if (
    v.documentType === '01' &&
    memberIdNumber !== undefined &&
    v.documentNumber.trim().toUpperCase() !== memberIdNumber.toUpperCase()
  )
    return "the ID card's number is not the member's";
  return undefined;
}

// ---- refusals on the wire

/** The gateway's err_msg for a refusal: the rule first, so both sides can read it back. */
export function refusalText(r: FamilyRefusal): string {
  return `family rule ${r.rule}: ${r.message}${r.resetsOn ? `; resets on ${r.resetsOn}` : ''}`;
}

/** Reads a refusal back out of an err_msg (or a KioskError message that quotes it). */
export function parseFamilyRefusal(text: string): FamilyRefusal | undefined {
  const m = /family rule ([a-z-]+): (.*)$/s.exec(text);
  if (!m || !(familyRules as readonly string[]).includes(m[1]!)) return undefined;
  const rest = m[2]!;
  const reset = /; resets on (\d{4}-\d{2}-\d{2})$/.exec(rest);
  return {
    rule: m[1] as FamilyRule,
    message: reset ? rest.slice(0, reset.index) : rest,
    ...(reset ? { resetsOn: reset[1]! } : {}),
  };
}

/** A gateway refusal that broke a family rule: the kiosk explains `refusal` to the patient. */
export class FamilyRefusalError extends KioskError {
  constructor(
    readonly refusal: FamilyRefusal,
    options?: { cause?: unknown },
  ) {
    super('gateway-rejected', refusalText(refusal), options);
  }
}
