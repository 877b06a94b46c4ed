/**
 * Who may touch a payment, and when. A session owns a payment while it collects the cash part
 * (begin until complete or abandon): recovery must not cancel the order a patient is paying.
 * After that, the session and recovery may both work on it (the session confirming a 2207 in
 * doubt while a background pass runs), so each step on one payment runs alone, in turn.
 */
import type { PaymentRow } from './journal.ts';

export class PaymentLocks {
  /** Payments a session is collecting the cash of, with when it began (ms). */
  private readonly live = new Map<string, number>();
  /** The step running on each payment. */
  private readonly running = new Map<string, Promise<unknown>>();

  constructor(
    private readonly nowMs: () => number,
    /** Longer than any cash order lives: a session that vanished stops protecting its payment. */
    private readonly maxLiveMs: number,
  ) {}

  begin(paymentId: string): void {
    this.live.set(paymentId, this.nowMs());
  }

  release(paymentId: string): void {
    this.live.delete(paymentId);
  }

  /** Only a payment still in intent is the session's alone; once 2207 is sent it is shared. */
  isLive(p: Pick<PaymentRow, 'payment_id' | 'settle_state'>): boolean {
    const since = this.live.get(p.payment_id);
    return (
      p.settle_state === 'intent' && since !== undefined && this.nowMs() - since < this.maxLiveMs
    );
  }

  /** Runs `step` after any step already running on the same payment has ended. */
  exclusive<T>(paymentId: string, step: () => Promise<T>): Promise<T> {
    const before = this.running.get(paymentId) ?? Promise.resolve();
    const mine = before.then(step, step);
    const done = mine.catch(() => undefined);
    this.running.set(paymentId, done);
    void done.then(() => {
      if (this.running.get(paymentId) === done) this.running.delete(paymentId);
    });
    return mine;
  }
}
