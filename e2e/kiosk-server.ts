/**
 * A kiosk host in web mode for the e2e specs, as CI and testers start it (`scripts/start.ts
 * --headless`): up once its page answers, its JSON log (stderr) in `kioskLogFile(port)`, where
 * KioskPage.expectScreen reads it when a screen is wrong.
 *
 * Why not Playwright's `webServer`: it starts its servers one after another, and each kiosk
 * spends its start enrolling the gallery on one core. Started together (e2e/global-setup.ts),
 * the lanes' kiosks and the camera's come up in the time of the slowest instead of the sum
 * (docs/performance.md, seventh pass).
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { KIOSK_NODE_FLAGS } from '../host/node-flags.ts';

const root = join(import.meta.dirname, '..');

export interface KioskServerOptions {
  port: number;
  /** Its data directory (created by the kiosk). */
  dataDir: string;
  /** Arguments after `--headless --port N --data DIR` (`--config`, `--scenario`). */
  args?: readonly string[];
  env?: Readonly<Record<string, string>>;
  logFile: string;
  /** How long it may take to serve; a cold start enrols the gallery first. */
  timeoutMs?: number;
}

export interface KioskServer {
  readonly url: string;
  /** SIGTERM, and waits for it to exit (SIGKILL after 15 s). */
  stop(): Promise<void>;
}

async function answers(url: string): Promise<boolean> {
  try {
    const r = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await r.body?.cancel();
    return r.ok;
  } catch {
    return false;
  }
}

export async function startKiosk(o: KioskServerOptions): Promise<KioskServer> {
  const url = `http://127.0.0.1:${o.port}/`;
  // A kiosk left over from another run would answer for this one.
  if (await answers(url)) throw new Error(`port ${o.port} is in use: stop what serves ${url}`);
  mkdirSync(dirname(o.logFile), { recursive: true });
  const log = openSync(o.logFile, 'a');
  const child = spawn(
    process.execPath,
    [
      ...KIOSK_NODE_FLAGS,
      '--import',
      'tsx',
      'scripts/start.ts',
      '--headless',
      '--port',
      String(o.port),
      '--data',
      o.dataDir,
      ...(o.args ?? []),
    ],
    { cwd: root, env: { ...process.env, ...o.env }, stdio: ['ignore', 'ignore', log] },
  );
  closeSync(log); // the child holds its own descriptor
  const exited = once(child, 'exit');
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  const deadline = Date.now() + (o.timeoutMs ?? 180_000);
  let gone = false;
  void exited.then(() => (gone = true));
  while (!(await answers(url))) {
    if (gone)
      throw new Error(
        `the kiosk on port ${o.port} exited (${String(child.exitCode ?? child.signalCode)}) before it served; see ${o.logFile}`,
      );
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`the kiosk on port ${o.port} did not serve in time; see ${o.logFile}`);
    }
    // A state to wait for (the page answering), polled: the kiosk has no way to call us back.
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { url, stop };
}
