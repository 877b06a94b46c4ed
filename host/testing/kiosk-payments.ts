/**
 * Drives whole payments through a simulator-mode KioskHost as a patient would, with no human
 * waits: for the payments soak test (host/payments-soak.test.ts) and the whole-kiosk bench
 * (scripts/bench-kiosk.ts). A fresh one-bill world per payment is written into the gateway
 * simulator's own database, so every payment is the same size however many have run before.
 */
import type { SessionView } from '../../core/kiosk-api.ts';
import type { SessionState } from '../../core/session-state.ts';
import { loadScenario, type Scenario } from '../../gateway/simulator/scenario.ts';
import type { GatewaySimulator } from '../../gateway/simulator/server.ts';
import type { KioskHost } from '../kiosk-host.ts';

/** Who pays in the driven world: insured, over the deductible, enrolled or not by face. */
export interface Payer {
  psnNo: string;
  /** The e-voucher QR that identifies them at the scanner. */
  voucher: string;
  /** The fixture folder of their face (enrolled from photos 1 and 2). */
  face: string | undefined;
}

/**
 * The default scenario's people, with no bills and the account balances the driven payments
 * need: a large one (the account covers what the fund does not: nothing to pay in cash) or
 * none (the rest is paid by phone). `faces: false` enrols nobody, so the host starts without
 * enrolling fixture photos (seconds per person on this machine).
 */
export function drivenScenario(o: { faces: boolean; emptyAccounts: string[] }): Scenario {
  const base = loadScenario();
  return {
    ...base,
    patients: base.patients.map((p) => ({
      ...p,
      account_balance: o.emptyAccounts.includes(p.psn_no) ? '0.00' : '9999999.00',
      ...(o.faces ? {} : { face_photos: [] }),
    })),
    bills: [],
    // The counter's deposits belong to the inpatient bills' visits, which are gone with them.
    deposits: [],
  };
}

export function payerOf(scenario: Scenario, psnNo: string): Payer {
  const p = scenario.patients.find((x) => x.psn_no === psnNo);
  if (!p?.ec_qr) throw new Error(`${psnNo} has no e-voucher in the scenario`);
  const photo = p.face_photos?.[0];
  return { psnNo, voucher: p.ec_qr, face: photo ? photo.split('/')[0] : undefined };
}

/**
 * A new unpaid outpatient bill (class A items only) for the payer, as the HIS would post it: its
 * visit registered and its fee details uploaded by the hospital's side, as most bills are.
 */
export function postBill(gateway: GatewaySimulator, psnNo: string, billId: string): void {
  const { db, visits, people } = gateway.store;
  const begntime = '2026-11-22 09:00:00';
  db.transaction(() => {
    db.prepare(
      `INSERT INTO bills VALUES (?, ?, 'outpatient', 'regular', 'Bench', ?, 'unpaid')`,
    ).run(billId, psnNo, begntime);
    const item = db.prepare(`INSERT INTO bill_items VALUES (?, ?, ?, 'A', ?, 1, ?)`);
    item.run(billId, '1', 'Consultation', 2500, 2500);
    item.run(billId, '2', 'Blood routine', 3250, 3250);
    visits.insertItemCode(billId, '1', '001102000010000', '110200001');
    visits.insertItemCode(billId, '2', '002502010120000', '250101015');
    const mdtrtId = `MD${billId}`.slice(0, 30);
    visits.insertVisit({
      mdtrt_id: mdtrtId,
      psn_no: psnNo,
      insutype: people.person(psnNo)!.insutype,
      ipt_otp_no: `MZ${billId}`.slice(0, 30),
      dept_code: '0301',
      begntime,
      registered_by: 'hospital',
      msgid: null,
      response_json: '',
    });
    visits.insertBillVisit({
      chrg_bchno: billId,
      mdtrt_id: mdtrtId,
      ipt_otp_no: `MZ${billId}`.slice(0, 30),
      dept_code: '0301',
      caty: 'A03',
      atddr_no: 'D0001',
      dr_name: 'Bench',
    });
    visits.insertUpload({
      chrg_bchno: billId,
      mdtrt_id: mdtrtId,
      uploaded_by: 'hospital',
      detail_json: '',
      result_json: '',
      at: begntime,
    });
  })();
}

/** When the session entered each state of one payment (performance.now() ms). */
export type Timeline = { kind: SessionState['kind']; at: number }[];

export interface DrivenPayment {
  timeline: Timeline;
  /** First step (button press or scan) to the end of the receipt's bytes ('done'). */
  startedAt: number;
  doneAt: number;
  /** When the simulated phone paid (phone payments only). */
  phonePaidAt?: number;
  cashCents: number;
}

/** The session's state now (a call, so a check made earlier does not narrow it). */
const stateOf = (host: KioskHost): SessionState => host.session.current;

/** Resolves with the view once the session is in `kind`; rejects on `error` or after timeoutMs. */
export function untilState(
  host: KioskHost,
  kind: SessionState['kind'],
  timeoutMs = 20_000,
): Promise<SessionView> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(
        new Error(`no ${kind} state within ${timeoutMs} ms (in ${host.session.current.kind})`),
      );
    }, timeoutMs);
    const check = (view: SessionView) => {
      const now = host.session.current;
      if (now.kind !== kind && now.kind !== 'error') return;
      clearTimeout(timer);
      off();
      if (now.kind === 'error') reject(new Error(`payment failed: ${now.error}`));
      else resolve(view);
    };
    const off = host.session.onView(check);
    check(host.session.view());
  });
}

/**
 * One payment from the home screen back to it. The patient identifies by face (the camera must
 * show them) or by holding their e-voucher to the scanner, picks the one bill, confirms, and,
 * when there is a cash part, pays it by phone: `payPhone` is called once the payment QR is up
 * and should make the simulated phone pay (at once, or after the kiosk's first poll).
 */
export async function drivePayment(
  host: KioskHost,
  o: {
    route: 'face' | 'voucher';
    payer: Payer;
    billId: string;
    payPhone?: (orderNo: string) => Promise<void> | void;
    timeoutMs?: number;
  },
): Promise<DrivenPayment> {
  const { session } = host;
  const sims = host.simulators;
  if (!sims?.scanner) throw new Error('drivePayment needs simulator mode with a simulated scanner');
  if (session.current.kind !== 'home') throw new Error(`not at home: ${session.current.kind}`);
  const timeline: Timeline = [];
  const off = session.onView(() => {
    const kind = session.current.kind;
    if (timeline.at(-1)?.kind !== kind) timeline.push({ kind, at: performance.now() });
  });
  const wait = (kind: SessionState['kind']) => untilState(host, kind, o.timeoutMs);
  let phonePaidAt: number | undefined;
  try {
    const startedAt = performance.now();
    if (o.route === 'face') {
      session.payWithFace();
      session.answerConsent(true);
    } else {
      const outcome = sims.scanner.inject(o.payer.voucher);
      if (outcome !== 'delivered') throw new Error(`scanner: ${outcome}`);
    }
    await wait('bills');
    session.selectBill(o.billId);
    await wait('review');
    const review = stateOf(host);
    const cashCents = review.kind === 'review' ? review.preview.split.cash : 0;
    session.confirmPayment();
    if (cashCents > 0) {
      if (!o.payPhone) throw new Error('this bill has a cash part and no phone pays it');
      await wait('choose-cash');
      session.chooseCashMethod('mobile');
      await wait('paying-cash');
      const paying = stateOf(host);
      if (paying.kind !== 'paying-cash') throw new Error('no payment order');
      await o.payPhone(paying.order.orderNo);
      phonePaidAt = performance.now();
    }
    await wait('done');
    const doneAt = performance.now();
    session.finish();
    await session.idle();
    return {
      timeline,
      startedAt,
      doneAt,
      cashCents,
      ...(phonePaidAt !== undefined ? { phonePaidAt } : {}),
    };
  } finally {
    off();
  }
}
