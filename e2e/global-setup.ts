import { mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  CONTROL_TOKEN,
  e2eKiosks,
  FAKE_CAMERA_FILE,
  kioskDataDir,
  kioskLogFile,
} from '../playwright.config.ts';
import { type KioskServer, startKiosk } from './kiosk-server.ts';
import { writeY4m } from './y4m.ts';

/** The camera's video, then every kiosk at once; what it returns stops them after the run. */
export default async function globalSetup(): Promise<() => Promise<void>> {
  mkdirSync(dirname(FAKE_CAMERA_FILE), { recursive: true });
  writeY4m(
    join(import.meta.dirname, '..', '..', 'shared', 'fixtures', 'faces', 'sheldon', '3.png'),
    FAKE_CAMERA_FILE,
  );
  const started: KioskServer[] = [];
  const stopAll = async () => void (await Promise.all(started.map((k) => k.stop())));
  const starting = e2eKiosks().map(({ port, args }) =>
    startKiosk({
      port,
      args,
      dataDir: kioskDataDir(port),
      logFile: kioskLogFile(port),
      env: { KIOSK_CONTROL_TOKEN: CONTROL_TOKEN },
    }).then((k) => void started.push(k)),
  );
  const outcomes = await Promise.allSettled(starting);
  const failed = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (failed) {
    await stopAll();
    throw failed.reason;
  }
  return stopAll;
}
