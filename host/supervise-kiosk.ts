/**
 * The supervisor around scripts/start.ts: `npm start -- --headless --supervised` (that process
 * becomes the supervisor) or, lighter, `scripts/supervise.ts`, which loads only this (the
 * service's entry, deploy/systemd/). The child is the start script without --supervised. SIGINT
 * and SIGTERM stop the child cleanly and end here; the exit status is 0 after a stop and 1 when
 * restarts ran out.
 */
import { fork } from 'node:child_process';
import { createServer } from 'node:net';
import type { LogFn } from '../core/ports.ts';
import { Supervisor, type SupervisorOptions } from './supervisor.ts';
import { SUPERVISED_ENV } from './supervisor-heartbeat.ts';
import { withKioskFlags } from './node-flags.ts';

export interface SuperviseKioskOptions extends Partial<Omit<SupervisorOptions, 'spawn' | 'log'>> {
  /** The script to run as the child, with its arguments. */
  script: string;
  args: string[];
  log: LogFn;
  /**
   * Node's options for the child; default this process's (tsx's loader when run from source).
   * The kiosk's V8 flags (node-flags.ts) are added where missing.
   */
  execArgv?: string[];
}

/**
 * The supervisor for the start script: each child is a fork of it, told it is supervised (the
 * IPC channel alone is no proof: tsx gives its child one too), its output the kiosk's output.
 */
export function kioskSupervisor(o: SuperviseKioskOptions): Supervisor {
  const { script, args, execArgv, ...options } = o;
  return new Supervisor({
    ...options,
    spawn: () =>
      fork(script, args, {
        env: { ...process.env, [SUPERVISED_ENV]: '1' },
        stdio: 'inherit',
        execArgv: withKioskFlags(execArgv ?? process.execArgv),
      }),
  });
}

export async function superviseKiosk(o: SuperviseKioskOptions): Promise<number> {
  const supervisor = kioskSupervisor(o);
  const stop = () => void supervisor.stop();
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  try {
    return (await supervisor.start()) === 'stopped' ? 0 : 1;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

/**
 * The start script's arguments for every child: without --supervised, and with a fixed port when
 * none or port 0 was asked for, so a restart keeps the address its browser and clients know.
 */
export async function childArguments(args: readonly string[]): Promise<string[]> {
  const kept = args.filter((arg) => arg !== '--supervised');
  const at = kept.findIndex((arg) => arg === '--port' || arg.startsWith('--port='));
  const asked = at < 0 ? '0' : kept[at]!.startsWith('--port=') ? kept[at]!.slice(7) : kept[at + 1];
  if (asked !== '0') return kept;
  return [...kept, '--port', String(await freeLoopbackPort())];
}

/**
 * A loopback port free right now. A supervised kiosk asked for any port gets this one for every
 * child, so a restart keeps the address its browser window and clients know.
 */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
