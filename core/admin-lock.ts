/**
 * The admin PIN gate: a wrong PIN costs an attempt; after too many the gate locks for a while,
 * so a PIN cannot be guessed at the kiosk. An admin session ends by itself when left idle, so a
 * kiosk is never left open in admin mode in the lobby. Time comes from the injected clock.
 */
import type { Clock } from './domain.ts';

export interface AdminLockOptions {
  pin: string;
  clock: Clock;
  maxAttempts?: number;
  lockoutMs?: number;
  idleMs?: number;
}

export type AdminLoginResult =
  | { ok: true }
  | { ok: false; reason: 'wrong-pin'; attemptsLeft: number }
  | { ok: false; reason: 'locked'; lockedUntil: string };

export class AdminLock {
  private failures = 0;
  private lockedUntil = 0;
  private activeUntil = 0;

  constructor(private readonly o: AdminLockOptions) {}

  private get now(): number {
    return this.o.clock.now().getTime();
  }

  login(pin: string): AdminLoginResult {
    const now = this.now;
    if (now < this.lockedUntil)
      return { ok: false, reason: 'locked', lockedUntil: new Date(this.lockedUntil).toISOString() };
    if (constantTimeEqual(pin, this.o.pin)) {
      this.failures = 0;
      this.activeUntil = now + (this.o.idleMs ?? 5 * 60_000);
      return { ok: true };
    }
    this.failures++;
    const max = this.o.maxAttempts ?? 5;
    if (this.failures >= max) {
      this.failures = 0;
      this.lockedUntil = now + (this.o.lockoutMs ?? 15 * 60_000);
      return { ok: false, reason: 'locked', lockedUntil: new Date(this.lockedUntil).toISOString() };
    }
    return { ok: false, reason: 'wrong-pin', attemptsLeft: max - this.failures };
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
