import { describe, expect, it } from 'vitest';
import { RENDERER_RELOAD_BUDGET, ReloadBudget } from './renderer-recovery.ts';

describe('renderer reload budget', () => {
  it('reloads up to the budget, then restarts the app', () => {
    let now = 0;
    const budget = new ReloadBudget({ maxReloads: 3, windowMs: 60_000, now: () => now });
    expect(budget.next()).toEqual({ action: 'reload', attempt: 1 });
    now += 1_000;
    expect(budget.next()).toEqual({ action: 'reload', attempt: 2 });
    now += 1_000;
    expect(budget.next()).toEqual({ action: 'reload', attempt: 3 });
    now += 1_000;
    expect(budget.next()).toEqual({ action: 'relaunch', reloads: 3 });
    // A refused failure does not count as a reload: still refused until old ones age out.
    expect(budget.next()).toEqual({ action: 'relaunch', reloads: 3 });
  });

  it('forgets reloads older than the window', () => {
    let now = 0;
    const budget = new ReloadBudget({ maxReloads: 2, windowMs: 60_000, now: () => now });
    budget.next();
    now = 30_000;
    budget.next();
    now = 60_000; // the first reload is now a full window old
    expect(budget.next()).toEqual({ action: 'reload', attempt: 2 });
    now = 61_000;
    expect(budget.next()).toEqual({ action: 'relaunch', reloads: 2 });
  });

  it('ships a bounded budget', () => {
    expect(RENDERER_RELOAD_BUDGET.maxReloads).toBeGreaterThan(0);
    expect(RENDERER_RELOAD_BUDGET.maxReloads).toBeLessThanOrEqual(5);
    expect(RENDERER_RELOAD_BUDGET.windowMs).toBeGreaterThanOrEqual(60_000);
  });
});
