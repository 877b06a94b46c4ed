import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import {
  HEARTBEAT_MESSAGE,
  type SupervisedChild,
  Supervisor,
  type SupervisorOptions,
  type SupervisorState,
  type SupervisorTimers,
} from './supervisor.ts';
import { startHeartbeat } from './supervisor-heartbeat.ts';
import { childArguments } from './supervise-kiosk.ts';

/** Timers driven by the test: advance() fires what falls due, in order. */
function manualTimers(): SupervisorTimers & { advance(ms: number): void; pending(): number } {
  let now = 0;
  let nextId = 1;
  const due = new Map<number, { at: number; callback: () => void }>();
  return {
    now: () => now,
    setTimeout: (callback, ms) => {
      const id = nextId++;
      due.set(id, { at: now + ms, callback });
      return id;
    },
    clearTimeout: (handle) => void due.delete(handle as number),
    advance(ms) {
      const end = now + ms;
      for (;;) {
        const next = [...due.entries()]
          .filter(([, t]) => t.at <= end)
          .sort((a, b) => a[1].at - b[1].at)[0];
        if (!next) break;
        due.delete(next[0]);
        now = next[1].at;
        next[1].callback();
      }
      now = end;
    },
    pending: () => due.size,
  };
}

/** A child process as the supervisor sees it: messages, exit, kill (which it records). */
class FakeChild extends EventEmitter implements SupervisedChild {
  readonly signals: NodeJS.Signals[] = [];
  constructor(readonly pid: number | undefined) {
    super();
  }
  kill(signal: NodeJS.Signals): boolean {
    this.signals.push(signal);
    return true;
  }
  beat(): void {
    this.emit('message', HEARTBEAT_MESSAGE);
  }
  exit(code: number | null, signal: NodeJS.Signals | null = null): void {
    this.emit('exit', code, signal);
  }
}

function supervised(options: Partial<SupervisorOptions> = {}) {
  const timers = manualTimers();
  const children: FakeChild[] = [];
  const logs: { event: string; fields: Record<string, unknown> }[] = [];
  const states: SupervisorState[] = [];
  const supervisor = new Supervisor({
    spawn: (attempt) => {
      const child = new FakeChild(1000 + attempt);
      children.push(child);
      return child;
    },
    log: (event, fields = {}) => logs.push({ event, fields }),
    heartbeatTimeoutMs: 5000,
    startTimeoutMs: 30_000,
    initialBackoffMs: 1000,
    maxBackoffMs: 8000,
    stableAfterMs: 60_000,
    maxRestarts: 5,
    restartWindowMs: 600_000,
    stopTimeoutMs: 3000,
    timers,
    ...options,
  });
  supervisor.onState((s) => states.push(s.state));
  return { supervisor, timers, children, logs, states, last: () => children.at(-1)! };
}

describe('supervisor', () => {
  it('runs a child that keeps its heartbeat and leaves it alone', () => {
    const { supervisor, timers, children, last } = supervised();
    void supervisor.start();
    expect(supervisor.current).toMatchObject({ state: 'starting', attempt: 1 });
    last().beat();
    expect(supervisor.current.state).toBe('running');
    for (let i = 0; i < 20; i++) {
      timers.advance(2000);
      last().beat();
    }
    expect(children).toHaveLength(1);
    expect(last().signals).toEqual([]);
  });

  it('kills a child whose heartbeats stop, then starts another after the backoff', () => {
    const { supervisor, timers, children, logs, states } = supervised();
    void supervisor.start();
    children[0]!.beat();
    timers.advance(4999);
    expect(children[0]!.signals).toEqual([]);
    timers.advance(1);
    expect(children[0]!.signals).toEqual(['SIGKILL']);
    expect(supervisor.current.state).toBe('killing');
    children[0]!.exit(null, 'SIGKILL');
    expect(supervisor.current).toMatchObject({ state: 'restarting', restarts: 1 });
    timers.advance(999);
    expect(children).toHaveLength(1);
    timers.advance(1);
    expect(children).toHaveLength(2);
    children[1]!.beat();
    expect(states).toEqual(['starting', 'running', 'killing', 'restarting', 'starting', 'running']);
    expect(logs.map((l) => l.event)).toContain('supervisor.hung');
    expect(logs.find((l) => l.event === 'supervisor.exit')?.fields).toEqual({
      attempt: 1,
      signal: 'SIGKILL',
    });
  });

  it('a child that never sends a first heartbeat is killed after the start timeout', () => {
    const { supervisor, timers, children } = supervised();
    void supervisor.start();
    timers.advance(29_999);
    expect(children[0]!.signals).toEqual([]);
    timers.advance(1);
    expect(children[0]!.signals).toEqual(['SIGKILL']);
  });

  it('backs off exponentially while children keep dying, and starts over after a stable run', () => {
    const { supervisor, timers, children, logs } = supervised({ maxRestarts: 100 });
    void supervisor.start();
    const delays = () =>
      logs.filter((l) => l.event === 'supervisor.restart').map((l) => l.fields.delayMs);
    for (let i = 0; i < 5; i++) {
      children.at(-1)!.exit(1);
      timers.advance(10_000);
    }
    expect(delays()).toEqual([1000, 2000, 4000, 8000, 8000]);
    // This one runs healthily for over a minute before it dies: the next delay is the first one.
    const healthy = children.at(-1)!;
    healthy.beat();
    for (let i = 0; i < 31; i++) {
      timers.advance(2000);
      healthy.beat();
    }
    healthy.exit(1);
    expect(delays().at(-1)).toBe(1000);
  });

  it('gives up after maxRestarts within the window, and says so', async () => {
    const { supervisor, timers, children, logs } = supervised({ maxRestarts: 3 });
    const done = supervisor.start();
    for (let i = 0; i < 4; i++) {
      children.at(-1)!.exit(70);
      timers.advance(10_000);
    }
    expect(await done).toBe('gave-up');
    expect(children).toHaveLength(4);
    expect(logs.at(-1)).toEqual({
      event: 'supervisor.gave-up',
      fields: { restarts: 3, windowMs: 600_000 },
    });
    expect(timers.pending()).toBe(0);
  });

  it('stop sends SIGTERM, then SIGKILL if the child does not exit, and does not restart', async () => {
    const { supervisor, timers, children } = supervised();
    void supervisor.start();
    children[0]!.beat();
    const stopped = supervisor.stop();
    expect(children[0]!.signals).toEqual(['SIGTERM']);
    timers.advance(3000);
    expect(children[0]!.signals).toEqual(['SIGTERM', 'SIGKILL']);
    children[0]!.exit(null, 'SIGKILL');
    expect(await stopped).toBe('stopped');
    timers.advance(60_000);
    expect(children).toHaveLength(1);
  });

  it('stop during the backoff ends at once; a spawn that fails is retried like an exit', async () => {
    let fail = true;
    const { supervisor, timers, children } = supervised({
      spawn: (attempt) => {
        if (fail) throw new Error('EAGAIN');
        const child = new FakeChild(attempt);
        children.push(child);
        return child;
      },
    });
    void supervisor.start();
    expect(supervisor.current).toMatchObject({ state: 'restarting', attempt: 1 });
    fail = false;
    timers.advance(1000);
    expect(supervisor.current).toMatchObject({ state: 'starting', attempt: 2 });
    children[0]!.exit(0);
    expect(supervisor.current.state).toBe('restarting');
    expect(await supervisor.stop()).toBe('stopped');
    timers.advance(60_000);
    expect(children).toHaveLength(1);
  });

  it('the heartbeat is sent at once and then every interval, and stops with the supervisor', () => {
    const sent: unknown[] = [];
    const parent = new EventEmitter();
    let tick: (() => void) | undefined;
    let gone = false;
    const stop = startHeartbeat({
      send: (m) => sent.push(m),
      intervalMs: 2000,
      target: parent as unknown as Pick<NodeJS.Process, 'on' | 'off'>,
      onSupervisorGone: () => (gone = true),
      every: (fn, ms) => {
        expect(ms).toBe(2000);
        tick = fn;
        return () => (tick = undefined);
      },
    });
    expect(sent).toEqual([HEARTBEAT_MESSAGE]);
    tick!();
    tick!();
    expect(sent).toHaveLength(3);
    parent.emit('disconnect');
    expect(gone).toBe(true);
    expect(tick).toBeUndefined();
    stop();
    expect(parent.listenerCount('disconnect')).toBe(0);
  });

  it("the child gets the start script's flags without --supervised, and one fixed port", async () => {
    expect(await childArguments(['--headless', '--supervised', '--port', '8080'])).toEqual([
      '--headless',
      '--port',
      '8080',
    ]);
    expect(await childArguments(['--port=9000', '--supervised'])).toEqual(['--port=9000']);
    for (const asked of [['--headless'], ['--headless', '--port', '0'], ['--port=0']]) {
      const args = await childArguments(asked);
      const port = Number(args.at(-1));
      expect(args.slice(0, -2)).toEqual(asked);
      expect(args.at(-2)).toBe('--port');
      expect(Number.isInteger(port) && port > 0 && port < 65536).toBe(true);
    }
  });
});
