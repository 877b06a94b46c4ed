/**
 * The on-enter table: the work each state of the session starts when the session enters it from
 * another state. A state that is not here does no work of its own (it waits for the patient).
 */
import type { SessionState } from '../session-state.ts';
import { bind, loadMemberBills, unbind, verifyMember } from './family.ts';
import type { Flow } from './flow.ts';
import { findPatient, identifyByFace, loadBills, verifyIdNumber } from './identify.ts';
import { pay, preSettle } from './payment.ts';

type Kind = SessionState['kind'];
type StateOf<K extends Kind> = Extract<SessionState, { kind: K }>;
export type Work = (flow: Flow) => Promise<void>;
type OnEnter = { [K in Kind]?: (state: StateOf<K>, from: SessionState) => Work | undefined };

const onEnter: OnEnter = {
  identifying: () => identifyByFace,
  verifying: (s) => (flow) => verifyIdNumber(flow, s.idNumber),
  'finding-patient': (s) => (flow) => findPatient(flow, s.lookup),
  'loading-bills': (s) => (flow) => loadBills(flow, s.patient),
  'loading-member': (s) => (flow) => loadMemberBills(flow, s),
  'bind-face': (s) => (flow) => verifyMember(flow, s),
  binding: (s) => (flow) => bind(flow, s),
  unbinding: (s) => (flow) => unbind(flow, s),
  'pre-settling': (s) => (flow) => preSettle(flow, s),
  'opening-cash': (s) => (flow) => pay(flow, s),
  // Nothing to pay in cash: settling starts from the review screen. Otherwise the cash step
  // reaches it inside the payment that is already running.
  settling: (s, from) => (from.kind === 'review' ? (flow) => pay(flow, s) : undefined),
};

/** The work entering `state` from `from` starts, if any. */
export function workOnEntering(state: SessionState, from: SessionState): Work | undefined {
  // The table is keyed by kind, so the entry takes exactly this state's type.
  const entry = onEnter[state.kind] as
    ((state: SessionState, from: SessionState) => Work | undefined) | undefined;
  return entry?.(state, from);
}
