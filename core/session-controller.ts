/**
 * Runs the patient's session: turns KioskApi calls into state-machine events and performs the
 * side effects through ports (face, gateway, printer), so this logic runs unchanged with real
 * devices, simulators, or test doubles of the ports.
 */
import type {
  Bill,
  Clock,
  Language,
  Patient,
  PreSettlement,
  ReceiptData,
  Settlement,
} from './domain.ts';
import { toKioskError } from './errors.ts';
import { KioskCallError, type FaceHint, type KioskInfo, type SessionView } from './kiosk-api.ts';
import { maskIdNumber, maskName } from './masking.ts';
import {
  type SessionEvent,
  type SessionState,
  InvalidTransition,
  isCommitting,
  toView,
  transition,
} from './session.ts';

export type FaceIdentifyResult =
  { kind: 'match'; idNumber: string } | { kind: 'no-match' } | { kind: 'uncertain' };

export interface FaceIdentificationPort {
  identify(options: {
    signal: AbortSignal;
    onHint: (hint: FaceHint) => void;
  }): Promise<FaceIdentifyResult>;
}

export interface SettlementPort {
  findPatient(idNumber: string): Promise<Patient>;
  unpaidBills(patient: Patient): Promise<Bill[]>;
  preSettle(patient: Patient, bill: Bill): Promise<PreSettlement>;
  settle(patient: Patient, bill: Bill, preview: PreSettlement): Promise<Settlement>;
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
  /** Notifies staff (a pager, the nurses' station); the log entry is written either way. */
  onStaffCalled?: () => void;
}

export class SessionController {
  private state: SessionState = { kind: 'home' };
  private generation = 0;
  private abort: AbortController | undefined;
  private readonly listeners = new Set<(view: SessionView) => void>();
  private language: Language;
  private running: Promise<void> = Promise.resolve();

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

  /** Resolves when the background work started by the last call has finished (for tests). */
  idle(): Promise<void> {
    return this.running;
  }

  payWithFace(): void {
    this.command({ type: 'start-face' });
    const gen = ++this.generation;
    this.abort = new AbortController();
    this.background(gen, () => this.identify(gen, this.abort!.signal));
  }

  selectBill(billId: string): void {
    this.command({ type: 'select-bill', billId });
    const gen = this.generation;
    const state = this.state;
    if (state.kind !== 'pre-settling') return;
    this.background(gen, async () => {
      const preview = await this.deps.settlement.preSettle(state.patient, state.bill);
      this.apply(gen, { type: 'preview-ready', preview });
    });
  }

  confirmPayment(): void {
    this.command({ type: 'confirm' });
    const gen = this.generation;
    const state = this.state;
    if (state.kind !== 'settling') return;
    this.background(gen, async () => {
      const settlement = await this.deps.settlement.settle(
        state.patient,
        state.bill,
        state.preview,
      );
      this.deps.log('settlement.settled', {
        settlementId: settlement.settlementId,
        billId: settlement.billId,
      });
      this.apply(gen, { type: 'settled', settlement });
      const eReceiptUrl = `${this.deps.eReceiptBaseUrl}${encodeURIComponent(settlement.settlementId)}`;
      let printed = false;
      try {
        const outcome = await this.deps.receipts.print({
          hospitalName: this.deps.info.hospitalName,
          kioskId: this.deps.info.kioskId,
          printedAt: this.deps.clock.now().toISOString(),
          language: this.language,
          patientName: maskName(state.patient.name),
          patientIdNumber: maskIdNumber(state.patient.idNumber),
          bill: state.bill,
          settlement,
          paymentMethod: settlement.split.cash === 0 ? 'insurance-only' : 'mobile',
          eReceiptUrl,
        });
        printed = outcome.printed;
        if (!printed)
          this.deps.log('receipt.not-printed', {
            settlementId: settlement.settlementId,
            problem: outcome.problem ?? 'unknown',
          });
      } catch (error) {
        // The settlement stands whatever the printer does; the patient gets the e-receipt QR.
        this.deps.log('receipt.failed', {
          settlementId: settlement.settlementId,
          error: toKioskError(error).code,
        });
      }
      this.apply(gen, { type: 'printed', printed, eReceiptUrl });
    });
  }

  cancel(): void {
    if (isCommitting(this.state))
      throw new KioskCallError('a payment is being completed and cannot be cancelled now');
    this.generation++;
    this.abort?.abort();
    this.command({ type: 'cancel' });
  }

  finish(): void {
    this.command({ type: 'finish' });
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
    if (result.kind !== 'match') {
      // "uncertain" never guesses: until the second-factor screen exists it is treated as no match.
      this.apply(gen, { type: 'not-recognised' });
      return;
    }
    const patient = await this.deps.settlement.findPatient(result.idNumber);
    this.apply(gen, { type: 'identified', patient });
    const bills = await this.deps.settlement.unpaidBills(patient);
    this.apply(gen, { type: 'bills-loaded', bills });
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
    const view = toView(next);
    for (const listener of this.listeners) listener(view);
  }
}
