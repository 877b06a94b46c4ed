/**
 * The admin PIN gate: a wrong PIN costs an attempt; after too many the gate locks for a while,
 * so a PIN cannot be guessed at the kiosk. The attempts and the lockout are kept in an injected
 * store, so a restart (which a crash can force) does not hand out fresh attempts. An admin
 * session ends by itself when left idle, so a kiosk is never left open in admin mode in the
 * lobby. Time comes from the injected clock.
 */
import type { Clock } from './domain.ts';

/** What the gate remembers across restarts: wrong PINs so far, and when a lockout ends (ms). */
export interface PinLockState {
  failures: number;
  lockedUntil: number;
}

export interface PinLockStore {
  load(): PinLockState;
  save(state: PinLockState): void;
}

/** A store that forgets on restart: for tests and for gates nothing persists. */
export function memoryPinLockStore(): PinLockStore {
  let state: PinLockState = { failures: 0, lockedUntil: 0 };
  return { load: () => state, save: (next) => (state = { ...next }) };
}

export interface AdminLockOptions {
  /** The one shared PIN `login` checks; absent, it admits no one (staff sign in with `attempt`). */
  pin?: string;
  clock: Clock;
  maxAttempts?: number;
  lockoutMs?: number;
  idleMs?: number;
  /** Default: in memory. */
  store?: PinLockStore;
}

/** What the gate says; admin mode adds who signed in (core/kiosk-api.ts). */
export type AdminLoginResult =
  | { ok: true }
  | { ok: false; reason: 'wrong-pin'; attemptsLeft: number }
  | { ok: false; reason: 'locked'; lockedUntil: string };

export class AdminLock {
  private activeUntil = 0;
  private readonly store: PinLockStore;

  constructor(private readonly o: AdminLockOptions) {
    this.store = o.store ?? memoryPinLockStore();
  }

  private get now(): number {
    return this.o.clock.now().getTime();
  }

  login(pin: string): AdminLoginResult {
    const shared = this.o.pin;
    return this.attempt(() => shared !== undefined && constantTimeEqual(pin, shared));
  }

  /**
   * One sign-in attempt with any check (a staff member's PIN hash, a badge), counted in `store`:
   * each staff id has its own attempts and lockout, so one member's typos lock only them. The
   * check is not run while locked, so a locked gate costs no hashing.
   */
  attempt(check: () => boolean, store: PinLockStore = this.store): AdminLoginResult {
    const now = this.now;
    const lockoutMs = this.o.lockoutMs ?? 15 * 60_000;
    const state = store.load();
    // A lockout never runs longer than one lockout from now, even if the clock was set back.
    const lockedUntil = Math.min(state.lockedUntil, now + lockoutMs);
    if (lockedUntil < state.lockedUntil) store.save({ ...state, lockedUntil });
    const locked = (until: number) =>
      ({ ok: false, reason: 'locked', lockedUntil: new Date(until).toISOString() }) as const;
    if (now < lockedUntil) return locked(lockedUntil);
    if (check()) {
      if (state.failures !== 0) store.save({ failures: 0, lockedUntil: 0 });
      this.activeUntil = now + (this.o.idleMs ?? 5 * 60_000);
      return { ok: true };
    }
    const failures = state.failures + 1;
    const max = this.o.maxAttempts ?? 5;
    if (failures >= max) {
      store.save({ failures: 0, lockedUntil: now + lockoutMs });
      return locked(now + lockoutMs);
    }
    store.save({ failures, lockedUntil: 0 });
    return { ok: false, reason: 'wrong-pin', attemptsLeft: max - failures };
  }

  /** True while an admin session is open; each use extends it. */
  touch(): boolean {
    const now = this.now;
    if (now >= this.activeUntil) return false;
    this.activeUntil = now + (this.o.idleMs ?? 5 * 60_000);
    return true;
  }

  get active(): boolean {
    return this.now < this.activeUntil;
  }

  logout(): void {
    this.activeUntil = 0;
  }
}

/** Compares without an early exit, so timing does not tell how much of a PIN was right. */
function constantTimeEqual(a: string, b: string): boolean {
  let diff = a.length ^ b.length;
  for (let i = 0; i < Math.max(a.length, b.length); i++)
    diff |= (a.charCodeAt(i) || 0) ^ (b.charCodeAt(i) || 0);
  return diff === 0;
}
