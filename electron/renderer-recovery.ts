/**
 * What to do when the kiosk page's renderer dies or hangs: load the page again, at most a few
 * times in a while. A page that keeps dying is not cured by loading it again, so past the budget
 * the whole app restarts (which also restarts the host) instead of spinning.
 */

export interface ReloadBudgetOptions {
  /** Reloads allowed within `windowMs`; the next failure restarts the app. */
  maxReloads: number;
  windowMs: number;
  now: () => number;
}

export type RecoveryDecision =
  { action: 'reload'; attempt: number } | { action: 'relaunch'; reloads: number };

/** Three reloads in ten minutes: enough for a one-off GPU or memory fault, not for a loop. */
export const RENDERER_RELOAD_BUDGET = { maxReloads: 3, windowMs: 10 * 60_000 } as const;

export class ReloadBudget {
  private readonly reloads: number[] = [];

  constructor(private readonly o: ReloadBudgetOptions) {}

  /** Called once per lost renderer; records the reload it allows. */
  next(): RecoveryDecision {
    const now = this.o.now();
    while (this.reloads.length > 0 && now - this.reloads[0]! >= this.o.windowMs)
      this.reloads.shift();
    if (this.reloads.length >= this.o.maxReloads)
      return { action: 'relaunch', reloads: this.reloads.length };
    this.reloads.push(now);
    return { action: 'reload', attempt: this.reloads.length };
  }
}
