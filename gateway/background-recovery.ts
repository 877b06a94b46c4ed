/**
 * Recovery as a background service: while the kiosk serves, every payment left open (a 2207 in
 * doubt, a refund the gateway did not confirm, a session that vanished) is retried on a fixed
 * cadence until it is settled or undone, instead of waiting for the next restart. Passes never
 * overlap; a pass asked for while one runs shares it. Each pass's report goes to `afterPass`
 * (the host records receipts for the settlements it finished).
 */
import type { LogFn } from '../core/ports.ts';
import type { RecoveryReport } from './payment-recovery.ts';

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const realTimers: Timers = {
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    // A pending pass must never keep a stopping process alive.
    t.unref();
    return t;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};

export interface BackgroundRecoveryOptions {
  payments: { recover(): Promise<RecoveryReport> };
  log: LogFn;
  /** Between passes, in ms (default 20 s). */
  intervalMs?: number;
  afterPass?: (report: RecoveryReport) => void | Promise<void>;
  timers?: Timers;
}

export class BackgroundRecovery {
  private timer: unknown;
  private pass: Promise<RecoveryReport | undefined> | undefined;
  private stopped = true;

  constructor(private readonly o: BackgroundRecoveryOptions) {}

  /** Starts the cadence; the first pass runs after one interval (start-up ran its own). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.schedule();
  }

  /** A pass now (or the one already running); undefined if the pass itself failed. */
  runNow(): Promise<RecoveryReport | undefined> {
    this.pass ??= this.runPass().finally(() => {
      this.pass = undefined;
    });
    return this.pass;
  }

  /** Stops the cadence and waits for a pass under way, so nothing is cut half-way. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== undefined) (this.o.timers ?? realTimers).clearTimeout(this.timer);
    this.timer = undefined;
    await this.pass;
  }

  private schedule(): void {
    if (this.stopped) return;
    const timers = this.o.timers ?? realTimers;
    this.timer = timers.setTimeout(() => {
      this.timer = undefined;
      void this.runNow().then(() => this.schedule());
    }, this.o.intervalMs ?? 20_000);
  }

  private async runPass(): Promise<RecoveryReport | undefined> {
    try {
      const report = await this.o.payments.recover();
      await this.o.afterPass?.(report);
      return report;
    } catch (error) {
      // recover() defers each payment's own failures; this is the journal or the hook failing.
      this.o.log('payment.background-recovery-failed', {
        error: error instanceof Error ? error.name : 'unknown',
      });
      return undefined;
    }
  }
}
