/**
 * Family accounts at the kiosk: paying a bound member's bill from one's own account (mutual
 * aid), a refusal for an excluded category, binding an adult by face, unbinding, and binding a
 * child with documents and a staff PIN.
 */
import { expect } from '@playwright/test';
import type { KioskPage } from './kiosk.ts';
import { centsOf, test } from './kiosk.ts';

test.describe.configure({ mode: 'serial' });

const AMY_ID = '110105197912170462';
const HALLEY_ID = '110105201905200626';

async function keyIn(kiosk: KioskPage, text: string) {
  for (const ch of text) await kiosk.button(ch, { exact: true }).click();
}

test("pays a family member's outpatient bill with mutual aid, and explains why a chronic-disease bill cannot be paid", async ({
  page,
  sims,
  kiosk,
}) => {
  await sims.showPerson('sheldon', '1.png');
  await kiosk.open('en');
  await kiosk.startFace('bills');
  await expect(page.getByRole('heading', { name: 'Family members' })).toBeVisible();
  await kiosk.shot('50-bills-with-family');
  const missy = kiosk.button(/Pay for M\*+ C\*+/);
  await missy.click();
  await kiosk.expectScreen('member-bills');
  // The chronic-disease bill is marked, and choosing it says why it cannot be paid.
  const chronic = page
    .locator('.bill', { hasText: 'A family account cannot pay this bill' })
    .first();
  await expect(chronic).toBeVisible();
  await kiosk.shot('51-member-bills');
  await chronic.click();
  await kiosk.expectScreen('family-refused');
  await expect(page.getByRole('alert')).toContainText(
    'Chronic disease, maternity and work-injury bills cannot be paid from a family account',
  );
  await kiosk.shot('52-family-refused-category');
  await kiosk.button('Back to my bills').click();
  await kiosk.expectScreen('bills');

  await missy.click();
  await kiosk.expectScreen('member-bills');
  await page
    .locator('.bill', { hasNotText: 'A family account cannot pay this bill' })
    .first()
    .click();
  await kiosk.expectScreen('review');
  await expect(page.getByText(/You are paying for M\*+ C\*+, from your own account/)).toBeVisible();
  const mutualAid = centsOf(
    await page
      .locator('.split li', { hasText: 'Your insurance account pays for them' })
      .innerText(),
  );
  expect(mutualAid).toBeGreaterThan(0);
  await kiosk.shot('53-review-mutual-aid');
  await kiosk.button('Confirm and pay').click();
  await kiosk.expectScreen('done');
  const receipt = (await sims.receipts()).at(-1)!.text;
  const familyLine = receipt.split('\n').find((l) => l.includes('Family account paid'))!;
  expect(centsOf(familyLine)).toBe(mutualAid);
  await kiosk.button('Finish').click();
  await kiosk.expectScreen('home');
});

test('binds an adult by face, then unbinds', async ({ page, sims, kiosk }) => {
  await sims.showPerson('leonard', '1.png');
  await kiosk.open('en');
  await kiosk.startFace('bills');
  await kiosk.button('Add a family member').click();
  await kiosk.expectScreen('bind-id');
  await expect(page.getByText(/You can add \d more this month/)).toBeVisible();
  await keyIn(kiosk, AMY_ID);
  await kiosk.button('Next', { exact: true }).click();
  await kiosk.expectScreen('bind-relation');
  await expect(page.getByText('your family member looks at the camera')).toBeVisible();
  // Amy steps in front of the camera.
  await sims.showPerson('amy', '3.png');
  await kiosk.button('Spouse').click();
  await kiosk.expectScreen('bind-done');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('is now your family member');
  await kiosk.shot('54-bind-done-face');
  await kiosk.button('Back to my bills').click();
  await kiosk.expectScreen('bills');
  await expect(kiosk.button(/Pay for A\*+ F\*+ F\*+/)).toBeVisible();

  await kiosk.button(/Remove A\*+/).click();
  await kiosk.expectScreen('unbind-confirm');
  await kiosk.shot('55-unbind-confirm');
  await kiosk.button('Yes, remove').click();
  await kiosk.expectScreen('bills');
  await expect(kiosk.button(/Pay for A\*+ F\*+ F\*+/)).toHaveCount(0);
  await kiosk.button('Back').click();
});

test('binds a child under 16 with documents checked by staff (staff PIN)', async ({
  page,
  sims,
  kiosk,
}) => {
  await sims.showPerson('leonard', '1.png');
  await kiosk.open('en');
  await kiosk.startFace('bills');
  await kiosk.button('Add a family member').click();
  await keyIn(kiosk, HALLEY_ID);
  await kiosk.button('Next', { exact: true }).click();
  await kiosk.expectScreen('bind-relation');
  await expect(page.getByText('Under 16: a member of staff checks the documents')).toBeVisible();
  await kiosk.button('Child').click();
  await kiosk.expectScreen('bind-document');
  await kiosk.button('Birth certificate').click();
  // A birth medical certificate number: one letter (from the ABC page), then 9 digits.
  await kiosk.button('ABC').click();
  await keyIn(kiosk, 'O');
  await kiosk.button('123').click();
  await keyIn(kiosk, '440123456');
  await expect(page.locator('.keypad-display')).toHaveText('O440123456');
  await kiosk.button('Next: staff PIN').click();
  await keyIn(kiosk, '1111');
  await kiosk.button('Confirm').click();
  await expect(page.getByRole('alert')).toContainText('That PIN is not right');
  await keyIn(kiosk, '246810');
  await kiosk.button('Confirm').click();
  await kiosk.expectScreen('bind-done');
  await kiosk.shot('56-bind-done-child');
  await kiosk.button('Back to my bills').click();
  await expect(kiosk.button(/Pay for H\*+ W\*+ \(Child\)/)).toBeVisible();
  await kiosk.button('Back').click();
});
