/**
 * When the patient stops tapping: after `warnAfter` seconds a warning counts down from
 * `countdown`; one tap gives more time; at zero the session is reset. Pure timing logic over an
 * injected clock, so it is tested without waiting.
 */
export type InactivityPhase =
  { phase: 'active' } | { phase: 'warning'; secondsLeft: number } | { phase: 'expired' };

export function inactivityPhase(
  now: number,
  lastActivity: number,
  warnAfterSeconds: number,
  countdownSeconds: number,
): InactivityPhase {
  const idle = (now - lastActivity) / 1000;
  if (idle < warnAfterSeconds) return { phase: 'active' };
  const left = Math.ceil(warnAfterSeconds + countdownSeconds - idle);
  return left > 0 ? { phase: 'warning', secondsLeft: left } : { phase: 'expired' };
}

/** Screens on which nobody needs to be hurried: nothing is open, or money is moving. */
export function watchesInactivity(screen: string): boolean {
  return screen !== 'home' && screen !== 'loading';
}
