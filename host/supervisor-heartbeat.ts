/**
 * The supervised child's half of host/supervisor.ts: a heartbeat over the IPC channel from this
 * process's event loop (a loop that stops turning stops the heartbeats, which is the point), and
 * a way to notice the supervisor is gone, so an orphaned kiosk does not keep the data folder's
 * lock from the supervisor's next child.
 */
import { HEARTBEAT_INTERVAL_MS, HEARTBEAT_MESSAGE } from './supervisor.ts';

/** The environment variable a supervisor sets for its child (the IPC channel alone is not proof: tsx has one too). */
export const SUPERVISED_ENV = 'KIOSK_SUPERVISED';

export interface HeartbeatOptions {
  /** process.send, or a test's channel. */
  send: (message: unknown) => unknown;
  intervalMs?: number;
  /** The process (an EventEmitter in tests): its 'disconnect' means the supervisor is gone. */
  target?: Pick<NodeJS.Process, 'on' | 'off'>;
  onSupervisorGone?: () => void;
  /** Calls fn every ms until the returned cancel (tests drive it by hand). */
  every?: (fn: () => void, ms: number) => () => void;
}

function every(fn: () => void, ms: number): () => void {
  const timer = setInterval(fn, ms);
  // The heartbeat alone never keeps the kiosk alive.
  timer.unref();
  return () => clearInterval(timer);
}

/** Starts the heartbeats (one at once, then every intervalMs); returns their stop. */
export function startHeartbeat(o: HeartbeatOptions): () => void {
  const send = () => {
    try {
      o.send(HEARTBEAT_MESSAGE);
    } catch {
      // The channel closed: 'disconnect' tells the rest.
    }
  };
  send();
  const cancel = (o.every ?? every)(send, o.intervalMs ?? HEARTBEAT_INTERVAL_MS);
  const target = o.target ?? process;
  const gone = () => {
    cancel();
    o.onSupervisorGone?.();
  };
  target.on('disconnect', gone);
  return () => {
    cancel();
    target.off('disconnect', gone);
  };
}

/** When this process runs under a supervisor, starts its heartbeat; otherwise does nothing. */
export function heartbeatIfSupervised(onSupervisorGone: () => void): (() => void) | undefined {
  if (process.env[SUPERVISED_ENV] !== '1' || !process.send) return undefined;
  return startHeartbeat({
    send: (message) => {
      // With a callback a closed channel is reported to it, not thrown as the process's 'error'.
      if (process.connected) process.send?.(message, undefined, {}, () => undefined);
    },
    onSupervisorGone,
  });
}
