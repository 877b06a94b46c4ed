/**
 * Recovery: every payment the journal left open is resolved with the gateway by the same steps a
 * live payment takes (docs/settlement.md, "Recovery", has the table). It runs at start-up, in
 * the background while the kiosk serves (background-recovery.ts), and for one payment while its
 * patient waits. Every step is idempotent by msgid or order number, and a gateway that cannot be
 * reached leaves the entry open for the next run: nothing is guessed.
 */
import { KioskError } from '../core/errors.ts';
import type { LogFn } from '../core/ports.ts';
import type { GatewayClient } from './client.ts';
import { isFinal, type PaymentJournal, type PaymentRow } from './journal.ts';
import {
  type SettleOutput,
  isCode,
  requirePayment,
  retryOnce,
  settleOutputOf,
} from './payment-calls.ts';

export interface RecoveryReport {
  examined: number;
  settled: number;
  reversed: number;
  refunded: number;
  failed: number;
  /** Left alone because a session is still collecting its cash part. */
  live: number;
  stillOpen: number;
  /** The payments this run settled: each still needs its receipt record (no patient saw one). */
  settledIds: string[];
}

export interface RecoveryDeps {
  client: GatewayClient;
  journal: PaymentJournal;
  log: LogFn;
}

/** The coordinator's steps that recovery finishes a payment with. */
export interface RecoverySteps {
  /** Sends the journalled settling call (2207, 2304 or K701) again with its msgid. */
  sendSettle(p: PaymentRow): Promise<SettleOutput>;
  accept(paymentId: string, out: SettleOutput): Promise<unknown>;
  /** True when this call completed a refund. */
  refund(paymentId: string, why: string): Promise<boolean>;
  reverse(paymentId: string, why: string): Promise<void>;
  abandon(paymentId: string): Promise<void>;
  /** True while a session is still collecting this payment's cash: recovery must not undo it. */
  isLive(p: PaymentRow): boolean;
  /** Runs one payment's step alone: never beside the session's own step on the same payment. */
  exclusive<T>(paymentId: string, step: () => Promise<T>): Promise<T>;
}

/** Where one payment stands after an attempt to resolve it. */
export type Resolution = 'settled' | 'undone' | 'open';

/** Resolves every payment the journal left open. Safe to run any number of times. */
export async function recoverPayments(
  deps: RecoveryDeps,
  steps: RecoverySteps,
): Promise<RecoveryReport> {
  const report: RecoveryReport = {
    examined: 0,
    settled: 0,
    reversed: 0,
    refunded: 0,
    failed: 0,
    live: 0,
    stillOpen: 0,
    settledIds: [],
  };
  for (const p of deps.journal.open()) {
    report.examined++;
    if (steps.isLive(p)) {
      report.live++;
      continue;
    }
    await resolveOne(deps, steps, p.payment_id, report);
  }
  report.stillOpen = deps.journal.open().filter((p) => !steps.isLive(p)).length;
  const { settledIds: _ids, ...counts } = report;
  deps.log('payment.recovery', counts);
  return report;
}

/**
 * One payment, alone: re-read inside its lock (the session or another pass may have moved it on
 * while this waited), resolved if still open. A failure leaves it open for the next attempt.
 */
export async function resolveOne(
  deps: RecoveryDeps,
  steps: RecoverySteps,
  paymentId: string,
  report: RecoveryReport = emptyReport(),
): Promise<Resolution> {
  return steps.exclusive(paymentId, async () => {
    const p = requirePayment(deps.journal, paymentId);
    if (isFinal(p)) return resolutionOf(p);
    try {
      await recoverOne(deps, steps, p, report);
    } catch (error) {
      deps.log('payment.recovery-deferred', {
        paymentId,
        code: error instanceof KioskError ? error.code : 'unknown',
      });
    }
    return resolutionOf(requirePayment(deps.journal, paymentId));
  });
}

function resolutionOf(p: PaymentRow): Resolution {
  if (!isFinal(p)) return 'open';
  return p.settle_state === 'settled' ? 'settled' : 'undone';
}

function emptyReport(): RecoveryReport {
  return {
    examined: 0,
    settled: 0,
    reversed: 0,
    refunded: 0,
    failed: 0,
    live: 0,
    stillOpen: 0,
    settledIds: [],
  };
}

async function recoverOne(
  deps: RecoveryDeps,
  steps: RecoverySteps,
  p: PaymentRow,
  report: RecoveryReport,
): Promise<void> {
  const id = p.payment_id;
  if (p.settle_state === 'sent' || p.settle_state === 'in-doubt') {
    // Ask first; if the gateway never saw it, send it again with the same msgid: the cash is
    // in (or there is none), so completing is what the patient asked for, and it cannot double.
    const q = (
      await deps.client.call('K102', { data: { msgid: id } }, { insuredArea: p.insured_area })
    ).txn;
    if (q.found && q.status === 'reversed') {
      deps.journal.update(id, { settle_state: 'reversed' }, 'recovery: found reversed');
      report.reversed++;
      if (await steps.refund(id, 'recovered reversal')) report.refunded++;
      return;
    }
    try {
      const out = q.found ? settleOutputOf(q.response, p.settle_infno) : await steps.sendSettle(p);
      await steps.accept(id, out);
      report.settled++;
      report.settledIds.push(id);
    } catch (error) {
      if (!isCode(error, 'gateway-rejected')) throw error;
      // The resend was refused, yet the first send may still reach the gateway: the platform's
      // reversal by msgid (2601) makes sure it never settles before the cash goes back. Until
      // the gateway has acknowledged it, the payment stays in doubt.
      await retryOnce(() =>
        deps.client.call(
          '2601',
          { data: { psn_no: p.psn_no, omsgid: id, oinfno: p.settle_infno } },
          { insuredArea: p.insured_area },
        ),
      );
      deps.journal.update(
        id,
        { settle_state: 'failed', problem: 'rejected' },
        `recovery: ${p.settle_infno} rejected, 2601 reversed its msgid`,
      );
      report.failed++;
      if (await steps.refund(id, 'settlement refused')) report.refunded++;
    }
    return;
  }
  if (p.settle_state === 'reversal-sent') {
    await steps.reverse(id, 'recovery');
    report.reversed++;
    return;
  }
  if (p.settle_state === 'intent') {
    // The kiosk stopped before settling; the patient saw no confirmation. Give the cash back.
    if (p.cash_state === 'pending') await steps.abandon(id);
    else if (p.cash_state === 'paid' || p.cash_state === 'refund-pending')
      await steps.refund(id, 'never settled');
    if (requirePayment(deps.journal, id).cash_state === 'refunded') report.refunded++;
    return;
  }
  if (
    p.cash_state === 'refund-pending' ||
    (p.cash_state === 'paid' && (p.settle_state === 'failed' || p.settle_state === 'reversed'))
  ) {
    if (await steps.refund(id, 'recovery')) report.refunded++;
  }
}
