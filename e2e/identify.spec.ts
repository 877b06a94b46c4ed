/** The other identification routes: ID number + 1:1 face, and a mistyped ID number. */
import { expect } from '@playwright/test';
import type { KioskPage } from './kiosk.ts';
import { test } from './kiosk.ts';

test.describe.configure({ mode: 'serial' });

const LEONARD_ID = '110105198005170180';

async function keyIn(kiosk: KioskPage, digits: string) {
  for (const d of digits) await kiosk.button(d, { exact: true }).click();
}

test('ID number then face (1:1) finds the patient', async ({ page, sims, kiosk }) => {
  await sims.showPerson('leonard', '4.png');
  await kiosk.open('en');
  await kiosk.button('Enter my ID number instead').click();
  await kiosk.agreeToFace();
  await kiosk.expectScreen('id-entry');
  await keyIn(kiosk, '110105198005170181'); // one digit wrong
  await kiosk.button('Next: look at the camera').click();
  await expect(page.getByRole('alert')).toContainText('does not look right');
  await kiosk.shot('40-id-entry-invalid');
  await kiosk.button('Delete').click();
  await keyIn(kiosk, '0');
  // Shown in its 6-8-4 groups (a thin space between, which toHaveText reads as a space).
  await expect(page.locator('.keypad-display')).toHaveText('110105 19800517 0180');
  await kiosk.button('Next: look at the camera').click();
  await kiosk.expectScreen('bills');
  await expect(page.getByRole('button', { name: /Emergency/ })).toBeVisible();
  await kiosk.button('Back').click();
  await kiosk.expectScreen('home');
});

test("someone else's ID number with my face is not recognised", async ({ sims, kiosk }) => {
  await sims.showPerson('sheldon', '3.png');
  await kiosk.open('en');
  await kiosk.button('Enter my ID number instead').click();
  await kiosk.agreeToFace();
  await keyIn(kiosk, LEONARD_ID);
  await kiosk.button('Next: look at the camera').click();
  await kiosk.expectScreen('not-recognised');
  await kiosk.button('Back to start').click();
  await kiosk.expectScreen('home');
});
