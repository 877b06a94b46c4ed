/**
 * Payments that never lose or double a settlement. The order of operations is chosen so that a
 * crash at any point leaves neither a patient charged without a settlement nor a settlement
 * without its cash collected (docs/settlement.md has the table). The settling call is 2207
 * (outpatient), 2304 (inpatient discharge, deposits netted: the kiosk collects only the rest) or
 * K701 (inpatient deposit), as journalled in settle_infno:
 *
 *   1. journal the intent (its msgid, the exact settling input, the pre-settled split)
 *   2. collect the cash part first (mobile order / credit / wallet code), journalled
 *   3. journal "sent", then the settling call with the journalled msgid (the idempotency key)
 *   4. settled -> done; refused -> refund the cash; unknown -> in doubt, resolved by re-sending
 *      the same msgid (never settles twice) or at start-up by recover()
 *
 * A settlement whose cash part differs from what was collected is reversed (2208, 2305, K702)
 * and the cash refunded, so the patient is never charged an amount they did not see.
 *
 * This class keeps that order: it journals the intent, holds each payment's lock
 * (payment-locks.ts) and hands each step to the module that makes its calls: step 2 to
 * cash-order.ts, steps 3 and 4 to payment-settle.ts (which recovery settles through too), undoing
 * to payment-undo.ts, what a crash left open to payment-recovery.ts.
 */
import {
  type Bill,
  type CashMethod,
  cashToCollect,
  type CashOrder,
  type Clock,
  type Patient,
  type PreSettlement,
  type Settlement,
} from '../core/domain.ts';
import { KioskError } from '../core/errors.ts';
import type { LogFn } from '../core/ports.ts';
import { formatInTimeZone } from '../core/time.ts';
import {
  type CashOutcome,
  chargeWalletCode,
  openCashOrder,
  waitForCashPaid,
} from './cash-order.ts';
import type { GatewayClient } from './client.ts';
import type { PaymentJournal, PaymentRow } from './journal.ts';
import { type SettleOutput, abortableSleep, isCode, requirePayment } from './payment-calls.ts';
import {
  type RecoveryReport,
  type RecoverySteps,
  type Resolution,
  recoverPayments,
  resolveOne,
} from './payment-recovery.ts';
import { PaymentLocks } from './payment-locks.ts';
import {
  abandonPayment,
  refundPayment,
  reversePayment,
  revokeUploadedFees,
} from './payment-undo.ts';
import { acceptSettlement, sendSettle, settleByQuery } from './payment-settle.ts';
import { type OpenPaymentView, openPaymentsOf, settlementOfRow } from './payment-views.ts';
import { receiptDraft } from './receipt-draft.ts';
import type { TxInput } from './protocol.ts';
import { type ReconciliationReport, reconcileDay } from './reconciliation.ts';
import { cashOrderFromWire } from './wire-mapping.ts';

/**
 * What a payment settles with, journalled before anything is sent: a 2207 input (outpatient), or
 * an inpatient discharge (2304) or deposit (K701). A deposit's order_no is the payment's own.
 */
export type JournalledSettle =
  | TxInput<'2207'>
  | { infno: '2304'; input: TxInput<'2304'> }
  | { infno: 'K701'; input: Omit<TxInput<'K701'>['data'], 'order_no'> };

// The coordinator's callers name the outcome waitForCash returns from here, as they name the rest.
export type { CashOutcome } from './cash-order.ts';

export interface PaymentCoordinatorOptions {
  client: GatewayClient;
  journal: PaymentJournal;
  clock: Clock;
  timeZone: string;
  log: LogFn;
  /** Poll intervals for a mobile order, in ms; the last one repeats. */
  pollMs?: number[];
  /**
   * How long a session may hold a payment's cash collection before recovery treats it as
   * abandoned (longer than any cash order lives; default 20 minutes).
   */
  maxLiveMs?: number;
  /** How long a patient waits while a settlement in doubt is confirmed (default 45 s). */
  inDoubtWaitMs?: number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export class PaymentCoordinator {
  private readonly locks: PaymentLocks;

  constructor(private readonly o: PaymentCoordinatorOptions) {
    this.locks = new PaymentLocks(() => o.clock.now().getTime(), o.maxLiveMs ?? 20 * 60_000);
  }

  /**
   * Steps 1 and 2: journal the intent and open the cash collection. `cashPayer` is who pays the
   * cash part when it is not the bill's patient (family mutual aid: the payer at the kiosk, whose
   * credit line or wallet is used); the journal keeps the bill's patient, whom 2207/2208 name.
   */
  async begin(
    patient: Patient,
    bill: Bill,
    preview: PreSettlement,
    settle: JournalledSettle,
    method: CashMethod,
    walletCode?: string,
    cashPayer: Patient = patient,
  ): Promise<{ paymentId: string; order?: CashOrder; cash: 'none' | 'pending' | 'paid' }> {
    const s = preview.split;
    // A discharge collects its cash part less the deposits; a deposit is all cash.
    const cash = cashToCollect(preview);
    if (cash > 0 && method === 'none')
      throw new KioskError('internal', 'a cash part needs a payment method');
    // A bill whose last payment is still open (in doubt, a refund under way) is not paid again
    // until recovery has resolved it: that is how one bill got two cash orders paid.
    if (this.o.journal.openBillIds().has(bill.id))
      throw new KioskError('bill-being-checked', 'a payment for this bill is still being checked');
    const paymentId = this.o.client.newMsgid();
    const usesCash = cash > 0;
    const infno = 'infno' in settle ? settle.infno : '2207';
    const input =
      'infno' in settle
        ? settle.infno === 'K701'
          ? { data: { ...settle.input, order_no: paymentId } }
          : settle.input
        : settle;
    this.o.journal.create({
      payment_id: paymentId,
      business_date: formatInTimeZone(this.o.clock.now(), this.o.timeZone).date,
      bill_id: bill.id,
      psn_no: patient.personNo,
      insured_area: patient.insuredArea,
      settle_input_json: JSON.stringify(input),
      total_cents: s.total,
      fund_cents: s.fund,
      account_cents: s.account,
      mutual_aid_cents: s.mutualAid,
      cash_cents: cash,
      cash_method: usesCash ? method : 'none',
      order_no: usesCash ? paymentId : '',
      cash_state: usesCash ? 'pending' : 'none',
      settle_state: 'intent',
      receipt_json: JSON.stringify(receiptDraft(patient, bill, method, cashPayer)),
      fees_uploaded_here: preview.visit?.uploadedHere ? 1 : 0,
      settle_infno: infno,
    });
    this.locks.begin(paymentId);
    if (!usesCash) return { paymentId, cash: 'none' };
    const order = await openCashOrder(this.o.client, {
      orderNo: paymentId,
      payerNo: cashPayer.personNo,
      billId: bill.id,
      amount: cash,
      method,
      ...(walletCode === undefined ? {} : { walletCode }),
      insuredArea: patient.insuredArea,
    });
    if (order.status === 'paid')
      this.o.journal.update(
        paymentId,
        { cash_state: 'paid' },
        `cash paid by ${order.channel || method}`,
      );
    return {
      paymentId,
      cash: order.status === 'paid' ? 'paid' : 'pending',
      order: cashOrderFromWire(order),
    };
  }

  /** The patient showed a wallet payment code instead of scanning our QR: charge the same order. */
  payWithWalletCode(paymentId: string, code: string): Promise<void> {
    return chargeWalletCode(this.o, paymentId, code);
  }

  /** Polls the mobile order until the patient has paid, it expired, or the session gave up. */
  waitForCash(paymentId: string, signal: AbortSignal): Promise<CashOutcome> {
    return waitForCashPaid(this.o, paymentId, signal);
  }

  /** Steps 3 and 4: settle with the journalled msgid, after the cash is in. */
  complete(paymentId: string): Promise<Settlement> {
    // From here the payment is recovery's to finish too (sent or in doubt), one step at a time.
    this.locks.release(paymentId);
    return this.locks.exclusive(paymentId, () => this.completeAlone(paymentId));
  }

  private async completeAlone(paymentId: string): Promise<Settlement> {
    let p = this.payment(paymentId);
    if (p.settle_state === 'settled') return settlementOfRow(p);
    if (p.cash_method !== 'none' && p.cash_state !== 'paid') {
      throw new KioskError('internal', 'the cash part has not been collected');
    }
    const infno = p.settle_infno;
    p = this.o.journal.update(paymentId, { settle_state: 'sent' }, `${infno} sent`);
    let out: SettleOutput;
    try {
      out = await sendSettle(this.o.client, p);
    } catch (error) {
      if (isCode(error, 'gateway-rejected')) {
        // A definite refusal: nothing was settled, so the cash goes back.
        this.o.journal.update(
          paymentId,
          { settle_state: 'failed', problem: 'rejected' },
          `${infno} rejected`,
        );
        await refundPayment(this.o, paymentId, 'settlement refused');
        await revokeUploadedFees(this.o, paymentId);
        throw error;
      }
      this.o.journal.update(
        paymentId,
        { settle_state: 'in-doubt', problem: error instanceof KioskError ? error.code : 'unknown' },
        `${infno} in doubt`,
      );
      return settleByQuery(this.o, paymentId, error);
    }
    try {
      return await acceptSettlement(this.o, paymentId, out);
    } catch (error) {
      if (!isCode(error, 'settlement-in-doubt')) throw error;
      return settleByQuery(this.o, paymentId, error);
    }
  }

  /** The session ended before settling: cancel the cash order, refunding it if it was paid. */
  async abandon(paymentId: string): Promise<void> {
    try {
      await this.locks.exclusive(paymentId, () => abandonPayment(this.o, paymentId));
    } finally {
      this.locks.release(paymentId);
    }
  }

  /** A settled payment's settlement (for its receipt); undefined when it is not settled. */
  settled(paymentId: string): Settlement | undefined {
    const p = this.o.journal.get(paymentId);
    return p?.settle_state === 'settled' ? settlementOfRow(p) : undefined;
  }

  /** The payments still open, for staff (payment-views.ts). */
  openPayments(): OpenPaymentView[] {
    return openPaymentsOf(this.o.journal);
  }

  /** Bills with a payment still open: not payable until it is resolved. */
  openBillIds(): Set<string> {
    return this.o.journal.openBillIds();
  }

  /**
   * Resolves every payment the journal left open that no session is collecting. Safe to run any
   * number of times, and beside live sessions: each payment's step runs alone.
   */
  recover(): Promise<RecoveryReport> {
    return recoverPayments(this.o, this.recoverySteps());
  }

  /**
   * One payment, while its patient waits (a settlement left in doubt): asks the gateway and
   * finishes or undoes it as recovery would. 'open' when the gateway still cannot say.
   */
  async resolve(paymentId: string): Promise<{ resolution: Resolution; settlement?: Settlement }> {
    const resolution = await resolveOne(this.o, this.recoverySteps(), paymentId);
    const p = this.payment(paymentId);
    return resolution === 'settled'
      ? { resolution, settlement: settlementOfRow(p) }
      : { resolution };
  }

  /**
   * resolve(), again and again while the patient waits, until the gateway knows or the wait
   * (inDoubtWaitMs) is over: 'open' then, and background recovery carries on.
   */
  async resolveWhileWaiting(
    paymentId: string,
    signal: AbortSignal,
  ): Promise<{ resolution: Resolution; settlement?: Settlement }> {
    const sleep = this.o.sleep ?? abortableSleep;
    const until = this.o.clock.now().getTime() + (this.o.inDoubtWaitMs ?? 45_000);
    const intervals = [1000, 2000, 3000, 5000];
    for (let i = 0; ; i++) {
      const result = await this.resolve(paymentId);
      if (result.resolution !== 'open' || signal.aborted) return result;
      const pause = intervals[Math.min(i, intervals.length - 1)]!;
      if (this.o.clock.now().getTime() + pause > until) return result;
      await sleep(pause, signal);
    }
  }

  private recoverySteps(): RecoverySteps {
    return {
      sendSettle: (p) => sendSettle(this.o.client, p),
      accept: (id, out) => acceptSettlement(this.o, id, out),
      refund: (id, why) => refundPayment(this.o, id, why),
      reverse: (id, why) => reversePayment(this.o, id, why),
      abandon: (id) => abandonPayment(this.o, id),
      isLive: (p) => this.locks.isLive(p),
      exclusive: (id, step) => this.locks.exclusive(id, step),
    };
  }

  /** End of day: the journal's totals for one business day against the gateway's (3201). */
  reconcile(date: string, operatorId: string): Promise<ReconciliationReport> {
    return reconcileDay(this.o, date, operatorId);
  }

  /** Reverses a settled payment (2208) and refunds its cash: for staff, and for mismatches. */
  reverse(paymentId: string, why: string): Promise<void> {
    return this.locks.exclusive(paymentId, () => reversePayment(this.o, paymentId, why));
  }

  /**
   * A staff refund of a settlement this kiosk made: 2208 then the cash back, journalled like a
   * payment (reversal-sent before 2208 leaves, idempotent by its msgid), so a crash or a second
   * press never refunds twice. Already reversed: says so and does nothing.
   */
  async refundSettlement(
    settlementId: string,
    why: string,
  ): Promise<{ paymentId: string; alreadyReversed: boolean; row: PaymentRow }> {
    const p = this.o.journal.bySettlementId(settlementId);
    if (!p) throw new KioskError('bill-not-payable', 'no settlement with that id at this kiosk');
    const alreadyReversed = p.settle_state === 'reversed';
    if (!alreadyReversed) await this.reverse(p.payment_id, why);
    const row = this.payment(p.payment_id);
    if (row.settle_state !== 'reversed')
      throw new KioskError('settlement-in-doubt', 'the reversal is not confirmed yet');
    return { paymentId: p.payment_id, alreadyReversed, row };
  }

  private payment(paymentId: string): PaymentRow {
    return requirePayment(this.o.journal, paymentId);
  }
}
