/**
 * Receipts and payments are not kept for ever (issue 13, data at rest): a pass at host start
 * and then once a day deletes receipts printed more than `retention.days` ago, except any whose
 * payment is still open in the journal, which recovery may yet need, and the journal's payments
 * that reached a final state before then. Each pass logs counts only.
 */
import type { Clock } from '../core/domain.ts';
import type { LogFn } from '../core/ports.ts';
import type { PaymentJournal } from '../gateway/journal.ts';
import type { ReceiptRef, ReceiptStore, RetentionCounts } from './receipt-store.ts';

export const DAY_MS = 24 * 60 * 60_000;

export interface ReceiptRetentionOptions {
  store: Pick<ReceiptStore, 'deleteOlderThan'>;
  /** The payment journal, whose final payments older than the cutoff go too. */
  journal?: Pick<PaymentJournal, 'deleteFinalOlderThan'>;
  days: number;
  clock: Clock;
  log: LogFn;
  /**
   * Asked once per pass for a check against the payment journal as it is then: whether the
   * payment behind a receipt is still open (in doubt, a refund under way).
   */
  openPaymentCheck: () => (ref: ReceiptRef) => boolean;
  /** Timers for the daily pass; tests drive their own. */
  timers?: { set(fn: () => void, ms: number): unknown; clear(handle: unknown): void };
}

const nodeTimers = {
  set: (fn: () => void, ms: number) => setTimeout(fn, ms).unref(),
  clear: (handle: unknown) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export class ReceiptRetention {
  private timer: unknown;
  private stopped = false;
  private readonly timers: NonNullable<ReceiptRetentionOptions['timers']>;

  constructor(private readonly o: ReceiptRetentionOptions) {
    this.timers = o.timers ?? nodeTimers;
  }

  /** Runs a pass now, then one a day until stopped. */
  start(): void {
    this.runOnce();
    this.schedule();
  }

  /** One pass: its counts, or undefined when it failed (logged by its error's name). */
  runOnce(): RetentionCounts | undefined {
    const cutoff = new Date(this.o.clock.now().getTime() - this.o.days * DAY_MS);
    try {
      const counts = this.o.store.deleteOlderThan(cutoff, this.o.openPaymentCheck());
      this.o.log('retention.receipts', { days: this.o.days, ...counts });
      // After the receipts: a receipt's check reads the journal's open payments, never these.
      if (this.o.journal)
        this.o.log('retention.payments', {
          days: this.o.days,
          ...this.o.journal.deleteFinalOlderThan(cutoff),
        });
      return counts;
    } catch (error) {
      // A failed pass loses nothing: the next one tries again.
      this.o.log('retention.receipts-failed', {
        error: error instanceof Error ? error.name : 'unknown',
      });
      return undefined;
    }
  }

  stop(): void {
    this.stopped = true;
    this.timers.clear(this.timer);
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = this.timers.set(() => {
      this.runOnce();
      this.schedule();
    }, DAY_MS);
  }
}
