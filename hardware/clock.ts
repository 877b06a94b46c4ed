/**
 * Time as drivers see it. Injected so tests can step through debounce windows, idle timeouts and
 * reconnect backoff without sleeping, and so a wall-clock jump (NTP) cannot reopen a window.
 */
export interface Clock {
  /** Milliseconds on a monotonic scale; only differences mean anything. */
  now(): number;
  /** Runs fn once after ms; returns a function that cancels it. */
  setTimeout(fn: () => void, ms: number): () => void;
}

export const systemClock: Clock = {
  // performance.now() is monotonic, unlike Date.now(), which moves when the kiosk's clock is set.
  now: () => performance.now(),
  setTimeout(fn, ms) {
    const timer = setTimeout(fn, ms);
    return () => clearTimeout(timer);
  },
};
