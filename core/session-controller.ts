/**
 * Runs the patient's session. Commands from the KioskApi become state-machine events; each state
 * that needs work names it in the on-enter table (flows/on-enter.ts), and the work lives in the flows (identify,
 * payment, family). Every change of state goes through `transition`, so the same logic runs with
 * real devices, simulators, or test doubles of the ports.
 */
import type { Language } from './domain.ts';
import { toKioskError } from './errors.ts';
import { canPayForMember } from './family.ts';
import { bindDocumentEvent, bindIdEvent } from './flows/family.ts';
import type { Flow } from './flows/flow.ts';
import { secondFactorMatch } from './flows/identify.ts';
import { workOnEntering } from './flows/on-enter.ts';
import { releaseIfLeftUnpaid } from './flows/payment.ts';
import { isValidIdNumber } from './id-number.ts';
import {
  KioskCallError,
  type KioskInfo,
  type Notice,
  type SessionView,
  type StaffCallOutcome,
} from './kiosk-api.ts';
import { createListenerMap } from './listener-map.ts';
import type { SessionControllerOptions } from './ports.ts';
import { classifyScanCode } from './scan-code.ts';
import {
  type SessionEvent,
  type SessionState,
  InvalidTransition,
  isCommitting,
} from './session-state.ts';
import { transition } from './session-transition.ts';
import { toView } from './session-view.ts';
import type { ChosenCashMethod, DocumentType, FaceHint, FamilyRelation } from './vocabulary.ts';

type Kind = SessionState['kind'];

/** Screens that show the camera and its hint. */
const cameraStates: ReadonlySet<Kind> = new Set(['identifying', 'verifying', 'bind-face']);

const defaultTimers = {
  set: (fn: () => void, ms: number): unknown => setTimeout(fn, ms),
  clear: (handle: unknown) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class SessionController {
  private state: SessionState = { kind: 'home' };
  /** Bumped whenever work starts or the patient cancels: results of older work are dropped. */
  private generation = 0;
  private abort: AbortController | undefined;
  private readonly events = createListenerMap<{ view: SessionView; notice: Notice }>();
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

  // ---- queries and subscriptions

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
    return this.events.on('view', listener);
  }

  onNotice(listener: (notice: Notice) => void): () => void {
    return this.events.on('notice', listener);
  }

  /** Resolves once the work started so far, and the work it led to, has finished (for tests). */
  async idle(): Promise<void> {
    for (;;) {
      const running = this.running;
      await running;
      if (running === this.running) return;
    }
  }

  // ---- devices

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
    const kind = this.state.kind;
    if (code.kind === 'e-voucher') {
      // A face search in progress gives way to the voucher; so do the screens that offer it
      // instead of the face (not recognised, a camera that does not work).
      try {
        this.command({ type: 'start-voucher', token: code.token });
      } catch (error) {
        if (!(error instanceof KioskCallError)) throw error;
        this.notify('scan-not-now');
      }
    } else if (code.kind === 'wallet') {
      if (kind === 'choose-cash')
        this.command({ type: 'choose-cash', method: 'wallet-code', walletCode: code.code });
      else if (this.state.kind === 'paying-cash') this.payPendingWithWalletCode(code.code);
      else this.notify('scan-wallet-not-now');
    } else {
      this.notify('scan-unknown');
    }
  }

  private payPendingWithWalletCode(code: string): void {
    if (this.state.kind !== 'paying-cash') return;
    const gen = this.generation;
    this.running = this.deps.settlement
      .payWithWalletCode(this.state.paymentId, code)
      .catch((error: unknown) => {
        if (gen === this.generation)
          this.deps.log('payment.wallet-code-failed', { code: toKioskError(error).code });
      });
  }

  // ---- identification

  /** Face first asks for consent; the face search starts only once the patient agrees. */
  payWithFace(): void {
    // "Try again" in the same session: the patient has just agreed.
    if (this.faceConsent) this.command({ type: 'start-face' });
    else this.command({ type: 'ask-consent', route: 'face' });
  }

  /** The ID number, then a face check: the same consent, asked once a session. */
  payWithIdNumber(): void {
    // From "not recognised", the patient has just agreed: straight to the keypad.
    if (this.faceConsent) this.command({ type: 'start-id-entry' });
    else this.command({ type: 'ask-consent', route: 'id' });
  }

  answerConsent(agreed: boolean): void {
    const state = this.state;
    if (state.kind !== 'consent') throw new KioskCallError('no consent is being asked');
    // Recorded without any personal data: who agreed is not known yet, only that someone did.
    this.deps.log('face.consent', { agreed, route: state.route });
    this.faceConsent = agreed;
    this.command({ type: 'consent', agreed });
  }

  /** The keyed-in ID number, then a 1:1 face check against that person's template. */
  submitIdNumber(raw: string): { accepted: boolean } {
    if (this.state.kind !== 'id-entry') throw new KioskCallError('not on the ID number screen');
    const idNumber = raw.toUpperCase();
    if (!isValidIdNumber(idNumber)) return { accepted: false };
    this.command({ type: 'id-entered', idNumber });
    return { accepted: true };
  }

  /** One try: the last 4 characters must single out exactly one of the look-alikes. */
  submitSecondFactor(last4: string): void {
    const state = this.state;
    if (state.kind !== 'second-factor') throw new KioskCallError('not on the second-factor screen');
    const idNumber = secondFactorMatch(state.candidates, last4);
    this.deps.log('face.second-factor', { matched: idNumber !== undefined });
    this.command(idNumber ? { type: 'matched', idNumber } : { type: 'not-recognised' });
  }

  // ---- bills and payment

  selectBill(billId: string): void {
    const state = this.state;
    if (state.kind === 'member-bills') {
      const bill = state.bills.find((b) => b.id === billId);
      const check = bill ? canPayForMember(bill.category) : undefined;
      if (check && !check.ok) {
        // Chronic, maternity and work-injury bills: the family account may not pay; say why.
        this.command({ type: 'family-refused', refusal: { rule: check.rule } });
        return;
      }
    }
    this.command({ type: 'select-bill', billId });
  }

  /** On the review screen: pay with or without the personal account (a new 2206 either way). */
  setUseAccount(useAccount: boolean): void {
    const state = this.state;
    if (state.kind !== 'review' || state.member)
      throw new KioskCallError('not on the review screen');
    this.command({ type: 'select-bill', billId: state.bill.id, useAccount });
  }

  confirmPayment(): void {
    this.command({ type: 'confirm' });
  }

  chooseCashMethod(method: ChosenCashMethod): void {
    this.command({ type: 'choose-cash', method });
  }

  // ---- family

  openMember(bindingId: string): void {
    this.command({ type: 'open-member', bindingId });
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
    const event = bindIdEvent(this.deps, state, raw.toUpperCase());
    if (!event) return { accepted: false };
    this.command(event);
    return { accepted: true };
  }

  chooseRelation(relation: FamilyRelation): void {
    this.command({ type: 'bind-relation', relation });
  }

  /** Under 16: staff check the documents and confirm with their PIN on the kiosk. */
  submitBindDocument(doc: {
    documentType: DocumentType;
    documentNumber: string;
    staffPin: string;
  }): { accepted: boolean } {
    const state = this.state;
    if (state.kind !== 'bind-document') throw new KioskCallError('not on the document screen');
    const event = bindDocumentEvent(this.deps, state, doc);
    if (!event) return { accepted: false };
    this.command(event);
    return { accepted: true };
  }

  startUnbind(bindingId: string): void {
    this.command({ type: 'start-unbind', bindingId });
  }

  confirmUnbind(): void {
    if (this.state.kind !== 'unbind-confirm' || !this.deps.family)
      throw new KioskCallError('nothing to unbind');
    this.command({ type: 'confirm-unbind' });
  }

  // ---- leaving, inactivity and help

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

  /** Help is always available: it changes nothing in the session, it only calls someone. */
  async callStaff(): Promise<{ outcome: StaffCallOutcome }> {
    const screen = this.state.kind;
    this.deps.log('staff.called', { screen, kioskId: this.deps.info.kioskId });
    const notify = this.deps.onStaffCalled;
    // A notifier that fails says nothing was sent: the patient is not told help is coming.
    const outcome = notify
      ? await notify(screen).catch((): StaffCallOutcome => 'not-connected')
      : 'not-connected';
    return { outcome };
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
    if (this.state.kind === 'home' || isCommitting(this.state)) return;
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

  // ---- applying events

  private notify(notice: Notice['notice']): void {
    this.events.emit('notice', { notice });
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

  /** A result of background work: dropped if its session moved on meanwhile. */
  private apply(gen: number, event: SessionEvent): void {
    if (gen !== this.generation) return;
    try {
      this.setState(transition(this.state, event));
    } catch (error) {
      if (!(error instanceof InvalidTransition)) throw error;
      this.deps.log('session.ignored-event', { event: event.type, state: this.state.kind });
    }
  }

  private setState(next: SessionState): void {
    const previous = this.state;
    this.state = next;
    if (next.kind === 'home') this.faceConsent = false;
    this.armInactivity();
    this.events.emit('view', toView(next));
    releaseIfLeftUnpaid(this.deps, previous, next);
    if (next.kind !== previous.kind) this.enter(next, previous);
  }

  /** Starts the work the entered state names, as the session's only current work. */
  private enter(state: SessionState, from: SessionState): void {
    const work = workOnEntering(state, from);
    if (!work) return;
    const gen = ++this.generation;
    this.abort?.abort();
    const abort = (this.abort = new AbortController());
    const flow: Flow = {
      deps: this.deps,
      signal: abort.signal,
      apply: (event) => this.apply(gen, event),
      hint: (hint: FaceHint) => {
        const now = this.state;
        if (gen === this.generation && cameraStates.has(now.kind) && 'hint' in now) {
          if (now.hint !== hint) this.apply(gen, { type: 'face-hint', hint });
        }
      },
      isCurrent: () => gen === this.generation,
      current: () => this.state,
      language: () => this.language,
    };
    this.background(gen, work(flow));
  }

  private background(gen: number, work: Promise<void>): void {
    this.running = work.catch((error: unknown) => {
      if (gen !== this.generation) return;
      const kioskError = toKioskError(error);
      this.deps.log('session.failed', { code: kioskError.code, state: this.state.kind });
      if (this.state.kind !== 'home') this.apply(gen, { type: 'failed', error: kioskError.code });
    });
  }
}
