/**
 * Web mode: the kiosk host in a plain Node process, serving the renderer to a browser over
 * loopback. Used wherever Electron's binary is absent, and by every e2e test.
 */
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { KioskConfig } from '../core/config.ts';
import type { Clock } from '../core/domain.ts';
import type { LogFn } from '../core/ports.ts';
import { projectRoot } from '../face/face-engine.ts';
import { lockDataFolder } from './data-lock.ts';
import { webModeKeyLocation } from './key-location.ts';
import { KioskHost } from './kiosk-host.ts';
import type { LogRing } from './log.ts';
import type { Scenario } from '../gateway/simulator/scenario.ts';
import { simulatorControl } from './simulator-control.ts';
import { KioskWebServer } from './web-server.ts';

export interface WebModeOptions {
  config: KioskConfig;
  port: number;
  dataDir: string;
  log: LogFn;
  clock: Clock;
  controlToken?: string;
  staticDir?: string;
  version?: string;
  logRing?: LogRing;
  scenario?: Scenario;
  /** Where the sealing keys are looked for (key-location.ts); default process.env. */
  env?: Readonly<Record<string, string | undefined>>;
}

export interface RunningKiosk {
  url: string;
  controlToken: string;
  host: KioskHost;
  stop(): Promise<void>;
}

/** Throws DataFolderLocked when another kiosk is running on the same data folder. */
export async function startWebMode(o: WebModeOptions): Promise<RunningKiosk> {
  const lock = lockDataFolder(o.dataDir);
  try {
    return await startLocked(o, lock.release);
  } catch (error) {
    lock.release();
    throw error;
  }
}

async function startLocked(o: WebModeOptions, release: () => void): Promise<RunningKiosk> {
  const keys = webModeKeyLocation({
    dataDir: o.dataDir,
    mode: o.config.mode,
    env: o.env ?? process.env,
  });
  o.log('keys.location', { where: keys.where });
  const host = await KioskHost.start({
    keys: keys.keys,
    config: o.config,
    dataDir: o.dataDir,
    log: o.log,
    clock: o.clock,
    version: o.version ?? '0.0.0',
    ...(o.logRing ? { logRing: o.logRing } : {}),
    ...(o.scenario ? { scenario: o.scenario } : {}),
  });
  const controlToken = o.controlToken ?? randomBytes(16).toString('hex');
  const server = new KioskWebServer({
    service: host.service,
    staticDir: o.staticDir ?? join(projectRoot, 'dist', 'renderer'),
    token: randomBytes(24).toString('hex'),
    log: o.log,
    port: o.port,
    extraRoutes: host.simulators
      ? simulatorControl(host.simulators, controlToken, {
          kiosk: {
            openPayments: () => host.monitored().journal.open().length,
            screen: () => host.session.current.kind,
            toHome: () => host.session.cancel(),
          },
        })
      : undefined,
  });
  let url: string;
  try {
    url = await server.start();
  } catch (error) {
    await host.stop();
    throw error;
  }
  return {
    url,
    controlToken,
    host,
    async stop() {
      try {
        await server.stop();
        await host.stop();
      } finally {
        release();
      }
    },
  };
}
