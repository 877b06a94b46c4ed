/**
 * A fresh clone: no ../shared beside the project, so the simulated camera and the simulator's
 * enrolment photos are the composite demo people drawn at install (demo-faces/, by
 * scripts/make-demo-faces.ts). This spec starts a kiosk of its own on port 4660, with a fresh
 * data directory and KIOSK_SHARED_DIR pointing at an empty folder, and a patient pays by face.
 * Sheldon's photo 3 (not enrolled) is decisive by face alone under the shipped policy
 * (face/demo-faces.test.ts: 19 of the 21 probes are; sheldon/3.png is 0.207 from his enrolled
 * photos, 0.658 from the next person).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from '@playwright/test';
import { CONTROL_TOKEN, kioskLogFile } from '../playwright.config.ts';
import { KioskPage, test } from './kiosk.ts';
import { type KioskServer, startKiosk } from './kiosk-server.ts';

const PORT = 4660;
const BASE_URL = `http://127.0.0.1:${PORT}/`;
const root = join(import.meta.dirname, '..');
const logFile = kioskLogFile(PORT);

test.use({ baseURL: BASE_URL });
test.describe.configure({ mode: 'serial' });

let kiosk: KioskServer | undefined;
const temp: string[] = [];

test.beforeAll(async () => {
  test.setTimeout(180_000);
  expect(
    existsSync(join(root, 'demo-faces', 'sheldon', '3.png')),
    'demo-faces/ is drawn at install (npm install runs scripts/make-demo-faces.ts)',
  ).toBe(true);
  const dataDir = mkdtempSync(join(tmpdir(), 'kiosk-fresh-data-'));
  const sharedDir = mkdtempSync(join(tmpdir(), 'kiosk-fresh-shared-'));
  temp.push(dataDir, sharedDir);
  kiosk = await startKiosk({
    port: PORT,
    dataDir,
    logFile,
    env: { KIOSK_SHARED_DIR: sharedDir, KIOSK_CONTROL_TOKEN: CONTROL_TOKEN },
    timeoutMs: 170_000,
  });
  expect(readFileSync(logFile, 'utf8')).toMatch(/"event":"face\.fixtures","source":"demo"/);
});

test.afterAll(async () => {
  await kiosk?.stop();
  for (const dir of temp) rmSync(dir, { recursive: true, force: true });
});

test('a clone without ../shared: a demo person pays an outpatient bill by face', async ({
  page,
  sims,
}, info) => {
  const screen = new KioskPage(page, info);
  await sims.showPerson('sheldon', '3.png');
  await screen.open('en');
  await screen.startFace('bills');
  await screen.shot('90-fresh-clone-bills');
  await page.getByRole('button', { name: /Outpatient/ }).click();
  await screen.expectScreen('review');
  await screen.button('Confirm and pay').click();
  await screen.expectScreen('done');
  await expect(page.getByText('Please take your receipt')).toBeVisible();
  expect(await sims.billRecord('OP202611220001')).toMatchObject({ status: 'paid' });
  await screen.button('Finish').click();
  await screen.expectScreen('home');
});
