import { describe, expect, it, vi } from 'vitest';
import type { Settlement } from './domain.ts';
import { KioskError } from './errors.ts';
import type { FaceIdentifyResult } from './ports.ts';
import {
  VOUCHER,
  controller,
  fakePort,
  fireTimers,
  pendingTimers,
  split,
  toReview,
} from './testing/session-doubles.ts';

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

  it('leaving the review unpaid releases the fee details the kiosk uploaded; paying does not', async () => {
    const left = fakePort(1_500, { uploadedHere: true });
    const a = controller(left.port).c;
    await toReview(a);
    a.confirmPayment();
    expect(a.view().screen).toBe('choose-cash');
    a.cancel();
    await a.idle();
    expect(a.view().screen).toBe('home');
    expect(left.calls).toEqual(['release:P1:B1:MD1']);

    const paid = fakePort(0, { uploadedHere: true });
    const b = controller(paid.port).c;
    await toReview(b);
    b.confirmPayment();
    await b.idle();
    expect(b.view().screen).toBe('done');
    expect(paid.calls).toEqual(['begin:none', 'complete']);

    // The hospital uploaded the details: nothing of the kiosk's to take back.
    const theirs = fakePort(0);
    const d = controller(theirs.port).c;
    await toReview(d);
    d.cancel();
    await d.idle();
    expect(theirs.calls).toEqual([]);
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
    const { c, receipts, slips } = controller(f.port);
    await toReview(c);
    c.confirmPayment();
    await c.idle();
    // Still unknown after the wait: no receipt, but a slip naming the amounts and a reference.
    expect(c.view()).toEqual({ screen: 'error', error: 'settlement-in-doubt', slipPrinted: true });
    expect(receipts).toHaveLength(0);
    expect(slips).toEqual([
      expect.objectContaining({ reference: 'PAY1', billId: 'B1', total: 10_000, cashPaid: 0 }),
    ]);
  });

  it('a settlement still in doubt and no paper: the screen does not promise a slip', async () => {
    const f = fakePort(1500);
    f.port.completePayment = async () => {
      throw new KioskError('settlement-in-doubt', 'unknown');
    };
    const { c, slips } = controller(f.port, undefined, { slipPrinted: false });
    await toReview(c);
    c.confirmPayment();
    c.chooseCashMethod('mobile');
    await vi.waitFor(() => expect(c.view().screen).toBe('paying-cash'));
    f.pay();
    await c.idle();
    expect(c.view()).toEqual({ screen: 'error', error: 'settlement-in-doubt', slipPrinted: false });
    expect(slips[0]).toMatchObject({ cashPaid: 1500, paymentMethod: 'mobile' });
  });

  it('a settlement in doubt is confirmed while the patient waits, on a screen that says so', async () => {
    const f = fakePort(0);
    f.port.completePayment = async () => {
      throw new KioskError('settlement-in-doubt', 'unknown');
    };
    let answer!: (r: {
      resolution: 'settled' | 'undone' | 'open';
      settlement?: Settlement;
    }) => void;
    f.port.confirmInDoubt = () => new Promise((resolve) => (answer = resolve));
    const { c, receipts } = controller(f.port);
    await toReview(c);
    c.confirmPayment();
    await vi.waitFor(() => expect(answer).toBeDefined());
    expect(c.view()).toEqual({ screen: 'loading', what: 'settlement-check' });
    expect(() => c.cancel()).toThrow(/cannot be cancelled/);
    answer({
      resolution: 'settled',
      settlement: {
        settlementId: 'S1',
        msgid: 'PAY1',
        billId: 'B1',
        settledAt: '2026-11-22 10:00:00',
        split: split(0),
      },
    });
    await c.idle();
    expect(c.view().screen).toBe('done');
    expect(receipts).toHaveLength(1);
  });

  it('a settlement in doubt that the gateway says never happened: told the money was refunded', async () => {
    const f = fakePort(0);
    f.port.completePayment = async () => {
      throw new KioskError('settlement-in-doubt', 'unknown');
    };
    f.port.confirmInDoubt = async () => ({ resolution: 'undone' });
    const { c, receipts } = controller(f.port);
    await toReview(c);
    c.confirmPayment();
    await c.idle();
    expect(c.view()).toEqual({ screen: 'error', error: 'payment-refunded' });
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

  it('"not recognised" leads to the ID number without asking consent again', async () => {
    const f = fakePort(0);
    const { c } = controller(f.port, { kind: 'no-match' });
    c.payWithIdNumber();
    expect(c.view()).toEqual({ screen: 'consent' });
    c.cancel();
    c.payWithFace();
    c.answerConsent(true);
    await c.idle();
    expect(c.view()).toEqual({ screen: 'not-recognised' });
    c.payWithIdNumber();
    expect(c.view()).toEqual({ screen: 'id-entry' });
    expect(c.submitIdNumber('110105198002260113')).toEqual({ accepted: true });
    await c.idle();
    expect(c.view().screen).toBe('bills');
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

  it('an e-voucher on "not recognised" identifies the patient, as at the start', async () => {
    const f = fakePort(0);
    const { c } = controller(f.port, { kind: 'no-match' });
    c.payWithFace();
    c.answerConsent(true);
    await c.idle();
    expect(c.view()).toEqual({ screen: 'not-recognised' });
    c.scan(VOUCHER);
    expect(c.view()).toEqual({ screen: 'loading', what: 'patient' });
    await c.idle();
    expect(c.view().screen).toBe('bills');
    expect(f.calls).toEqual([`voucher:${VOUCHER}`]);
  });

  it('an e-voucher on the error screen of a camera that does not work identifies the patient', async () => {
    const f = fakePort(0);
    const camera = Object.assign(new Error('camera unplugged'), {
      name: 'DeviceError',
      device: 'camera',
    });
    const { c } = controller(f.port, camera);
    c.payWithFace();
    c.answerConsent(true);
    await c.idle();
    expect(c.view()).toEqual({ screen: 'error', error: 'camera-unavailable' });
    c.scan(VOUCHER);
    await c.idle();
    expect(c.view().screen).toBe('bills');
    expect(f.calls).toEqual([`voucher:${VOUCHER}`]);
  });

  it('an e-voucher on any other error screen is told to wait, and changes nothing', async () => {
    const f = fakePort(0);
    const { c } = controller(f.port);
    const notices: string[] = [];
    c.onNotice((n) => notices.push(n.notice));
    c.scan('4240000000000000000200110000'); // refused by the gateway
    await c.idle();
    expect(c.view()).toEqual({ screen: 'error', error: 'voucher-refused' });
    c.scan(VOUCHER);
    expect(c.view()).toEqual({ screen: 'error', error: 'voucher-refused' });
    expect(notices).toEqual(['scan-not-now']);
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

describe("a child's document", () => {
  /** On the document screen for a child (born 2019) the patient is binding as their child. */
  async function toDocumentScreen() {
    const f = fakePort(0);
    const { c } = controller(f.port);
    c.payWithFace();
    c.answerConsent(true);
    await c.idle();
    c.startBind();
    expect(c.submitBindId('110105201905200626')).toEqual({ accepted: true });
    c.chooseRelation('child');
    expect(c.view().screen).toBe('bind-document');
    return c;
  }

  it('a number not of its document type is refused before the staff PIN is asked', async () => {
    const c = await toDocumentScreen();
    for (const [documentType, documentNumber] of [
      ['03', 'X12345678'],
      ['01', '110105201905200627'],
      ['04', 'E1'],
    ] as const)
      expect(() => c.submitBindDocument({ documentType, documentNumber, staffPin: '1' })).toThrow(
        'document number refused',
      );
    // A well-formed number reaches the PIN check (this kiosk has no staff PIN: refused there).
    expect(
      c.submitBindDocument({ documentType: '03', documentNumber: 'O440123456', staffPin: '1' }),
    ).toEqual({ accepted: false });
    expect(c.view().screen).toBe('bind-document');
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
