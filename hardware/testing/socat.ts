/**
 * A virtual serial cable: socat joins two pseudo-terminals and links them at fixed paths. The
 * driver opens one end, the test plays the device on the other. Stopping socat is pulling the
 * cable; starting it again at the same paths is plugging it back in (a new pty behind the link).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** What a machine without socat is told, once per test that needs a virtual serial cable. */
export const SOCAT_MISSING =
  'socat is not installed: the serial printer and scanner tests need it (sudo apt-get install -y socat)';

export class SocatPair {
  /** The end a driver opens. */
  readonly driverPath: string;
  /** The end the test writes to, as the device. */
  readonly devicePath: string;
  private readonly dir: string;
  private process: ChildProcess | undefined;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'kiosk-socat-'));
    this.driverPath = join(this.dir, 'driver');
    this.devicePath = join(this.dir, 'device');
  }

  static async start(): Promise<SocatPair> {
    const pair = new SocatPair();
    try {
      await pair.plug();
    } catch (error) {
      await pair.dispose();
      throw error;
    }
    return pair;
  }

  async plug(): Promise<void> {
    if (this.process) throw new Error('socat is already running');
    const child = spawn(
      'socat',
      [`pty,raw,echo=0,link=${this.driverPath}`, `pty,raw,echo=0,link=${this.devicePath}`],
      { stdio: 'ignore' },
    );
    this.process = child;
    let exited = false;
    let missing = false;
    child.once('exit', () => {
      exited = true;
    });
    // Not installed: say so at once, rather than waiting out the links' 5 s for each test.
    child.once('error', (error: NodeJS.ErrnoException) => {
      exited = true;
      missing = error.code === 'ENOENT';
    });
    const deadline = Date.now() + 5_000;
    while (!existsSync(this.driverPath) || !existsSync(this.devicePath)) {
      if (missing) {
        this.process = undefined;
        throw new Error(SOCAT_MISSING);
      }
      if (exited) throw new Error('socat exited before creating its links');
      if (Date.now() > deadline) throw new Error('socat did not create its links within 5 s');
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  /** Stops socat (the cable is pulled) and waits until it has gone and its links with it. */
  async unplug(): Promise<void> {
    const child = this.process;
    this.process = undefined;
    if (child && child.exitCode === null && child.signalCode === null) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 2_000);
      await gone;
      clearTimeout(timer);
    }
    // socat removes its links on SIGTERM; after SIGKILL they would stay and point nowhere.
    rmSync(this.driverPath, { force: true });
    rmSync(this.devicePath, { force: true });
  }

  async dispose(): Promise<void> {
    await this.unplug();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
