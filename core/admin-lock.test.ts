import { describe, expect, it } from 'vitest';
import { AdminLock, memoryPinLockStore, type PinLockStore } from './admin-lock.ts';

function lock(store?: PinLockStore) {
  let now = Date.parse('2026-11-22T02:00:00Z');
  const clock = { now: () => new Date(now) };
  const gate = (s = store) =>
    new AdminLock({
      pin: '246810',
      clock,
      maxAttempts: 3,
      lockoutMs: 60_000,
      idleMs: 10_000,
      ...(s ? { store: s } : {}),
    });
  return { gate: gate(), again: gate, advance: (ms: number) => (now += ms) };
}

describe('admin PIN gate', () => {
  it('opens with the right PIN and closes when left idle', () => {
    const { gate, advance } = lock();
    expect(gate.active).toBe(false);
    expect(gate.login('246810')).toEqual({ ok: true });
    advance(9_000);
    expect(gate.touch()).toBe(true); // use extends the session
    advance(9_000);
    expect(gate.active).toBe(true);
    advance(2_000);
    expect(gate.active).toBe(false);
    expect(gate.touch()).toBe(false);
  });

  it('locks after too many wrong PINs, refusing even the right one until the lockout ends', () => {
    const { gate, advance } = lock();
    expect(gate.login('1')).toEqual({ ok: false, reason: 'wrong-pin', attemptsLeft: 2 });
    expect(gate.login('2')).toEqual({ ok: false, reason: 'wrong-pin', attemptsLeft: 1 });
    expect(gate.login('3')).toMatchObject({ ok: false, reason: 'locked' });
    expect(gate.login('246810')).toMatchObject({ ok: false, reason: 'locked' });
    advance(60_000);
    expect(gate.login('246810')).toEqual({ ok: true });
  });

  it('keeps attempts and the lockout in its store: a new gate on the same store is still locked', () => {
    const store = memoryPinLockStore();
    const { gate, again, advance } = lock(store);
    gate.login('1');
    expect(again().login('2')).toEqual({ ok: false, reason: 'wrong-pin', attemptsLeft: 1 });
    expect(again().login('3')).toMatchObject({ ok: false, reason: 'locked' });
    expect(again().login('246810')).toMatchObject({ ok: false, reason: 'locked' });
    advance(60_000);
    expect(again().login('246810')).toEqual({ ok: true });
    expect(store.load().failures).toBe(0);
  });

  it('a lockout saved far ahead (a clock set back since) lasts one lockout from now at most', () => {
    const store = memoryPinLockStore();
    store.save({ failures: 0, lockedUntil: Date.parse('2027-01-01T00:00:00Z') });
    const { gate, advance } = lock(store);
    expect(gate.login('246810')).toEqual({
      ok: false,
      reason: 'locked',
      lockedUntil: '2026-11-22T02:01:00.000Z',
    });
    advance(60_000);
    expect(gate.login('246810')).toEqual({ ok: true });
  });

  it('logout closes the session at once', () => {
    const { gate } = lock();
    gate.login('246810');
    gate.logout();
    expect(gate.active).toBe(false);
  });

  it('counts each staff store apart: one member locked out, another still signs in; no check while locked', () => {
    const { gate } = lock();
    const alice = memoryPinLockStore();
    const bob = memoryPinLockStore();
    let checks = 0;
    const wrong = () => (checks++, false);
    expect(gate.attempt(wrong, alice)).toEqual({ ok: false, reason: 'wrong-pin', attemptsLeft: 2 });
    gate.attempt(wrong, alice);
    expect(gate.attempt(wrong, alice)).toMatchObject({ ok: false, reason: 'locked' });
    expect(checks).toBe(3);
    expect(gate.attempt(() => (checks++, true), alice)).toMatchObject({ reason: 'locked' });
    expect(checks).toBe(3);
    expect(gate.attempt(() => true, bob)).toEqual({ ok: true });
    expect(gate.active).toBe(true);
    // The shared PIN's own count was never touched.
    expect(gate.login('1')).toEqual({ ok: false, reason: 'wrong-pin', attemptsLeft: 2 });
  });

  it('without a shared PIN, login admits no one', () => {
    const gate = new AdminLock({ clock: { now: () => new Date(0) } });
    expect(gate.login('')).toMatchObject({ ok: false, reason: 'wrong-pin' });
  });
});
