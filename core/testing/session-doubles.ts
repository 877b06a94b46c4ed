/**
 * Test doubles of the session's ports, scripted per test, and a controller wired to them: the
 * controller's logic under test is the real one.
 */
import type {
  Bill,
  Patient,
  PendingSlipData,
  PreSettlement,
  ReceiptData,
  Settlement,
} from '../domain.ts';
import { KioskError } from '../errors.ts';
import type { SessionView } from '../kiosk-api.ts';
import { cents } from '../money.ts';
import type { FaceIdentifyResult, SettlementPort } from '../ports.ts';
import { SessionController } from '../session-controller.ts';

export const VOUCHER = '4240000000000000000100110000';
export const patient: Patient = {
  personNo: 'P1',
  name: 'Zhang Sanfeng',
  idNumber: '110105198002260113',
  insuranceType: '310',
  insuranceTypes: ['310'],
  insuredArea: '110105',
  accountBalance: cents(0),
};
/** A visit the hospital registered, its fees uploaded: the kiosk settles it as it is. */
export const registeredVisit: Bill['visit'] = {
  id: 'MD1',
  outpatientNo: 'MZ1',
  departmentCode: '0301',
  specialty: 'A03',
  doctorCode: 'D1',
  doctorName: 'Dr Wang',
  feesUploaded: true,
};
export const bill: Bill = {
  id: 'B1',
  visitType: 'outpatient',
  category: 'regular',
  department: 'Internal',
  createdAt: '2026-11-22 09:00:00',
  total: cents(10_000),
  items: [
    {
      name: 'x',
      serial: '1',
      listCode: '001102000010000',
      hospitalCode: '110200001',
      itemClass: 'A',
      unitPrice: cents(10_000),
      quantity: 1,
      amount: cents(10_000),
    },
  ],
  visit: registeredVisit,
};
export const split = (cash: number) => ({
  total: cents(10_000),
  fund: cents(6_000),
  poolFund: cents(6_000),
  personalPart: cents(4_000),
  account: cents(4_000 - cash),
  mutualAid: cents(0),
  cash: cents(cash),
});

/** A settlement port whose gateway side is scripted per test; the controller's logic is real. */
export function fakePort(
  cash: number,
  opts: { credit?: boolean; cashOutcome?: 'paid' | 'expired'; uploadedHere?: boolean } = {},
) {
  const calls: string[] = [];
  let release: (() => void) | undefined;
  const port: SettlementPort = {
    findPatient: async () => patient,
    findPatientByVoucher: async (token) => {
      calls.push(`voucher:${token}`);
      if (token !== VOUCHER) throw new KioskError('gateway-rejected', 'person not found');
      return patient;
    },
    payWithWalletCode: async (_id, code) => {
      calls.push(`wallet:${code}`);
      release?.();
    },
    unpaidBills: async () => [bill],
    preSettle: async (): Promise<PreSettlement> => ({
      billId: bill.id,
      split: split(cash),
      visit: { id: registeredVisit.id, uploadedHere: opts.uploadedHere ?? false },
      ...(opts.credit
        ? { credit: { limit: cents(200_000), available: cents(200_000), repayDate: '2026-12-22' } }
        : {}),
    }),
    beginPayment: async (_p, _b, _pr, method, walletCode) => {
      calls.push(`begin:${method}${walletCode ? `:${walletCode}` : ''}`);
      if (method === 'wallet-code') return { paymentId: 'PAY1', cash: 'paid' };
      if (cash === 0) return { paymentId: 'PAY1', cash: 'none' };
      if (method === 'credit') return { paymentId: 'PAY1', cash: 'paid' };
      return {
        paymentId: 'PAY1',
        cash: 'pending',
        order: {
          orderNo: 'PAY1',
          codeUrl: 'https://pay.example/q/PAY1',
          amount: cents(cash),
          expiresAt: '2026-11-22 10:05:00',
        },
      };
    },
    waitForCash: (_id, signal) =>
      new Promise((resolve) => {
        calls.push('wait');
        release = () => resolve(opts.cashOutcome ?? 'paid');
        signal.addEventListener('abort', () => resolve('cancelled'));
      }),
    completePayment: async (): Promise<Settlement> => {
      calls.push('complete');
      return {
        settlementId: 'S1',
        msgid: 'PAY1',
        billId: bill.id,
        settledAt: '2026-11-22 10:00:00',
        split: split(cash),
      };
    },
    abandonPayment: async () => {
      calls.push('abandon');
    },
    releasePreSettlement: async (owner, b, preview) => {
      calls.push(`release:${owner.personNo}:${b.id}:${preview.visit?.id ?? ''}`);
    },
    confirmInDoubt: async () => {
      calls.push('confirm-in-doubt');
      return { resolution: 'open' };
    },
  };
  return { port, calls, pay: () => release?.() };
}

/** Timers the test fires by hand: the inactivity reset without waiting. */
export const pendingTimers = new Map<number, () => void>();
let timerSeq = 0;
export const fakeTimers = {
  set: (fn: () => void) => {
    pendingTimers.set(++timerSeq, fn);
    return timerSeq;
  },
  clear: (h: unknown) => pendingTimers.delete(h as number),
};
export function fireTimers() {
  const fns = [...pendingTimers.values()];
  pendingTimers.clear();
  fns.forEach((f) => f());
}

export function controller(
  port: SettlementPort,
  /** What the face search finds, or the error it fails with (a camera that does not work). */
  face: FaceIdentifyResult | Error = { kind: 'match', idNumber: patient.idNumber },
  /** Whether the printer manages the pending slip (paper out: false). */
  options: { slipPrinted?: boolean } = {},
) {
  const receipts: ReceiptData[] = [];
  const slips: PendingSlipData[] = [];
  const views: SessionView[] = [];
  const c = new SessionController({
    face: {
      identify: async () => {
        if (face instanceof Error) throw face;
        return face;
      },
      verify: async (id) => (id === patient.idNumber ? 'match' : 'no-match'),
    },
    settlement: port,
    receipts: {
      print: async (r) => {
        receipts.push(r);
        return { printed: true };
      },
      printPendingSlip: async (slip) => {
        slips.push(slip);
        return options.slipPrinted === false
          ? { printed: false, problem: 'paper-out' }
          : { printed: true };
      },
    },
    clock: { now: () => new Date('2026-11-22T02:00:00Z') },
    log: () => undefined,
    info: {
      mode: 'simulator',
      kioskId: 'K1',
      hospitalName: 'H',
      version: '1',
      inactivity: { warnAfterSeconds: 60, countdownSeconds: 30 },
      camera: { source: 'host' },
      speech: { rate: 0.85 },
    },
    timers: fakeTimers,
    eReceiptBaseUrl: 'https://e.example/r/',
  });
  c.onView((v) => views.push(v));
  return { c, receipts, slips, views };
}

export async function toReview(c: SessionController) {
  c.payWithFace();
  c.answerConsent(true);
  await c.idle();
  if (c.view().screen !== 'bills') throw new Error(`expected bills, got ${c.view().screen}`);
  c.selectBill('B1');
  await c.idle();
  if (c.view().screen !== 'review') throw new Error(`expected review, got ${c.view().screen}`);
}
