/**
 * Runs the patient's session: turns KioskApi calls into state-machine events and performs the
 * side effects through ports (face, gateway, printer), so this logic runs unchanged with real
 * devices, simulators, or test doubles of the ports.
 */
import type {
  Bill,
  CashMethod,
  Clock,
  PaymentStart,
  Language,
  Patient,
  PreSettlement,
  ReceiptData,
  Settlement,
} from './domain.ts';
import { KioskError, toKioskError } from './errors.ts';
import {
  KioskCallError,
  type FaceHint,
  type KioskInfo,
  type Notice,
  type SessionView,
} from './kiosk-api.ts';
import {
  type BindRequest,
  type BindResult,
  type BindingQuota,
  type DocumentType,
  type FamilyMember,
  type FamilyOverview,
  type FamilyRelation,
  FamilyRefusalError,
  canPayForMember,
  verificationNeeded,
} from './family.ts';
import { endsWith4, isValidIdNumber } from './id-number.ts';
import { classifyScanCode } from './scan-code.ts';
import { maskIdNumber, maskName } from './masking.ts';
import {
  type BillsState,
  type KioskFamilyRefusal,
  type SessionEvent,
  type SessionState,
  InvalidTransition,
  isCommitting,
  toView,
  transition,
} from './session.ts';

export type FaceIdentifyResult =
  | { kind: 'match'; idNumber: string }
  | { kind: 'no-match' }
  /** Close to several people: their ID numbers, for the second factor (never shown). */
  | { kind: 'uncertain'; candidates: string[] };

export interface FaceIdentificationPort {
  identify(options: {
    signal: AbortSignal;
    onHint: (hint: FaceHint) => void;
  }): Promise<FaceIdentifyResult>;
  /** 1:1: is the person in front of the camera the one with this ID number? */
  verify(
    idNumber: string,
    options: { signal: AbortSignal; onHint: (hint: FaceHint) => void },
  ): Promise<'match' | 'no-match' | 'not-enrolled'>;
}

export interface SettlementPort {
  findPatient(idNumber: string): Promise<Patient>;
  /** 1101 with the e-voucher QR token (mdtrt_cert_type 01). */
  findPatientByVoucher(token: string): Promise<Patient>;
  /** Pays a pending cash order with a merchant-scanned wallet code (K205). */
  payWithWalletCode(paymentId: string, code: string): Promise<void>;
  unpaidBills(patient: Patient): Promise<Bill[]>;
  /** 2206, plus the patient's credit offer when they have one; the account may be left out. */
  preSettle(
    patient: Patient,
    bill: Bill,
    options?: { useAccount?: boolean },
  ): Promise<PreSettlement>;
  /** Journals the payment and opens the cash collection (no cash: nothing to open). */
  beginPayment(
    patient: Patient,
    bill: Bill,
    preview: PreSettlement,
    method: CashMethod,
    walletCode?: string,
  ): Promise<PaymentStart>;
  waitForCash(paymentId: string, signal: AbortSignal): Promise<'paid' | 'expired' | 'cancelled'>;
  /** 2207 with the journalled msgid, once the cash is in. */
  completePayment(paymentId: string): Promise<Settlement>;
  /** The session ended before settling: cancel the cash order, refunding it if it was paid. */
  abandonPayment(paymentId: string): Promise<void>;
}

/** Family accounts (the gateway is authoritative; the kiosk pre-checks to explain refusals). */
export interface FamilyPort {
  familyMembers(patient: Patient): Promise<FamilyOverview>;
  bindingQuota(patient: Patient): Promise<BindingQuota>;
  memberBills(member: FamilyMember): Promise<Bill[]>;
  bindMember(payer: Patient, request: BindRequest): Promise<BindResult>;
  unbindMember(patient: Patient, bindingId: string): Promise<unknown>;
  preSettleForMember(payer: Patient, member: FamilyMember, bill: Bill): Promise<PreSettlement>;
  beginPaymentForMember(
    payer: Patient,
    member: FamilyMember,
    bill: Bill,
    preview: PreSettlement,
    method: CashMethod,
    walletCode?: string,
  ): Promise<PaymentStart>;
}

export interface ReceiptPort {
  print(receipt: ReceiptData): Promise<{ printed: boolean; problem?: string }>;
}

/** Structured log sink. Only codes and ids go here: never names, ID numbers or face data. */
export type LogFn = (event: string, fields?: Record<string, string | number | boolean>) => void;

export interface SessionControllerOptions {
  face: FaceIdentificationPort;
  settlement: SettlementPort;
  receipts: ReceiptPort;
  clock: Clock;
  log: LogFn;
  info: Omit<KioskInfo, 'language'>;
  eReceiptBaseUrl: string;
  language?: Language;
  family?: FamilyPort;
  /** The hospital's time zone: ages and months for the family rules are counted in it. */
  timeZone?: string;
  /** Staff confirmation for binding a minor: true when the PIN is a staff PIN. */
  staffPin?: (pin: string) => boolean;
  /** Timers for the inactivity reset; tests inject their own. */
  timers?: { set(fn: () => void, ms: number): unknown; clear(handle: unknown): void };
  /** Notifies staff (a pager, the nurses' station); the log entry is written either way. */
  onStaffCalled?: () => void;
}

const defaultTimers = {
  set: (fn: () => void, ms: number): unknown => setTimeout(fn, ms),
  clear: (handle: unknown) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class SessionController {
  private state: SessionState = { kind: 'home' };
  private generation = 0;
  private abort: AbortController | undefined;
  private readonly listeners = new Set<(view: SessionView) => void>();
  private readonly noticeListeners = new Set<(notice: Notice) => void>();
  private language: Language;
  private running: Promise<void> = Promise.resolve();
  private idleTimer: unknown;
  /** This session's patient agreed to face processing; forgotten when the session ends. */
  private faceConsent = false;

  constructor(private readonly deps: SessionControllerOptions) {
    this.language = deps.language ?? 'zh-CN';
  }

  get current(): SessionState {
    return this.state;
  }

  info(): KioskInfo {
    return { ...this.deps.info, language: this.language };
  }

  view(): SessionView {
    return toView(this.state);
  }

  setLanguage(language: Language): void {
    this.language = language;
  }

  onView(listener: (view: SessionView) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onNotice(listener: (notice: Notice) => void): () => void {
    this.noticeListeners.add(listener);
    return () => this.noticeListeners.delete(listener);
  }

  private notify(notice: Notice['notice']): void {
    for (const listener of this.noticeListeners) listener({ notice });
  }

  /** The scanner's device status changed: patients are told when it goes and comes back. */
  scannerStatus(ready: boolean): void {
    this.notify(ready ? 'scanner-back' : 'scanner-unplugged');
  }

  /**
   * A code read by the scanner. What it is decides what it may do, and only on the screens
   * where that makes sense: an e-voucher identifies the patient at the start; a wallet code pays
   * the cash part. Anything else changes nothing and the patient is told in plain words.
   */
  scan(raw: string): void {
    const code = classifyScanCode(raw);
    this.deps.log('scan', {
      kind: code.kind,
      ...(code.kind === 'unknown' ? { reason: code.reason } : {}),
    });
    const state = this.state;
    if (code.kind === 'e-voucher') {
      if (
        state.kind !== 'home' &&
        state.kind !== 'not-recognised' &&
        state.kind !== 'identifying'
      ) {
        this.notify('scan-not-now');
        return;
      }
      this.generation++;
      this.abort?.abort(); // a face search in progress gives way to the voucher
      this.setState(transition(this.state, { type: 'start-voucher' }));
      const gen = this.generation;
      this.background(gen, async () => {
        let patient: Patient;
        try {
          patient = await this.deps.settlement.findPatientByVoucher(code.token);
        } catch (error) {
          if (error instanceof KioskError && error.code === 'gateway-rejected') {
            throw new KioskError('voucher-refused', 'the gateway refused the e-voucher', {
              cause: error,
            });
          }
          throw error;
        }
        this.apply(gen, { type: 'identified', patient });
        await this.loadBills(gen, patient);
      });
      return;
    }
    if (code.kind === 'wallet') {
      if (state.kind === 'choose-cash') {
        this.setState(transition(state, { type: 'choose-cash', method: 'wallet-code' }));
        this.startPayment('wallet-code', code.code);
      } else if (state.kind === 'paying-cash') {
        const gen = this.generation;
        const paymentId = state.paymentId;
        this.running = this.deps.settlement
          .payWithWalletCode(paymentId, code.code)
          .catch((error: unknown) => {
            if (gen === this.generation)
              this.deps.log('payment.wallet-code-failed', { code: toKioskError(error).code });
          });
      } else this.notify('scan-wallet-not-now');
      return;
    }
    this.notify('scan-unknown');
  }

  /** The patient's bills, with their family members and binding quota when family is on. */
  private async loadBills(gen: number, patient: Patient): Promise<void> {
    const bills = await this.deps.settlement.unpaidBills(patient);
    const family = await this.loadFamily(patient);
    this.apply(gen, { type: 'bills-loaded', bills, ...family });
  }

  private async loadFamily(
    patient: Patient,
  ): Promise<{ family?: FamilyOverview; quota?: BindingQuota }> {
    if (!this.deps.family) return {};
    try {
      const [family, quota] = await Promise.all([
        this.deps.family.familyMembers(patient),
        this.deps.family.bindingQuota(patient),
      ]);
      return { family, quota };
    } catch (error) {
      // The patient can still pay their own bills; the family section is left out.
      this.deps.log('family.load-failed', { code: toKioskError(error).code });
      return {};
    }
  }

  openMember(bindingId: string): void {
    this.command({ type: 'open-member', bindingId });
    const state = this.state;
    if (state.kind !== 'loading-member' || !this.deps.family) return;
    const gen = this.generation;
    this.background(gen, async () => {
      const bills = await this.deps.family!.memberBills(state.member);
      this.apply(gen, { type: 'member-bills-loaded', bills });
    });
  }

  backToBills(): void {
    this.command({ type: 'back-to-bills' });
  }

  startBind(): void {
    this.command({ type: 'start-bind' });
  }

  /** The member's ID number: checked here, and the family rules the kiosk can see are applied. */
  submitBindId(raw: string): { accepted: boolean } {
    const state = this.state;
    if (state.kind !== 'bind-id') throw new KioskCallError('not on the binding screen');
    const id = raw.toUpperCase();
    if (!isValidIdNumber(id)) return { accepted: false };
    const refuse = (rule: KioskFamilyRefusal['rule'], resetsOn?: string) =>
      this.setState(
        transition(state, {
          type: 'family-refused',
          refusal: { rule, ...(resetsOn ? { resetsOn } : {}) },
        }),
      );
    if (id === state.back.patient.idNumber.toUpperCase()) {
      refuse('self-binding');
    } else if (state.back.quota && state.back.quota.remaining === 0) {
      refuse('payer-monthly-limit', state.back.quota.resetsOn);
    } else {
      const birth = `${id.slice(6, 10)}-${id.slice(10, 12)}-${id.slice(12, 14)}`;
      const verification = verificationNeeded(
        birth,
        this.deps.clock.now(),
        this.deps.timeZone ?? 'Asia/Shanghai',
      );
      this.command({ type: 'bind-id-entered', memberIdNumber: id, verification });
    }
    return { accepted: true };
  }

  chooseRelation(relation: FamilyRelation): void {
    this.command({ type: 'bind-relation', relation });
    const state = this.state;
    if (state.kind !== 'bind-face') return;
    const gen = ++this.generation;
    this.abort = new AbortController();
    const signal = this.abort.signal;
    this.background(gen, async () => {
      // 16 or over: the member is verified 1:1 by face, here and now.
      const outcome = await this.deps.face.verify(state.memberIdNumber, {
        signal,
        onHint: (hint) => {
          if (
            gen === this.generation &&
            this.state.kind === 'bind-face' &&
            this.state.hint !== hint
          ) {
            this.apply(gen, { type: 'face-hint', hint });
          }
        },
      });
      this.deps.log('family.bind-face', { result: outcome });
      if (outcome !== 'match') {
        this.apply(gen, {
          type: 'family-refused',
          refusal: { rule: outcome === 'not-enrolled' ? 'not-enrolled' : 'face-not-verified' },
        });
        return;
      }
      this.apply(gen, { type: 'bind-verified' });
      await this.bind(gen, state.back, {
        memberIdNumber: state.memberIdNumber,
        relation: state.relation,
        verification: { method: 'face', verified: true },
      });
    });
  }

  /** Under 16: staff check the documents and confirm with their PIN on the kiosk. */
  submitBindDocument(doc: {
    documentType: DocumentType;
    documentNumber: string;
    staffPin: string;
  }): {
    accepted: boolean;
  } {
    const state = this.state;
    if (state.kind !== 'bind-document') throw new KioskCallError('not on the document screen');
    if (!this.deps.staffPin?.(doc.staffPin)) {
      this.deps.log('family.staff-pin-refused', {});
      return { accepted: false };
    }
    this.command({ type: 'bind-verified' });
    const gen = this.generation;
    this.background(gen, () =>
      this.bind(gen, state.back, {
        memberIdNumber: state.memberIdNumber,
        relation: state.relation,
        verification: {
          method: 'document',
          documentType: doc.documentType,
          documentNumber: doc.documentNumber,
          staffId: `${this.deps.info.kioskId}-STAFF`,
        },
      }),
    );
    return { accepted: true };
  }

  private async bind(gen: number, back: BillsState, request: BindRequest): Promise<void> {
    try {
      const result = await this.deps.family!.bindMember(back.patient, request);
      const family = await this.deps.family!.familyMembers(back.patient);
      this.deps.log('family.bound', { bindingId: result.bindingId });
      this.apply(gen, {
        type: 'bound',
        memberName: maskName(result.member.name),
        family,
        quota: result.quota,
      });
    } catch (error) {
      const refusal = error instanceof FamilyRefusalError ? error.refusal : undefined;
      if (!refusal) throw error;
      this.apply(gen, { type: 'family-refused', refusal });
    }
  }

  startUnbind(bindingId: string): void {
    this.command({ type: 'start-unbind', bindingId });
  }

  confirmUnbind(): void {
    const state = this.state;
    if (state.kind !== 'unbind-confirm' || !this.deps.family)
      throw new KioskCallError('nothing to unbind');
    const gen = this.generation;
    this.setState({ kind: 'binding', back: state.back });
    this.background(gen, async () => {
      await this.deps.family!.unbindMember(state.back.patient, state.link.bindingId);
      this.deps.log('family.unbound', { bindingId: state.link.bindingId, side: state.side });
      const { family, quota } = await this.loadFamily(state.back.patient);
      if (family && quota) this.apply(gen, { type: 'family-reloaded', family, quota });
      else this.apply(gen, { type: 'back-to-bills' });
    });
  }

  /** Resolves when the background work started by the last call has finished (for tests). */
  idle(): Promise<void> {
    return this.running;
  }

  /** Face first asks for consent; the face search starts only once the patient agrees. */
  payWithFace(): void {
    if (this.faceConsent) {
      // "Try again" in the same session: the patient has just agreed.
      this.command({ type: 'start-face' });
      this.startFaceSearch();
      return;
    }
    this.command({ type: 'ask-consent', route: 'face' });
  }

  answerConsent(agreed: boolean): void {
    const state = this.state;
    if (state.kind !== 'consent') throw new KioskCallError('no consent is being asked');
    // Recorded without any personal data: who agreed is not known yet, only that someone did.
    this.deps.log('face.consent', { agreed, route: state.route });
    this.command({ type: 'consent', agreed });
    this.faceConsent = agreed;
    if (agreed && state.route === 'face') this.startFaceSearch();
  }

  private startFaceSearch(): void {
    const gen = ++this.generation;
    this.abort = new AbortController();
    this.background(gen, () => this.identify(gen, this.abort!.signal));
  }

  payWithIdNumber(): void {
    this.command({ type: 'ask-consent', route: 'id' });
  }

  /** The keyed-in ID number, then a 1:1 face check against that person's template. */
  submitIdNumber(raw: string): { accepted: boolean } {
    if (this.state.kind !== 'id-entry') throw new KioskCallError('not on the ID number screen');
    const idNumber = raw.toUpperCase();
    if (!isValidIdNumber(idNumber)) return { accepted: false };
    this.command({ type: 'id-entered' });
    const gen = ++this.generation;
    this.abort = new AbortController();
    const signal = this.abort.signal;
    this.background(gen, async () => {
      const outcome = await this.deps.face.verify(idNumber, {
        signal,
        onHint: (hint) => {
          if (
            gen === this.generation &&
            this.state.kind === 'verifying' &&
            this.state.hint !== hint
          ) {
            this.apply(gen, { type: 'face-hint', hint });
          }
        },
      });
      this.deps.log('face.verify', { result: outcome });
      if (outcome !== 'match') {
        this.apply(gen, { type: 'not-recognised' });
        return;
      }
      const patient = await this.deps.settlement.findPatient(idNumber);
      this.apply(gen, { type: 'identified', patient });
      await this.loadBills(gen, patient);
    });
    return { accepted: true };
  }

  /** One try: the last 4 characters must single out exactly one of the look-alikes. */
  submitSecondFactor(last4: string): void {
    const state = this.state;
    if (state.kind !== 'second-factor') throw new KioskCallError('not on the second-factor screen');
    const matches = state.candidates.filter((id) => endsWith4(id, last4));
    this.deps.log('face.second-factor', { matched: matches.length === 1 });
    this.command({ type: 'second-factor-entered' });
    const gen = this.generation;
    if (matches.length !== 1) {
      this.apply(gen, { type: 'not-recognised' });
      return;
    }
    this.background(gen, async () => {
      const patient = await this.deps.settlement.findPatient(matches[0]!);
      this.apply(gen, { type: 'identified', patient });
      await this.loadBills(gen, patient);
    });
  }

  selectBill(billId: string): void {
    const before = this.state;
    if (before.kind === 'member-bills') {
      const bill = before.bills.find((b) => b.id === billId);
      const check = bill ? canPayForMember(bill.category) : undefined;
      if (check && !check.ok) {
        // Chronic, maternity and work-injury bills: the family account may not pay; say why.
        this.setState(
          transition(before, { type: 'family-refused', refusal: { rule: check.rule } }),
        );
        return;
      }
    }
    this.command({ type: 'select-bill', billId });
    const gen = this.generation;
    const state = this.state;
    if (state.kind !== 'pre-settling') return;
    this.background(gen, async () => {
      const preview =
        state.member && this.deps.family
          ? await this.deps.family.preSettleForMember(state.patient, state.member, state.bill)
          : await this.deps.settlement.preSettle(state.patient, state.bill);
      this.apply(gen, { type: 'preview-ready', preview });
    });
  }

  /** On the review screen: pay with or without the personal account (a new 2206 either way). */
  setUseAccount(useAccount: boolean): void {
    const state = this.state;
    if (state.kind !== 'review' || state.member)
      throw new KioskCallError('not on the review screen');
    this.command({ type: 'select-bill', billId: state.bill.id });
    const gen = this.generation;
    const next = this.state;
    if (next.kind !== 'pre-settling') return;
    this.background(gen, async () => {
      const preview = await this.deps.settlement.preSettle(next.patient, next.bill, { useAccount });
      this.apply(gen, { type: 'preview-ready', preview });
    });
  }

  confirmPayment(): void {
    this.command({ type: 'confirm' });
    if (this.state.kind === 'settling') this.startPayment('none');
  }

  chooseCashMethod(method: 'mobile' | 'credit'): void {
    this.command({ type: 'choose-cash', method });
    this.startPayment(method);
  }

  /** Opens the cash collection (if any), waits for it, then settles and prints. */
  private startPayment(method: CashMethod, walletCode?: string): void {
    const gen = this.generation;
    const state = this.state;
    if (state.kind !== 'settling' && state.kind !== 'opening-cash') return;
    const { patient, bill, preview, member } = state;
    this.abort = new AbortController();
    const signal = this.abort.signal;
    this.background(gen, async () => {
      const start =
        member && this.deps.family
          ? await this.deps.family.beginPaymentForMember(
              patient,
              member,
              bill,
              preview,
              method,
              walletCode,
            )
          : await this.deps.settlement.beginPayment(patient, bill, preview, method, walletCode);
      if (start.cash === 'pending') {
        this.apply(gen, {
          type: 'cash-opened',
          paymentId: start.paymentId,
          paid: false,
          ...(start.order ? { order: start.order } : {}),
        });
        const outcome = await this.deps.settlement.waitForCash(start.paymentId, signal);
        if (gen !== this.generation) return; // cancelled: cancel() already abandoned the payment
        if (outcome !== 'paid') {
          await this.deps.settlement.abandonPayment(start.paymentId);
          throw new KioskError('payment-expired', `cash part ${outcome}`);
        }
        this.apply(gen, { type: 'cash-paid' });
      } else if (this.state.kind === 'opening-cash') {
        this.apply(gen, { type: 'cash-opened', paymentId: start.paymentId, paid: true });
      }
      const settlement = await this.deps.settlement.completePayment(start.paymentId);
      this.deps.log('settlement.settled', {
        settlementId: settlement.settlementId,
        billId: settlement.billId,
        method,
      });
      this.apply(gen, { type: 'settled', settlement });
      await this.printReceipt(gen, patient, bill, settlement, method);
    });
  }

  private async printReceipt(
    gen: number,
    patient: Patient,
    bill: Bill,
    settlement: Settlement,
    method: CashMethod,
  ): Promise<void> {
    const eReceiptUrl = `${this.deps.eReceiptBaseUrl}${encodeURIComponent(settlement.settlementId)}`;
    const state = this.state;
    let printed = false;
    try {
      const outcome = await this.deps.receipts.print({
        hospitalName: this.deps.info.hospitalName,
        kioskId: this.deps.info.kioskId,
        printedAt: this.deps.clock.now().toISOString(),
        language: this.language,
        patientName: maskName(patient.name),
        patientIdNumber: maskIdNumber(patient.idNumber),
        bill,
        settlement,
        paymentMethod: method === 'none' ? 'insurance-only' : method,
        ...(state.kind === 'printing' && state.repayDate ? { repayDate: state.repayDate } : {}),
        eReceiptUrl,
      });
      printed = outcome.printed;
      if (!printed) {
        this.deps.log('receipt.not-printed', {
          settlementId: settlement.settlementId,
          problem: outcome.problem ?? 'unknown',
        });
      }
    } catch (error) {
      // The settlement stands whatever the printer does; the patient gets the e-receipt QR.
      this.deps.log('receipt.failed', {
        settlementId: settlement.settlementId,
        error: toKioskError(error).code,
      });
    }
    this.apply(gen, { type: 'printed', printed, eReceiptUrl });
  }

  cancel(): void {
    if (isCommitting(this.state))
      throw new KioskCallError('a payment is being completed and cannot be cancelled now');
    this.generation++;
    this.abort?.abort();
    const payment = this.state.kind === 'paying-cash' ? this.state.paymentId : undefined;
    this.command({ type: 'cancel' });
    if (payment) {
      // Cancel the unpaid order; a payment that lands anyway is refunded (and recovery retries).
      this.running = this.deps.settlement.abandonPayment(payment).catch((error: unknown) => {
        this.deps.log('payment.abandon-failed', { code: toKioskError(error).code });
      });
    }
  }

  finish(): void {
    this.command({ type: 'finish' });
  }

  /** The patient is still there (a tap on the inactivity warning, or anywhere). */
  stillHere(): void {
    this.armInactivity();
  }

  /**
   * The host's own inactivity reset, a little after the renderer's warning has run out, so a
   * session is reset even if the screen is gone. Unpaid work is cancelled safely (a pending cash
   * order is abandoned and refunded if paid); a settlement in flight is never interrupted.
   */
  private armInactivity(): void {
    const timers = this.deps.timers ?? defaultTimers;
    if (this.idleTimer !== undefined) timers.clear(this.idleTimer);
    this.idleTimer = undefined;
    const kind = this.state.kind;
    if (kind === 'home' || isCommitting(this.state)) return;
    const { warnAfterSeconds, countdownSeconds } = this.deps.info.inactivity;
    this.idleTimer = timers.set(
      () => this.expire(),
      (warnAfterSeconds + countdownSeconds + 2) * 1000,
    );
  }

  private expire(): void {
    this.idleTimer = undefined;
    const kind = this.state.kind;
    if (kind === 'home' || isCommitting(this.state)) return;
    this.deps.log('session.inactive-reset', { screen: kind });
    if (kind === 'done' || kind === 'error' || kind === 'not-recognised') this.finish();
    else this.cancel();
  }

  /** Help is always available: it changes nothing in the session, it only calls someone. */
  callStaff(): void {
    this.deps.log('staff.called', { screen: this.state.kind, kioskId: this.deps.info.kioskId });
    this.deps.onStaffCalled?.();
  }

  private async identify(gen: number, signal: AbortSignal): Promise<void> {
    const result = await this.deps.face.identify({
      signal,
      onHint: (hint) => {
        if (
          gen === this.generation &&
          this.state.kind === 'identifying' &&
          this.state.hint !== hint
        ) {
          this.apply(gen, { type: 'face-hint', hint });
        }
      },
    });
    this.deps.log('face.identify', { result: result.kind });
    if (result.kind === 'uncertain' && result.candidates.length >= 2) {
      // Never guess between look-alikes: ask for the last 4 characters of the ID number.
      this.apply(gen, { type: 'uncertain', candidates: result.candidates });
      return;
    }
    if (result.kind !== 'match') {
      this.apply(gen, { type: 'not-recognised' });
      return;
    }
    const patient = await this.deps.settlement.findPatient(result.idNumber);
    this.apply(gen, { type: 'identified', patient });
    await this.loadBills(gen, patient);
  }

  /** A call from the renderer: an event that is not allowed now is refused, changing nothing. */
  private command(event: SessionEvent): void {
    try {
      this.setState(transition(this.state, event));
    } catch (error) {
      if (error instanceof InvalidTransition) throw new KioskCallError(error.message);
      throw error;
    }
  }

  /** A result of background work: dropped if its session was cancelled meanwhile. */
  private apply(gen: number, event: SessionEvent): void {
    if (gen !== this.generation) return;
    try {
      this.setState(transition(this.state, event));
    } catch (error) {
      if (!(error instanceof InvalidTransition)) throw error;
      this.deps.log('session.ignored-event', { event: event.type, state: this.state.kind });
    }
  }

  private background(gen: number, work: () => Promise<void>): void {
    this.running = work().catch((error: unknown) => {
      if (gen !== this.generation) return;
      const kioskError = toKioskError(error);
      this.deps.log('session.failed', { code: kioskError.code, state: this.state.kind });
      if (this.state.kind !== 'home') this.apply(gen, { type: 'failed', error: kioskError.code });
    });
  }

  private setState(next: SessionState): void {
    this.state = next;
    if (next.kind === 'home') this.faceConsent = false;
    this.armInactivity();
    const view = toView(next);
    for (const listener of this.listeners) listener(view);
  }
}
