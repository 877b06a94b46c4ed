import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';
import { KIOSK_NODE_FLAGS } from './host/node-flags.ts';

const PORT = Number(process.env.E2E_PORT ?? 4620);
const CAMERA_PORT = PORT + 1;
export const CONTROL_TOKEN = 'e2e-control-token';
/** The video Chromium's fake camera plays (written by e2e/global-setup.ts). */
export const FAKE_CAMERA_FILE = join(import.meta.dirname, '.kiosk-data', 'fake-camera.y4m');
const chromium = ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
const browserArgs = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
];
// One run's name, shared with the workers (they load this file again and inherit the env).
process.env.E2E_RUN ??= String(Date.now());
const run = process.env.E2E_RUN;
/** Where a kiosk's JSON log (stderr) goes: e2e/kiosk.ts prints its tail when a screen is wrong. */
export function kioskLogFile(port: number): string {
  return join(import.meta.dirname, '.kiosk-data', `e2e-${run}-${port}.log`);
}

/** A kiosk host in web mode with a fresh data directory, as CI and testers start it. */
function kiosk(port: number, extra = '') {
  return {
    command: `mkdir -p .kiosk-data && node ${KIOSK_NODE_FLAGS.join(' ')} --import tsx scripts/start.ts --headless --port ${port} --data .kiosk-data/e2e-${run}-${port} ${extra} 2>> ${kioskLogFile(port)}`,
    url: `http://127.0.0.1:${port}/`,
    env: { KIOSK_CONTROL_TOKEN: CONTROL_TOKEN },
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: 'pipe' as const,
    // The kiosk's JSON log is long: it goes to kioskLogFile(port) instead.
    stderr: 'ignore' as const,
  };
}

export default defineConfig({
  testDir: 'e2e',
  outputDir: 'test-results',
  globalSetup: './e2e/global-setup.ts',
  fullyParallel: false,
  // One kiosk, one patient at a time: the specs share the kiosk host, as a lobby does.
  workers: 1,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 30_000 },
  reporter: [['list'], ['json', { outputFile: 'test-results/e2e-results.json' }]],
  use: {
    viewport: { width: 1280, height: 1024 },
    screenshot: 'only-on-failure',
    // A failed test keeps its trace with DOM snapshots, without the screencast: recording it cost
    // a sixth of the suite's CPU (Chromium's GPU process 18.7 -> 6.1 s on two specs), and a
    // failure still keeps its screenshot.
    trace: { mode: 'retain-on-failure', screenshots: false },
  },
  projects: [
    {
      name: 'kiosk',
      testIgnore: /renderer-camera\.spec\.ts/,
      use: {
        baseURL: `http://127.0.0.1:${PORT}/`,
        launchOptions: { ...(chromium ? { executablePath: chromium } : {}), args: browserArgs },
      },
    },
    {
      // The same kiosk with a real camera read by the renderer: Chromium's fake camera plays a
      // video made from a fixture photo.
      name: 'renderer-camera',
      testMatch: /renderer-camera\.spec\.ts/,
      use: {
        baseURL: `http://127.0.0.1:${CAMERA_PORT}/`,
        permissions: ['camera'],
        launchOptions: {
          ...(chromium ? { executablePath: chromium } : {}),
          args: [
            ...browserArgs,
            '--use-fake-ui-for-media-stream',
            '--use-fake-device-for-media-stream',
            `--use-file-for-fake-video-capture=${FAKE_CAMERA_FILE}`,
          ],
        },
      },
    },
  ],
  // The camera kiosk's world has look-alikes (two people enrolled from the same person's photos),
  // so the second-factor path is exercised with a real face.
  webServer: [
    // Two staff accounts: an operator (1001, PIN 480263) and a supervisor (1002, PIN 915372), besides
    // the shared simulator PIN (which admin-and-safety.spec.ts locks on purpose).
    kiosk(PORT, '--config e2e/kiosk.config.json'),
    kiosk(
      CAMERA_PORT,
      '--config e2e/renderer-camera.config.json --scenario e2e/twins-scenario.json',
    ),
  ],
});
