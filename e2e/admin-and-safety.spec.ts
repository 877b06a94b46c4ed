/**
 * Staff and safety paths: the printer running out of paper mid-receipt (the patient is told where
 * to get the receipt; staff reprint it from admin mode), the admin PIN with lockout, and the
 * inactivity reset.
 */
import { expect, test } from '@playwright/test';
import { KioskPage, Simulators } from './kiosk.ts';

test.describe.configure({ mode: 'serial' });

test('paper runs out mid-receipt: the payment stands, the patient is told where to get the receipt, staff reprint it', async ({
  page,
  request,
}, info) => {
  const sims = new Simulators(request);
  const kiosk = new KioskPage(page, info);
  await sims.printer({ paperOut: false, paperLeftBytes: 200 });
  await sims.showPerson('howard', '1.png');
  await kiosk.open('en');
  await kiosk.startFace('bills');
  await page.getByRole('button', { name: /Outpatient/ }).click();
  await kiosk.button('Confirm and pay').click();
  const next = page.locator('.kiosk[data-screen="done"], .kiosk[data-screen="choose-cash"]');
  await expect(next).toBeVisible();
  if ((await page.locator('.kiosk').getAttribute('data-screen')) === 'choose-cash') {
    await kiosk.button('Scan a code with my phone').click();
    await kiosk.expectScreen('paying-cash');
    await sims.payWithPhone();
  }
  await kiosk.expectScreen('done');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Payment complete');
  await expect(page.getByText('The receipt could not be printed')).toBeVisible();
  await expect(page.getByRole('img', { name: 'Scan for your e-receipt' })).toBeVisible();
  await kiosk.shot('20-done-paper-out');
  await kiosk.button('Finish').click();
  await kiosk.expectScreen('home');

  // Staff refill the paper and reprint from admin mode.
  await sims.printer({ paperOut: false, paperLeftBytes: null });
  await kiosk.signInAsStaff('246810');
  await kiosk.button('Receipts and reprints').click();
  const row = page.locator('.admin-receipts li').first();
  await expect(row).toContainText('not printed');
  await kiosk.shot('21-admin-receipts');
  const before = (await sims.receipts()).length;
  await row.getByRole('button', { name: 'Reprint' }).click();
  await expect(page.getByText('Receipt reprinted.')).toBeVisible();
  await expect(page.locator('.admin-receipts li').first()).toContainText('printed');
  expect((await sims.receipts()).length).toBe(before + 1);
  const reprint = (await sims.receipts()).at(-1)!.text;
  expect(reprint).toContain('Total medical fees');

  await kiosk.button('Check devices', { exact: true }).click();
  await expect(page.locator('.admin-table')).toContainText('printer');
  await expect(page.locator('.admin-table')).toContainText('✓');
  // The face row: the engine's workers and the gallery synced from the gateway.
  await expect(page.locator('.admin-table')).toContainText(/face \(wasm x\d\)/);
  await expect(page.locator('.admin-table')).toContainText('7 persons');
  await kiosk.shot('22-admin-devices');
  await kiosk.button("Reconcile today's settlements").click();
  await expect(page.locator('.admin-text')).toContainText('AGREES');
  await kiosk.shot('22-admin-reconcile');
  await kiosk.button('Recent log').click();
  await expect(page.locator('.admin-text')).toContainText('settlement.settled');
  await expect(page.locator('.admin-text')).not.toContainText('Howard');
  await kiosk.button('Leave admin mode').click();
  await expect(page.getByRole('dialog', { name: 'Admin mode' })).toHaveCount(0);
  // Admin calls are refused once the admin session is closed.
  const refused = await page.evaluate(() =>
    window.kiosk!.adminLogs().then(
      () => 'served',
      (e: Error) => e.message,
    ),
  );
  expect(refused).toMatch(/admin mode is required/);
});

test('wrong PINs lock admin mode', async ({ page }, info) => {
  const kiosk = new KioskPage(page, info);
  await kiosk.open('en');
  const results = await page.evaluate(async () => {
    const out = [];
    for (let i = 0; i < 6; i++) out.push(await window.kiosk!.adminLogin('0000'));
    out.push(await window.kiosk!.adminLogin('246810'));
    return out;
  });
  expect(results[0]).toEqual({ ok: false, reason: 'wrong-pin', attemptsLeft: 4 });
  expect(results[4]).toMatchObject({ ok: false, reason: 'locked' });
  expect(results[6]).toMatchObject({ ok: false, reason: 'locked' });
});

test('a patient who walks away is warned, can ask for more time, and is then reset home', async ({
  page,
  request,
}, info) => {
  const sims = new Simulators(request);
  const kiosk = new KioskPage(page, info);
  await sims.showPerson('leonard', '1.png');
  await kiosk.open('en', '?inactivity=3,4');
  await kiosk.startFace('bills');
  const warning = page.getByRole('alertdialog', { name: 'Are you still there?' });
  await expect(warning).toBeVisible({ timeout: 10_000 });
  await expect(warning).toContainText(/ends? in \d seconds/);
  await kiosk.shot('23-inactivity-warning');
  await kiosk.button('I need more time').click();
  await expect(warning).toHaveCount(0);
  await kiosk.expectScreen('bills');
  // Nobody taps again: the warning comes back and the session resets home.
  await expect(warning).toBeVisible({ timeout: 10_000 });
  await kiosk.expectScreen('home');
});
