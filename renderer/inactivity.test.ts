import { describe, expect, it } from 'vitest';
import { inactivityPhase, watchesInactivity } from './inactivity.ts';

describe('inactivity timing', () => {
  it('warns after the quiet period, counts down, then expires', () => {
    expect(inactivityPhase(59_000, 0, 60, 30)).toEqual({ phase: 'active' });
    expect(inactivityPhase(60_000, 0, 60, 30)).toEqual({ phase: 'warning', secondsLeft: 30 });
    expect(inactivityPhase(75_500, 0, 60, 30)).toEqual({ phase: 'warning', secondsLeft: 15 });
    expect(inactivityPhase(90_000, 0, 60, 30)).toEqual({ phase: 'expired' });
  });

  it('a tap starts the quiet period again', () => {
    expect(inactivityPhase(100_000, 50_000, 60, 30)).toEqual({ phase: 'active' });
  });

  it('does not hurry anyone at home or while money is moving', () => {
    expect(watchesInactivity('home')).toBe(false);
    expect(watchesInactivity('loading')).toBe(false);
    expect(watchesInactivity('review')).toBe(true);
    expect(watchesInactivity('paying-cash')).toBe(true);
    expect(watchesInactivity('done')).toBe(true);
  });
});
