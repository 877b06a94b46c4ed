import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defineConfig } from '@playwright/test';
import { CHROMIUM_PATHS } from './scripts/prerequisites.mjs';

const PORT = Number(process.env.E2E_PORT ?? 4620);
const CAMERA_PORT = PORT + 1;
/**
 * Lanes: one kiosk per Playwright worker, each worker driving its own kiosk one patient at a
 * time, as a lobby of kiosks does. Two on the 2-core CI machine: a spec waiting out a kiosk's
 * timer (out of service, in doubt, walking away) leaves the cores to the other lane.
 */
const lanes = Number(process.env.E2E_LANES ?? 2);
export const LANES = Number.isInteger(lanes) && lanes >= 1 ? lanes : 2;
/** The kiosk of lane `lane` (a worker's parallelIndex): 4620, 4622, ... (4621 is the camera's). */
export const lanePort = (lane: number): number => PORT + 2 * lane;
export const laneBaseURL = (lane: number): string => `http://127.0.0.1:${lanePort(lane)}/`;
/** Where lane `lane`'s kiosk sends staff calls: staff-call.spec.ts is that nurse-call system. */
export const staffCallPort = (lane: number): number => 4629 + 10 * lane;
export const CONTROL_TOKEN = 'e2e-control-token';
/** The video Chromium's fake camera plays (written by e2e/global-setup.ts). */
export const FAKE_CAMERA_FILE = join(import.meta.dirname, '.kiosk-data', 'fake-camera.y4m');
// Chromium's headless shell first (scripts/prerequisites.mjs): about half the CPU of the full one.
const chromium = CHROMIUM_PATHS.find((p) => existsSync(p));
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

/**
 * Lane `lane`'s kiosk configuration: e2e/kiosk.config.json with the lane's staff-call port, so a
 * staff call on one kiosk never reaches the receiver of a spec on the other.
 */
function laneConfig(lane: number): string {
  if (lane === 0) return 'e2e/kiosk.config.json';
  const config = JSON.parse(
    readFileSync(join(import.meta.dirname, 'e2e', 'kiosk.config.json'), 'utf8'),
  ) as { staffCall: { webhook: { url: string } } };
  config.staffCall.webhook.url = `http://127.0.0.1:${staffCallPort(lane)}/nurse-call`;
  const file = join('.kiosk-data', `kiosk-lane${lane}.config.json`);
  const text = JSON.stringify(config, null, 2);
  mkdirSync(join(import.meta.dirname, '.kiosk-data'), { recursive: true });
  // This file is loaded again by every worker: written only when it differs.
  const path = join(import.meta.dirname, file);
  if (!existsSync(path) || readFileSync(path, 'utf8') !== text) writeFileSync(path, text);
  return file;
}

/**
 * The kiosks e2e/global-setup.ts starts, side by side (e2e/kiosk-server.ts), each a host in web
 * mode with a fresh data directory: one per lane, with two staff accounts, an operator (1001,
 * PIN 480263) and a supervisor (1002, PIN 915372), besides the shared simulator PIN (which
 * admin-and-safety.spec.ts locks on purpose); and the camera kiosk, whose world has look-alikes
 * (two people enrolled from the same person's photos), so the second-factor path is exercised
 * with a real face.
 */
export function e2eKiosks(): { port: number; args: string[] }[] {
  return [
    ...Array.from({ length: LANES }, (_, lane) => ({
      port: lanePort(lane),
      args: ['--config', laneConfig(lane)],
    })),
    {
      port: CAMERA_PORT,
      args: [
        '--config',
        'e2e/renderer-camera.config.json',
        '--scenario',
        'e2e/twins-scenario.json',
      ],
    },
  ];
}
/** A kiosk's data directory in this run. */
export const kioskDataDir = (port: number): string =>
  join(import.meta.dirname, '.kiosk-data', `e2e-${run}-${port}`);

export default defineConfig({
  testDir: 'e2e',
  // Playwright empties its outputDir before a run: a folder of its own, so the unit suite's
  // report beside it (test-results/unit-results.json, read by `npm run bench`) survives.
  outputDir: 'test-results/e2e',
  globalSetup: './e2e/global-setup.ts',
  fullyParallel: false,
  // One kiosk per worker (lanes, above); a spec file's tests run in order on one of them.
  workers: LANES,
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
        // Lane 0's; each worker is given its own lane's (e2e/kiosk.ts, `test`).
        baseURL: laneBaseURL(0),
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
});
