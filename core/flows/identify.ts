/**
 * Who is at the kiosk: face 1:N (with the second factor between look-alikes), ID number + face
 * 1:1, or the e-voucher. Every route ends the same way: a lookup of one person (1101), then their
 * bills, each started by the state it leads to.
 */
import { KioskError } from '../errors.ts';
import { endsWith4 } from '../id-number.ts';
import type { Patient } from '../domain.ts';
import type { PatientLookup } from '../session-state.ts';
import { loadFamily } from './family.ts';
import type { Flow } from './flow.ts';

/** 1:N: the face alone decides, asks for the second factor, or does not recognise. */
export async function identifyByFace(flow: Flow): Promise<void> {
  const started = flow.deps.clock.now().getTime();
  const result = await flow.deps.face.identify({
    signal: flow.signal,
    onHint: (hint) => flow.hint(hint),
  });
  // How long the patient stood there, for the host's metrics (kiosk_face_identify_seconds).
  const ms = flow.deps.clock.now().getTime() - started;
  flow.deps.log('face.identify', { result: result.kind, ms });
  if (result.kind === 'uncertain' && result.candidates.length > 0) {
    // The face alone is not decisive (look-alikes, a close call, or a gallery too large for the
    // face alone): never guess; the last 4 characters of the ID number decide among the candidates.
    flow.apply({ type: 'uncertain', candidates: result.candidates });
  } else if (result.kind === 'match') {
    flow.apply({ type: 'matched', idNumber: result.idNumber });
  } else {
    flow.apply({ type: 'not-recognised' });
  }
}

/** 1:1: is the person at the camera the one whose ID number was keyed in? */
export async function verifyIdNumber(flow: Flow, idNumber: string): Promise<void> {
  const outcome = await flow.deps.face.verify(idNumber, {
    signal: flow.signal,
    onHint: (hint) => flow.hint(hint),
  });
  flow.deps.log('face.verify', { result: outcome });
  flow.apply(outcome === 'match' ? { type: 'matched', idNumber } : { type: 'not-recognised' });
}

/** The one candidate whose ID number ends with these 4 characters, if exactly one does. */
export function secondFactorMatch(candidates: string[], last4: string): string | undefined {
  const matches = candidates.filter((id) => endsWith4(id, last4));
  return matches.length === 1 ? matches[0] : undefined;
}

/** 1101 for the identified person; a voucher the gateway refuses is told as such. */
export async function findPatient(flow: Flow, lookup: PatientLookup): Promise<void> {
  let patient: Patient;
  if (lookup.by === 'id-number') {
    patient = await flow.deps.settlement.findPatient(lookup.idNumber);
  } else {
    try {
      patient = await flow.deps.settlement.findPatientByVoucher(lookup.token);
    } catch (error) {
      if (error instanceof KioskError && error.code === 'gateway-rejected') {
        throw new KioskError('voucher-refused', 'the gateway refused the e-voucher', {
          cause: error,
        });
      }
      throw error;
    }
  }
  flow.apply({ type: 'identified', patient });
}

/** The patient's bills, with their family members and binding quota when family is on. */
export async function loadBills(flow: Flow, patient: Patient): Promise<void> {
  // The bills (K101) and the family section (K601, K604) are independent questions: asked
  // together, the screen waits for the slowest round trip, not for their sum. loadFamily never
  // rejects (a family section that fails is left out), so a failed K101 leaves nothing unhandled.
  const family = loadFamily(flow.deps, patient);
  const bills = await flow.deps.settlement.unpaidBills(patient);
  flow.apply({ type: 'bills-loaded', bills, ...(await family) });
}
