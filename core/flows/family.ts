/**
 * Family accounts at the kiosk: a member's bills, binding (16+ by face, under 16 by documents
 * and a staff PIN) and unbinding. The gateway is authoritative; the kiosk pre-checks the rules it
 * can see so that a refusal is explained before anything is sent.
 */
import {
  DocumentNumberError,
  documentNumberProblem,
  normalizeDocumentNumber,
} from '../document-number.ts';
import { toKioskError } from '../errors.ts';
import {
  type BindingQuota,
  type FamilyOverview,
  FamilyRefusalError,
  verificationNeeded,
} from '../family.ts';
import type { Patient } from '../domain.ts';
import { isValidIdNumber } from '../id-number.ts';
import { KioskCallError } from '../kiosk-api.ts';
import { maskName } from '../masking.ts';
import type { SessionControllerOptions } from '../ports.ts';
import type { SessionEvent, SessionState } from '../session-state.ts';
import type { DocumentType } from '../vocabulary.ts';
import type { Flow } from './flow.ts';

type StateOf<K extends SessionState['kind']> = Extract<SessionState, { kind: K }>;

/** The family section of the bills screen; left out (not fatal) when the gateway fails it. */
export async function loadFamily(
  deps: SessionControllerOptions,
  patient: Patient,
): Promise<{ family?: FamilyOverview; quota?: BindingQuota }> {
  if (!deps.family) return {};
  try {
    const [family, quota] = await Promise.all([
      deps.family.familyMembers(patient),
      deps.family.bindingQuota(patient),
    ]);
    return { family, quota };
  } catch (error) {
    // The patient can still pay their own bills; the family section is left out.
    deps.log('family.load-failed', { code: toKioskError(error).code });
    return {};
  }
}

export async function loadMemberBills(flow: Flow, state: StateOf<'loading-member'>): Promise<void> {
  const bills = await flow.deps.family!.memberBills(state.member);
  flow.apply({ type: 'member-bills-loaded', bills });
}

/**
 * The member's keyed-in ID number, checked against the rules the kiosk can see: the event that
 * follows, or undefined when the number itself is not valid.
 */
export function bindIdEvent(
  deps: SessionControllerOptions,
  state: StateOf<'bind-id'>,
  id: string,
): SessionEvent | undefined {
  if (!isValidIdNumber(id)) return undefined;
  if (id === state.back.patient.idNumber.toUpperCase())
    return { type: 'family-refused', refusal: { rule: 'self-binding' } };
  if (state.back.quota && state.back.quota.remaining === 0) {
    const { resetsOn } = state.back.quota;
    return {
      type: 'family-refused',
      refusal: { rule: 'payer-monthly-limit', ...(resetsOn ? { resetsOn } : {}) },
    };
  }
  const birth = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
  const verification = verificationNeeded(
    birth,
    deps.clock.now(),
    deps.timeZone ?? 'Asia/Shanghai',
  );
  return { type: 'bind-id-entered', memberIdNumber: id, verification };
}

/**
 * Under 16: the document staff checked and their PIN, as the event that binds the member, or
 * undefined when the PIN is refused. A malformed number is refused outright: the screen checks it
 * before it asks for the PIN, and the host does not take the screen's word for it.
 */
export function bindDocumentEvent(
  deps: SessionControllerOptions,
  state: StateOf<'bind-document'>,
  doc: { documentType: DocumentType; documentNumber: string; staffPin: string },
): SessionEvent | undefined {
  const problem = documentNumberProblem(doc.documentType, doc.documentNumber);
  if (problem) throw new KioskCallError(new DocumentNumberError(doc.documentType, problem).message);
  if (!deps.staffPin?.(doc.staffPin)) {
    deps.log('family.staff-pin-refused', {});
    return undefined;
  }
  return {
    type: 'bind-verified',
    request: {
      memberIdNumber: state.memberIdNumber,
      relation: state.relation,
      verification: {
        method: 'document',
        documentType: doc.documentType,
        documentNumber: normalizeDocumentNumber(doc.documentNumber),
        staffId: `${deps.info.kioskId}-STAFF`,
      },
    },
  };
}

/** 16 or over: the member is verified 1:1 by face, here and now. */
export async function verifyMember(flow: Flow, state: StateOf<'bind-face'>): Promise<void> {
  const outcome = await flow.deps.face.verify(state.memberIdNumber, {
    signal: flow.signal,
    onHint: (hint) => flow.hint(hint),
  });
  flow.deps.log('family.bind-face', { result: outcome });
  if (outcome !== 'match') {
    flow.apply({
      type: 'family-refused',
      refusal: { rule: outcome === 'not-enrolled' ? 'not-enrolled' : 'face-not-verified' },
    });
    return;
  }
  flow.apply({
    type: 'bind-verified',
    request: {
      memberIdNumber: state.memberIdNumber,
      relation: state.relation,
      verification: { method: 'face', verified: true },
    },
  });
}

export async function bind(flow: Flow, state: StateOf<'binding'>): Promise<void> {
  const family = flow.deps.family!;
  try {
    const result = await family.bindMember(state.back.patient, state.request);
    const overview = await family.familyMembers(state.back.patient);
    flow.deps.log('family.bound', { bindingId: result.bindingId });
    flow.apply({
      type: 'bound',
      memberName: maskName(result.member.name),
      family: overview,
      quota: result.quota,
    });
  } catch (error) {
    if (!(error instanceof FamilyRefusalError)) throw error;
    flow.apply({ type: 'family-refused', refusal: error.refusal });
  }
}

export async function unbind(flow: Flow, state: StateOf<'unbinding'>): Promise<void> {
  await flow.deps.family!.unbindMember(state.back.patient, state.link.bindingId);
  flow.deps.log('family.unbound', { bindingId: state.link.bindingId, side: state.side });
  const { family, quota } = await loadFamily(flow.deps, state.back.patient);
  flow.apply(
    family && quota ? { type: 'family-reloaded', family, quota } : { type: 'back-to-bills' },
  );
}
