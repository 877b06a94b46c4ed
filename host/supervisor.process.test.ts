import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { processAlive } from './data-lock.ts';
import { KIOSK_NODE_FLAGS } from './node-flags.ts';
import { kioskSupervisor } from './supervise-kiosk.ts';
import { Supervisor, type SupervisorStatus } from './supervisor.ts';

const fixture = fileURLToPath(new URL('./supervisor-child.fixture.ts', import.meta.url));

/** Real child processes: the first one in `firstMode`, every later one healthy. */
function supervise(firstMode: 'hang' | 'exit') {
  const pids: number[] = [];
  const logs: string[] = [];
  const supervisor = new Supervisor({
    spawn: (attempt) => {
      const child = fork(fixture, [], {
        execArgv: ['--import', 'tsx'],
        env: { ...process.env, FIXTURE_MODE: attempt === 1 ? firstMode : 'healthy' },
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      if (child.pid) pids.push(child.pid);
      return child;
    },
    log: (event) => logs.push(event),
    // Generous for a loaded 2-core machine: a busy loop sends nothing at all, however long.
    heartbeatTimeoutMs: 1500,
    startTimeoutMs: 60_000,
    initialBackoffMs: 50,
    stopTimeoutMs: 5000,
  });
  return { supervisor, pids, logs };
}

/** Resolves with the first status (now or later) that matches. */
function reach(
  supervisor: Supervisor,
  matches: (status: SupervisorStatus) => boolean,
): Promise<SupervisorStatus> {
  return new Promise((resolve) => {
    if (matches(supervisor.current)) return resolve(supervisor.current);
    const off = supervisor.onState((status) => {
      if (!matches(status)) return;
      off();
      resolve(status);
    });
  });
}

let running: Supervisor | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

describe('supervisor with real child processes', () => {
  it('SIGKILLs a child whose event loop hangs and starts a fresh one', async () => {
    const { supervisor, pids, logs } = supervise('hang');
    running = supervisor;
    void supervisor.start();
    await reach(supervisor, (s) => s.state === 'running' && s.attempt === 1);
    const restarted = await reach(supervisor, (s) => s.state === 'running' && s.attempt === 2);
    expect(restarted.restarts).toBe(1);
    expect(logs).toEqual(expect.arrayContaining(['supervisor.hung', 'supervisor.restart']));
    expect(processAlive(pids[0]!)).toBe(false);
    expect(await supervisor.stop()).toBe('stopped');
    expect(processAlive(pids[1]!)).toBe(false);
  }, 90_000);

  it('starts a fresh child when one exits', async () => {
    const { supervisor, pids, logs } = supervise('exit');
    running = supervisor;
    void supervisor.start();
    const restarted = await reach(supervisor, (s) => s.state === 'running' && s.attempt === 2);
    expect(restarted.restarts).toBe(1);
    expect(logs).not.toContain('supervisor.hung');
    expect(pids).toHaveLength(2);
    expect(processAlive(pids[0]!)).toBe(false);
    expect(await supervisor.stop()).toBe('stopped');
  }, 90_000);

  it('the start script path: a forked child told it is supervised beats, runs with the kiosk V8 flags, and stops on SIGTERM', async () => {
    const mode = process.env.FIXTURE_MODE;
    process.env.FIXTURE_MODE = 'as-kiosk';
    const argvFile = join(mkdtempSync(join(tmpdir(), 'supervised-argv-')), 'exec-argv.json');
    process.env.FIXTURE_EXEC_ARGV_FILE = argvFile;
    try {
      const supervisor = kioskSupervisor({
        script: fixture,
        args: [],
        execArgv: ['--import', 'tsx'],
        log: () => undefined,
        startTimeoutMs: 60_000,
      });
      running = supervisor;
      void supervisor.start();
      await reach(supervisor, (s) => s.state === 'running');
      expect(await supervisor.stop()).toBe('stopped');
      expect(supervisor.current).toMatchObject({ attempt: 1, restarts: 0 });
      // Given only tsx's loader, the child still runs with the kiosk's flags (node-flags.ts).
      const execArgv = JSON.parse(readFileSync(argvFile, 'utf8')) as string[];
      expect(execArgv).toEqual(['--import', 'tsx', ...KIOSK_NODE_FLAGS]);
    } finally {
      delete process.env.FIXTURE_EXEC_ARGV_FILE;
      if (mode === undefined) delete process.env.FIXTURE_MODE;
      else process.env.FIXTURE_MODE = mode;
    }
  }, 90_000);
});
