import { describe, expect, it } from 'vitest';
import type { Bill, Patient, PreSettlement, ReceiptData, Settlement } from './domain.ts';
import { KioskError } from './errors.ts';
import type { SessionView } from './kiosk-api.ts';
import { cents } from './money.ts';
import type { FaceIdentifyResult, SettlementPort } from './ports.ts';
import { SessionController } from './session-controller.ts';

const VOUCHER = '4240000000000000000100110000';
const patient: Patient = {
  personNo: 'P1',
  name: 'Zhang Sanfeng',
  idNumber: '110105198002260113',
  insuranceType: '310',
  insuredArea: '110105',
  accountBalance: cents(0),
};
const bill: Bill = {
  id: 'B1',
  visitType: 'outpatient',
  category: 'regular',
  department: 'Internal',
  createdAt: '2026-11-22 09:00:00',
  total: cents(10_000),
  items: [
    { name: 'x', itemClass: 'A', unitPrice: cents(10_000), quantity: 1, amount: cents(10_000) },
  ],
};
const split = (cash: number) => ({
  total: cents(10_000),
  fund: cents(6_000),
  poolFund: cents(6_000),
  personalPart: cents(4_000),
  account: cents(4_000 - cash),
  mutualAid: cents(0),
  cash: cents(cash),
});

/** A settlement port whose gateway side is scripted per test; the controller's logic is real. */
function fakePort(cash: number, opts: { credit?: boolean; cashOutcome?: 'paid' | 'expired' } = {}) {
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
  };
  return { port, calls, pay: () => release?.() };
}

/** Timers the test fires by hand: the inactivity reset without waiting. */
const pendingTimers = new Map<number, () => void>();
let timerSeq = 0;
const fakeTimers = {
  set: (fn: () => void) => {
    pendingTimers.set(++timerSeq, fn);
    return timerSeq;
  },
  clear: (h: unknown) => pendingTimers.delete(h as number),
};
function fireTimers() {
  const fns = [...pendingTimers.values()];
  pendingTimers.clear();
  fns.forEach((f) => f());
}

function controller(
  port: SettlementPort,
  face: FaceIdentifyResult = { kind: 'match', idNumber: patient.idNumber },
) {
  const receipts: ReceiptData[] = [];
  const views: SessionView[] = [];
  const c = new SessionController({
    face: {
      identify: async () => face,
      verify: async (id) => (id === patient.idNumber ? 'match' : 'no-match'),
    },
    settlement: port,
    receipts: {
      print: async (r) => {
        receipts.push(r);
        return { printed: true };
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
  return { c, receipts, views };
}

async function toReview(c: SessionController) {
  c.payWithFace();
  c.answerConsent(true);
  await c.idle();
  expect(c.view().screen).toBe('bills');
  c.selectBill('B1');
  await c.idle();
  expect(c.view().screen).toBe('review');
}

describe('session controller', () => {
  it('insurance-only: confirm settles and prints, no cash step', async () => {
    const f = fakePort(0);
    const { c, receipts } = controller(f.port);
    await toReview(c);
    c.confirmPayment();
    await c.idle();
    expect(c.view()).toMatchObject({ screen: 'done', method: 'none', receipt: 'printed' });
    expect(f.calls).toEqual(['begin:none', 'complete']);
    expect(receipts[0]?.paymentMethod).toBe('insurance-only');
    expect(receipts[0]?.patientName).not.toContain('Zhang Sanfeng');
  });

  it('mobile: shows the payment QR, settles only after the cash is in', async () => {
    const f = fakePort(1_500);
    const { c } = controller(f.port);
    await toReview(c);
    c.confirmPayment();
    expect(c.view()).toMatchObject({ screen: 'choose-cash', cash: 1_500, credit: null });
    c.chooseCashMethod('mobile');
    await new Promise((r) => setTimeout(r, 0));
    expect(c.view()).toMatchObject({
      screen: 'paying-cash',
      amount: 1_500,
      codeUrl: 'https://pay.example/q/PAY1',
    });
    expect(f.calls).not.toContain('complete');
    f.pay();
    await c.idle();
    expect(c.view()).toMatchObject({ screen: 'done', method: 'mobile' });
    expect(f.calls).toEqual(['begin:mobile', 'wait', 'complete']);
  });

  it('credit: offered only with enough limit, and the repayment date reaches screen and receipt', async () => {
    const f = fakePort(1_500, { credit: true });
    const { c, receipts } = controller(f.port);
    await toReview(c);
    c.confirmPayment();
    expect(c.view()).toMatchObject({
      screen: 'choose-cash',
      credit: { available: 200_000, repayDate: '2026-12-22' },
    });
    c.chooseCashMethod('credit');
    await c.idle();
    expect(c.view()).toMatchObject({ screen: 'done', method: 'credit', repayDate: '2026-12-22' });
    expect(receipts[0]).toMatchObject({ paymentMethod: 'credit', repayDate: '2026-12-22' });
  });

  it('credit cannot be chosen without a credit offer', async () => {
    const { c } = controller(fakePort(1_500).port);
    await toReview(c);
    c.confirmPayment();
    expect(() => c.chooseCashMethod('credit')).toThrow(/not allowed/);
    expect(c.view().screen).toBe('choose-cash');
  });

  it('cancel while the QR is shown abandons the payment and never settles', async () => {
    const f = fakePort(1_500);
    const { c } = controller(f.port);
    await toReview(c);
    c.confirmPayment();
    c.chooseCashMethod('mobile');
    await new Promise((r) => setTimeout(r, 0));
    c.cancel();
    await c.idle();
    await new Promise((r) => setTimeout(r, 0));
    expect(c.view().screen).toBe('home');
    expect(f.calls).toContain('abandon');
    expect(f.calls).not.toContain('complete');
  });

  it('an expired payment ends in a plain error and is abandoned', async () => {
    const f = fakePort(1_500, { cashOutcome: 'expired' });
    const { c } = controller(f.port);
    await toReview(c);
    c.confirmPayment();
    c.chooseCashMethod('mobile');
    await new Promise((r) => setTimeout(r, 0));
    f.pay();
    await c.idle();
    expect(c.view()).toEqual({ screen: 'error', error: 'payment-expired' });
    expect(f.calls).toEqual(['begin:mobile', 'wait', 'abandon']);
  });

  it('cancel is refused while the settlement is in flight, and a second confirm changes nothing', async () => {
    const f = fakePort(0);
    let finish: (() => void) | undefined;
    f.port.completePayment = () =>
      new Promise((resolve) => {
        finish = () =>
          resolve({
            settlementId: 'S1',
            msgid: 'PAY1',
            billId: 'B1',
            settledAt: '',
            split: split(0),
          });
      });
    const { c } = controller(f.port);
    await toReview(c);
    c.confirmPayment();
    await new Promise((r) => setTimeout(r, 0));
    expect(() => c.cancel()).toThrow(/cannot be cancelled/);
    expect(() => c.confirmPayment()).toThrow(/not allowed/);
    finish?.();
    await c.idle();
    expect(c.view().screen).toBe('done');
  });

  it('a settlement in doubt is told as such, never as success', async () => {
    const f = fakePort(0);
    f.port.completePayment = async () => {
      throw new KioskError('settlement-in-doubt', 'unknown');
    };
    const { c, receipts } = controller(f.port);
    await toReview(c);
    c.confirmPayment();
    await c.idle();
    expect(c.view()).toEqual({ screen: 'error', error: 'settlement-in-doubt' });
    expect(receipts).toHaveLength(0);
  });

  it('an unknown face and an uncertain one both end at "not recognised", charging nothing', async () => {
    for (const face of [
      { kind: 'no-match' },
      { kind: 'uncertain', candidates: [] },
    ] as FaceIdentifyResult[]) {
      const f = fakePort(0);
      const { c } = controller(f.port, face);
      c.payWithFace();
      c.answerConsent(true);
      await c.idle();
      expect(c.view()).toEqual({ screen: 'not-recognised' });
      expect(f.calls).toEqual([]);
    }
  });
});

describe('scanned codes', () => {
  it('an e-voucher at the start identifies the patient and lists their bills', async () => {
    const f = fakePort(0);
    const { c } = controller(f.port);
    c.scan(`${VOUCHER}\r`);
    expect(c.view()).toEqual({ screen: 'loading', what: 'patient' });
    await c.idle();
    expect(c.view().screen).toBe('bills');
    expect(f.calls).toEqual([`voucher:${VOUCHER}`]);
  });

  it('a voucher the gateway refuses is told as such', async () => {
    const f = fakePort(0);
    const { c } = controller(f.port);
    c.scan('4240000000000000000200110000');
    await c.idle();
    expect(c.view()).toEqual({ screen: 'error', error: 'voucher-refused' });
  });

  it('a wallet code on the choose-cash screen pays the cash part', async () => {
    const f = fakePort(1_500);
    const { c } = controller(f.port);
    await toReview(c);
    c.confirmPayment();
    c.scan('134567890123456789');
    await c.idle();
    expect(c.view()).toMatchObject({ screen: 'done', method: 'wallet-code' });
    expect(f.calls).toEqual(['begin:wallet-code:134567890123456789', 'complete']);
  });

  it('a wallet code while the QR is shown pays that same order', async () => {
    const f = fakePort(1_500);
    const { c } = controller(f.port);
    await toReview(c);
    c.confirmPayment();
    c.chooseCashMethod('mobile');
    await new Promise((r) => setTimeout(r, 0));
    c.scan('134567890123456789');
    await c.idle();
    await new Promise((r) => setTimeout(r, 0));
    await c.idle();
    expect(c.view().screen).toBe('done');
    expect(f.calls).toContain('wallet:134567890123456789');
  });

  it('codes that do not fit the screen change nothing and say why', async () => {
    const f = fakePort(0);
    const { c } = controller(f.port);
    const notices: string[] = [];
    c.onNotice((n) => notices.push(n.notice));
    c.scan('hello world');
    c.scan('134567890123456789'); // a wallet code at the start: nothing to pay yet
    await toReview(c);
    c.scan(VOUCHER); // a voucher in the middle of a payment
    expect(c.view().screen).toBe('review');
    expect(notices).toEqual(['scan-unknown', 'scan-wallet-not-now', 'scan-not-now']);
    expect(f.calls).toEqual([]);
  });
});

describe('inactivity', () => {
  it('a patient who walks away from the QR screen is reset home and the order abandoned', async () => {
    const f = fakePort(1_500);
    const { c } = controller(f.port);
    await toReview(c);
    c.confirmPayment();
    c.chooseCashMethod('mobile');
    await new Promise((r) => setTimeout(r, 0));
    expect(c.view().screen).toBe('paying-cash');
    fireTimers();
    await c.idle();
    expect(c.view().screen).toBe('home');
    expect(f.calls).toContain('abandon');
    expect(f.calls).not.toContain('complete');
  });

  it('"still here" restarts the clock; the done screen resets to home', async () => {
    const f = fakePort(0);
    const { c } = controller(f.port);
    await toReview(c);
    c.stillHere();
    expect(pendingTimers.size).toBe(1);
    c.confirmPayment();
    await c.idle();
    expect(c.view().screen).toBe('done');
    fireTimers();
    expect(c.view().screen).toBe('home');
    expect(pendingTimers.size).toBe(0); // nothing armed at home
  });
});

describe('second factor and the 1:1 route', () => {
  const twin = '110105198002260121';
  it('look-alikes: the last 4 characters pick exactly one, and only among the candidates', async () => {
    const f = fakePort(0);
    const { c } = controller(f.port, { kind: 'uncertain', candidates: [patient.idNumber, twin] });
    c.payWithFace();
    c.answerConsent(true);
    await c.idle();
    expect(c.view()).toEqual({ screen: 'second-factor' });
    c.submitSecondFactor('0113');
    await c.idle();
    expect(c.view().screen).toBe('bills');
  });

  it('a face that is not decisive alone: one candidate, confirmed by the second factor', async () => {
    const f = fakePort(0);
    const { c } = controller(f.port, { kind: 'uncertain', candidates: [patient.idNumber] });
    c.payWithFace();
    c.answerConsent(true);
    await c.idle();
    expect(c.view()).toEqual({ screen: 'second-factor' });
    c.submitSecondFactor('0114');
    expect(c.view()).toEqual({ screen: 'not-recognised' });
    c.payWithFace();
    await c.idle();
    c.submitSecondFactor('0113');
    await c.idle();
    expect(c.view().screen).toBe('bills');
  });

  it('a wrong second factor is "not recognised", with no second try', async () => {
    const f = fakePort(0);
    const { c } = controller(f.port, { kind: 'uncertain', candidates: [patient.idNumber, twin] });
    c.payWithFace();
    c.answerConsent(true);
    await c.idle();
    c.submitSecondFactor('9999');
    expect(c.view()).toEqual({ screen: 'not-recognised' });
    expect(() => c.submitSecondFactor('0113')).toThrow();
  });

  it('ID number + face: a mistyped number is refused at the keypad; a right one is verified 1:1', async () => {
    const f = fakePort(0);
    const { c } = controller(f.port);
    c.payWithIdNumber();
    expect(c.view()).toEqual({ screen: 'consent' });
    c.answerConsent(true);
    expect(c.view()).toEqual({ screen: 'id-entry' });
    expect(c.submitIdNumber('110105198002260114')).toEqual({ accepted: false });
    expect(c.view()).toEqual({ screen: 'id-entry' });
    expect(c.submitIdNumber(patient.idNumber)).toEqual({ accepted: true });
    await c.idle();
    expect(c.view().screen).toBe('bills');
  });

  it("ID number + someone else's face: not recognised, nothing looked up", async () => {
    const f = fakePort(0);
    const { c } = controller(f.port);
    c.payWithIdNumber();
    c.answerConsent(true);
    c.submitIdNumber('11010519491231002X');
    await c.idle();
    expect(c.view()).toEqual({ screen: 'not-recognised' });
    expect(f.calls).toEqual([]);
  });
});

describe('device failures', () => {
  it('a camera that gives no picture is "camera unavailable", in plain words, charging nothing', async () => {
    const f = fakePort(0);
    const { c } = controller(f.port);
    const cameraError = Object.assign(new Error('camera: the camera gives no picture'), {
      name: 'DeviceError',
      device: 'camera',
      code: 'unplugged',
    });
    (c as unknown as { deps: { face: { identify: () => Promise<never> } } }).deps.face.identify =
      async () => {
        throw cameraError;
      };
    c.payWithFace();
    c.answerConsent(true);
    await c.idle();
    expect(c.view()).toEqual({ screen: 'error', error: 'camera-unavailable' });
    expect(f.calls).toEqual([]);
  });
});

describe('consent to face processing', () => {
  it('nothing looks at the face until the patient agrees; declining goes home', async () => {
    let searched = 0;
    const f = fakePort(0);
    const { c } = controller(f.port);
    (
      c as unknown as { deps: { face: { identify: () => Promise<FaceIdentifyResult> } } }
    ).deps.face.identify = async () => {
      searched++;
      return { kind: 'no-match' };
    };
    c.payWithFace();
    expect(c.view()).toEqual({ screen: 'consent' });
    c.answerConsent(false);
    await c.idle();
    expect(c.view()).toEqual({ screen: 'home' });
    expect(searched).toBe(0);
    c.payWithFace();
    c.answerConsent(true);
    await c.idle();
    expect(searched).toBe(1);
    // "Try again" in the same session does not ask twice.
    c.payWithFace();
    expect(c.view().screen).toBe('identifying');
  });
});
