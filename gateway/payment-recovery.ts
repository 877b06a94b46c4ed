/**
 * Start-up recovery: every payment the journal left open is resolved with the gateway by the
 * same steps a live payment takes (docs/settlement.md, "Recovery at start-up", has the table).
 * Every step is idempotent by msgid or order number, and a gateway that cannot be reached leaves
 * the entry open for the next run: nothing is guessed.
 */
import { KioskError } from '../core/errors.ts';
import type { LogFn } from '../core/ports.ts';
import type { GatewayClient } from './client.ts';
import type { PaymentJournal, PaymentRow } from './journal.ts';
import { isCode, requirePayment, settleOutputOf } from './payment-calls.ts';
import type { TxOutput } from './protocol.ts';

export interface RecoveryReport {
  examined: number;
  settled: number;
  reversed: number;
  refunded: number;
  failed: number;
  stillOpen: number;
}

export interface RecoveryDeps {
  client: GatewayClient;
  journal: PaymentJournal;
  log: LogFn;
}

/** The coordinator's steps that recovery finishes a payment with. */
export interface RecoverySteps {
  send2207(p: PaymentRow): Promise<TxOutput<'2207'>>;
  accept(paymentId: string, out: TxOutput<'2207'>): Promise<unknown>;
  /** True when this call completed a refund. */
  refund(paymentId: string, why: string): Promise<boolean>;
  reverse(paymentId: string, why: string): Promise<void>;
  abandon(paymentId: string): Promise<void>;
}

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
    stillOpen: 0,
  };
  for (const p of deps.journal.open()) {
    report.examined++;
    try {
      await recoverOne(deps, steps, p, report);
    } catch (error) {
      deps.log('payment.recovery-deferred', {
        paymentId: p.payment_id,
        code: error instanceof KioskError ? error.code : 'unknown',
      });
    }
  }
  report.stillOpen = deps.journal.open().length;
  deps.log('payment.recovery', { ...report });
  return report;
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
      const out = q.found ? settleOutputOf(q.response) : await steps.send2207(p);
      await steps.accept(id, out);
      report.settled++;
    } catch (error) {
      if (!isCode(error, 'gateway-rejected')) throw error;
      deps.journal.update(
        id,
        { settle_state: 'failed', problem: 'rejected' },
        'recovery: 2207 rejected',
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
