/**
 * A watchdog for the web-mode host: it runs the kiosk as a child process, expects a heartbeat over
 * the IPC channel (sent from the child's event loop, so a loop stuck in a busy frame, a deadlock
 * or a synchronous decode stops them), and starts a fresh child when the last one exits or falls
 * silent (then SIGKILL: a hung loop cannot run a clean stop). Restarts back off exponentially and
 * are capped per window, so a kiosk that cannot start does not spin; the cap ends the supervisor
 * non-zero, for systemd (Restart=always, deploy/systemd/) to take over.
 *
 * Logs carry attempt numbers, exit codes, signals and delays only, never what the kiosk was doing.
 * Payments in doubt are settled by the new child's recovery; the data-folder lock of a killed
 * child is taken over (its pid is gone), so the restart is not blocked by the one it replaces.
 * Timers and clock are injectable; child processes come from a spawn function.
 */
import { EventEmitter } from 'node:events';
import type { LogFn } from '../core/ports.ts';

/** What the child sends on its IPC channel, every HEARTBEAT_INTERVAL_MS. */
export const HEARTBEAT_MESSAGE = { type: 'kiosk.heartbeat' } as const;
export const HEARTBEAT_INTERVAL_MS = 2000;

export function isHeartbeat(message: unknown): boolean {
  return (
    typeof message === 'object' &&
    message !== null &&
    (message as { type?: unknown }).type === HEARTBEAT_MESSAGE.type
  );
}

/** The part of a ChildProcess the supervisor uses. */
export interface SupervisedChild {
  readonly pid?: number | undefined;
  on(event: 'message', listener: (message: unknown) => void): unknown;
  on(
    event: 'exit',
    listener: (code: number | null, signal: NodeJS.Signals | null) => void,
  ): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  kill(signal: NodeJS.Signals): boolean;
}

export interface SupervisorTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  now(): number;
}

export const systemTimers: SupervisorTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
  now: () => Date.now(),
};

export interface SupervisorOptions {
  /** Starts child number `attempt` (1, 2, ...). */
  spawn: (attempt: number) => SupervisedChild;
  log: LogFn;
  /** Silence after which a running child is taken as hung. */
  heartbeatTimeoutMs?: number;
  /** How long a new child may take to send its first heartbeat. */
  startTimeoutMs?: number;
  /** The first restart's delay; each further one in a row doubles it, up to maxBackoffMs. */
  initialBackoffMs?: number;
  maxBackoffMs?: number;
  /** A child that kept its heartbeat this long was healthy: the next restart starts over at the initial delay. */
  stableAfterMs?: number;
  /** At most this many restarts within restartWindowMs; one more and the supervisor gives up. */
  maxRestarts?: number;
  restartWindowMs?: number;
  /** After SIGTERM on stop, how long before SIGKILL. */
  stopTimeoutMs?: number;
  timers?: SupervisorTimers;
}

export type SupervisorState =
  | 'idle'
  | 'starting' // a child was spawned; no heartbeat yet
  | 'running' // heartbeats arriving
  | 'killing' // silent too long: SIGKILL sent, waiting for the exit
  | 'restarting' // the child is gone; a new one starts after the backoff
  | 'stopping'
  | 'stopped'
  | 'gave-up';

export interface SupervisorStatus {
  state: SupervisorState;
  /** Children started so far. */
  attempt: number;
  /** Restarts so far (children started after the first). */
  restarts: number;
}

export class Supervisor {
  private readonly events = new EventEmitter();
  private readonly timers: SupervisorTimers;
  private status: SupervisorStatus = { state: 'idle', attempt: 0, restarts: 0 };
  private child: SupervisedChild | undefined;
  private watchdog: unknown;
  private restartTimer: unknown;
  private killTimer: unknown;
  private lastBeat = 0;
  private firstBeat: number | undefined;
  private inARow = 0;
  private restartTimes: number[] = [];
  private finished: Promise<SupervisorState>;
  private finish!: (state: SupervisorState) => void;

  constructor(private readonly o: SupervisorOptions) {
    this.timers = o.timers ?? systemTimers;
    this.finished = new Promise((resolve) => (this.finish = resolve));
  }

  get current(): SupervisorStatus {
    return { ...this.status };
  }

  /** Every change of state, with the status after it. */
  onState(listener: (status: SupervisorStatus) => void): () => void {
    this.events.on('state', listener);
    return () => this.events.off('state', listener);
  }

  /** Starts the first child; resolves with 'stopped' or 'gave-up' when supervision ends. */
  start(): Promise<SupervisorState> {
    if (this.status.state === 'idle') this.launch();
    return this.finished;
  }

  /** SIGTERM to the child (SIGKILL after stopTimeoutMs); resolves once it has exited. */
  stop(): Promise<SupervisorState> {
    const { state } = this.status;
    if (state === 'stopped' || state === 'gave-up' || state === 'stopping') return this.finished;
    this.timers.clearTimeout(this.restartTimer);
    this.timers.clearTimeout(this.watchdog);
    if (!this.child) {
      this.end('stopped');
      return this.finished;
    }
    this.set('stopping');
    this.o.log('supervisor.stop', { attempt: this.status.attempt });
    const child = this.child;
    child.kill('SIGTERM');
    this.killTimer = this.timers.setTimeout(() => {
      this.o.log('supervisor.stop-timeout', { attempt: this.status.attempt });
      child.kill('SIGKILL');
    }, this.o.stopTimeoutMs ?? 10_000);
    return this.finished;
  }

  private launch(): void {
    const attempt = this.status.attempt + 1;
    this.status = { ...this.status, attempt };
    this.firstBeat = undefined;
    let child: SupervisedChild;
    try {
      child = this.o.spawn(attempt);
    } catch (error) {
      this.o.log('supervisor.spawn-failed', {
        attempt,
        error: error instanceof Error ? error.name : typeof error,
      });
      this.child = undefined;
      this.scheduleRestart();
      return;
    }
    this.child = child;
    let exited = false;
    const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
      if (exited) return;
      exited = true;
      this.exited(child, code, signal);
    };
    child.on('message', (message) => {
      if (this.child === child && isHeartbeat(message)) this.beat();
    });
    child.on('exit', onExit);
    // A child that could not be spawned reports 'error' and never 'exit'.
    child.on('error', (error) => {
      this.o.log('supervisor.child-error', { attempt, error: error.name });
      if (child.pid === undefined) onExit(null, null);
    });
    this.set('starting');
    this.o.log('supervisor.spawn', { attempt });
    this.arm(this.o.startTimeoutMs ?? 60_000);
  }

  private beat(): void {
    const now = this.timers.now();
    this.lastBeat = now;
    if (this.status.state === 'starting') {
      this.firstBeat = now;
      this.set('running');
    }
    if (this.status.state === 'running') this.arm(this.o.heartbeatTimeoutMs ?? 15_000);
  }

  private arm(ms: number): void {
    this.timers.clearTimeout(this.watchdog);
    this.watchdog = this.timers.setTimeout(() => this.hung(ms), ms);
  }

  private hung(ms: number): void {
    const child = this.child;
    if (!child) return;
    const silentMs = this.firstBeat === undefined ? ms : this.timers.now() - this.lastBeat;
    this.o.log('supervisor.hung', {
      attempt: this.status.attempt,
      silentMs,
      started: this.firstBeat !== undefined,
    });
    this.set('killing');
    child.kill('SIGKILL');
  }

  private exited(child: SupervisedChild, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) return;
    this.child = undefined;
    this.timers.clearTimeout(this.watchdog);
    this.timers.clearTimeout(this.killTimer);
    this.o.log('supervisor.exit', {
      attempt: this.status.attempt,
      ...(code === null ? {} : { code }),
      ...(signal === null ? {} : { signal }),
    });
    if (this.status.state === 'stopping') this.end('stopped');
    else this.scheduleRestart();
  }

  private scheduleRestart(): void {
    const now = this.timers.now();
    const windowMs = this.o.restartWindowMs ?? 10 * 60_000;
    this.restartTimes = this.restartTimes.filter((at) => now - at < windowMs);
    if (this.restartTimes.length >= (this.o.maxRestarts ?? 10)) {
      this.o.log('supervisor.gave-up', {
        restarts: this.restartTimes.length,
        windowMs,
      });
      this.end('gave-up');
      return;
    }
    this.restartTimes.push(now);
    const stable =
      this.firstBeat !== undefined && now - this.firstBeat >= (this.o.stableAfterMs ?? 60_000);
    this.inARow = stable ? 0 : this.inARow + 1;
    const initial = this.o.initialBackoffMs ?? 1000;
    const delayMs = Math.min(
      this.o.maxBackoffMs ?? 30_000,
      initial * 2 ** Math.max(0, this.inARow - 1),
    );
    this.o.log('supervisor.restart', { attempt: this.status.attempt + 1, delayMs });
    this.status = { ...this.status, restarts: this.status.restarts + 1 };
    this.set('restarting');
    this.restartTimer = this.timers.setTimeout(() => this.launch(), delayMs);
  }

  private end(state: 'stopped' | 'gave-up'): void {
    this.set(state);
    this.finish(state);
  }

  private set(state: SupervisorState): void {
    this.status = { ...this.status, state };
    this.events.emit('state', this.current);
  }
}
