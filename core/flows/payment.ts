/**
 * Paying a bill: pre-settlement (2206), the cash part (phone QR, wallet code or credit), the
 * settlement (2207) and the receipt. Once a settlement is under way nothing interrupts it (see
 * `isCommitting`); the receipt never decides whether the payment stands.
 */
import {
  type CashMethod,
  type Patient,
  type Bill,
  type PreSettlement,
  type ReceiptData,
  type Settlement,
  cashToCollect,
} from '../domain.ts';
import type { FamilyMember } from '../family.ts';
import { KioskError, toKioskError } from '../errors.ts';
import { maskIdNumber, maskName } from '../masking.ts';
import { cents } from '../money.ts';
import type { SessionState } from '../session-state.ts';
import type { Flow } from './flow.ts';

type StateOf<K extends SessionState['kind']> = Extract<SessionState, { kind: K }>;

/** 2206 for the chosen bill: the patient's own, or a family member's paid from their account. */
export async function preSettle(flow: Flow, state: StateOf<'pre-settling'>): Promise<void> {
  const { deps } = flow;
  let preview: PreSettlement;
  try {
    preview =
      state.member && deps.family
        ? await deps.family.preSettleForMember(state.patient, state.member, state.bill)
        : await deps.settlement.preSettle(
            state.patient,
            state.bill,
            state.useAccount !== undefined ? { useAccount: state.useAccount } : undefined,
          );
  } catch (error) {
    // Before a payment begins, only the visit's registration (2201) or fee upload (2204) can be
    // left unknown, and both are safe to send again. No money has moved: the patient is told the
    // service cannot be reached and nothing was charged, not that a payment is in doubt.
    if (error instanceof KioskError && error.code === 'settlement-in-doubt')
      throw new KioskError('gateway-unavailable', `before any payment: ${error.message}`, {
        cause: error,
      });
    throw error;
  }
  flow.apply({ type: 'preview-ready', preview });
}

/**
 * Leaving review or choose-cash for anything but the payment (or a new pre-settlement of the same
 * review) means this pre-settlement will not be paid: the port releases what it prepared. Once a
 * payment is begun, the payment journal owns that instead (it revokes on cancel).
 */
export function releaseIfLeftUnpaid(
  deps: Flow['deps'],
  previous: SessionState,
  next: SessionState,
): void {
  if (previous.kind !== 'review' && previous.kind !== 'choose-cash') return;
  if ('preview' in next || next.kind === 'pre-settling') return;
  const release = deps.settlement.releasePreSettlement?.bind(deps.settlement);
  if (!release || !previous.preview.visit?.uploadedHere) return;
  const owner = previous.member ?? previous.patient;
  release(
    { personNo: owner.personNo, insuredArea: owner.insuredArea },
    previous.bill,
    previous.preview,
  ).catch(() => {
    // Best effort by contract: a release that fails leaves the upload in place, and the next
    // upload of the same details is answered as already done, so nothing is lost or doubled.
  });
}

/** Opens the cash collection (if any), waits for it, then settles and prints. */
export async function pay(
  flow: Flow,
  state: StateOf<'opening-cash'> | StateOf<'settling'>,
): Promise<void> {
  const { deps } = flow;
  const { patient, bill, preview, member, method } = state;
  const walletCode = state.kind === 'opening-cash' ? state.walletCode : undefined;
  const start =
    member && deps.family
      ? await deps.family.beginPaymentForMember(patient, member, bill, preview, method, walletCode)
      : await deps.settlement.beginPayment(patient, bill, preview, method, walletCode);
  if (start.cash === 'pending') {
    flow.apply({
      type: 'cash-opened',
      paymentId: start.paymentId,
      paid: false,
      ...(start.order ? { order: start.order } : {}),
    });
    const outcome = await deps.settlement.waitForCash(start.paymentId, flow.signal);
    if (!flow.isCurrent()) return; // cancelled: cancel() already abandoned the payment
    if (outcome !== 'paid') {
      await deps.settlement.abandonPayment(start.paymentId);
      throw new KioskError('payment-expired', `cash part ${outcome}`);
    }
    flow.apply({ type: 'cash-paid' });
  } else if (flow.current().kind === 'opening-cash') {
    flow.apply({ type: 'cash-opened', paymentId: start.paymentId, paid: true });
  }
  const settlement = await settle(flow, start.paymentId, { bill, preview, method });
  if (!settlement) return; // still in doubt: the patient has their slip and the words for it
  deps.log('settlement.settled', {
    settlementId: settlement.settlementId,
    billId: settlement.billId,
    method,
  });
  flow.apply({ type: 'settled', settlement });
  await printReceipt(flow, patient, bill, settlement, method, member);
}

/**
 * 2207, and when its outcome is unknown, the answer while the patient waits: the screen says the
 * payment is being confirmed, and the kiosk asks the gateway until it knows or the wait is over.
 * Only then does the patient hear "not sure": and the bill stays held until recovery knows.
 */
async function settle(
  flow: Flow,
  paymentId: string,
  what: { bill: Bill; preview: PreSettlement; method: CashMethod },
): Promise<Settlement | undefined> {
  const { deps } = flow;
  try {
    return await deps.settlement.completePayment(paymentId);
  } catch (error) {
    if (!(error instanceof KioskError) || error.code !== 'settlement-in-doubt') throw error;
    flow.apply({ type: 'payment-checking' });
    const { resolution, settlement } = await deps.settlement.confirmInDoubt(paymentId, flow.signal);
    deps.log('settlement.checked', { paymentId, resolution });
    if (resolution === 'settled' && settlement) return settlement;
    if (resolution === 'undone')
      throw new KioskError('payment-refunded', 'nothing was settled; the cash part was refunded');
    // Still unknown: the patient leaves with a slip naming what they paid and a reference.
    const slipPrinted = await printPendingSlip(flow, paymentId, what);
    flow.apply({ type: 'failed', error: 'settlement-in-doubt', slipPrinted });
    return undefined;
  }
}

async function printPendingSlip(
  flow: Flow,
  reference: string,
  { bill, preview, method }: { bill: Bill; preview: PreSettlement; method: CashMethod },
): Promise<boolean> {
  const { deps } = flow;
  try {
    const outcome = await deps.receipts.printPendingSlip({
      hospitalName: deps.info.hospitalName,
      kioskId: deps.info.kioskId,
      printedAt: deps.clock.now().toISOString(),
      language: flow.language(),
      reference,
      billId: bill.id,
      total: preview.split.total,
      cashPaid: method === 'none' ? cents(0) : cashToCollect(preview),
      paymentMethod: method === 'none' ? 'insurance-only' : method,
    });
    return outcome.printed;
  } catch (error) {
    deps.log('receipt.pending-slip-failed', { error: toKioskError(error).code });
    return false;
  }
}

/** The settlement stands whatever the printer does; without paper the patient gets the QR. */
async function printReceipt(
  flow: Flow,
  patient: Patient,
  bill: Bill,
  settlement: Settlement,
  method: CashMethod,
  member: FamilyMember | undefined,
): Promise<void> {
  const { deps } = flow;
  const eReceiptUrl = `${deps.eReceiptBaseUrl}${encodeURIComponent(settlement.settlementId)}`;
  const state = flow.current();
  let printed = false;
  try {
    const outcome = await deps.receipts.print({
      hospitalName: deps.info.hospitalName,
      kioskId: deps.info.kioskId,
      printedAt: deps.clock.now().toISOString(),
      language: flow.language(),
      ...whoOnReceipt(patient, member),
      bill,
      settlement,
      paymentMethod: method === 'none' ? 'insurance-only' : method,
      ...(state.kind === 'printing' && state.repayDate ? { repayDate: state.repayDate } : {}),
      eReceiptUrl,
    });
    printed = outcome.printed;
    if (!printed) {
      deps.log('receipt.not-printed', {
        settlementId: settlement.settlementId,
        problem: outcome.problem ?? 'unknown',
      });
    }
  } catch (error) {
    deps.log('receipt.failed', {
      settlementId: settlement.settlementId,
      error: toKioskError(error).code,
    });
  }
  flow.apply({ type: 'printed', printed, eReceiptUrl });
}

/**
 * The receipt names the person the bill is for; when a relative paid it from their account
 * (mutual aid), the payer is printed apart, so a member's bill never shows the payer as patient.
 */
function whoOnReceipt(
  patient: Patient,
  member: FamilyMember | undefined,
): Pick<ReceiptData, 'patientName' | 'patientIdNumber' | 'payer'> {
  if (!member)
    return { patientName: maskName(patient.name), patientIdNumber: maskIdNumber(patient.idNumber) };
  return {
    patientName: maskName(member.name),
    payer: { name: maskName(patient.name), idNumber: maskIdNumber(patient.idNumber) },
  };
}
