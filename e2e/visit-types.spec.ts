/**
 * An inpatient deposit (run out of time, then paid as the hospital's prepayment), switching the
 * personal account off, and a payment that runs out of time. Discharge: e2e/inpatient.spec.ts.
 */
import { expect } from '@playwright/test';
import { centsOf, eVoucherOf, test } from './kiosk.ts';

test.describe.configure({ mode: 'serial' });

test('an inpatient deposit runs out of time unpaid, and then is paid as a deposit, not an insurance settlement', async ({
  page,
  sims,
  kiosk,
}) => {
  await kiosk.open('en');
  await sims.present(eVoucherOf(7)); // Stuart
  await kiosk.expectScreen('bills');
  await expect(page.getByRole('button', { name: /Inpatient deposit/ })).toBeVisible();
  await kiosk.shot('80-bills-inpatient');

  // A deposit is a cash prepayment: no insurance split.
  await page.getByRole('button', { name: /Inpatient deposit/ }).click();
  await kiosk.expectScreen('review');
  await expect(page.locator('.split')).toContainText('Insurance pays ¥0.00');
  await kiosk.button('Confirm and pay').click();
  await kiosk.button('Scan a code with my phone').click();
  await kiosk.expectScreen('paying-cash');
  await sims.expirePayment();
  await kiosk.expectScreen('error');
  await expect(page.getByRole('alert')).toContainText('not completed in time');
  await expect(page.getByRole('alert')).toContainText('Nothing has been charged');
  await kiosk.shot('81-payment-expired');
  await kiosk.button('Back to start').click();
  await kiosk.expectScreen('home');

  // Paid this time: a deposit is recorded as the hospital's prepayment on the visit (K701), not
  // settled with the insurance, and its discharge will net it (e2e/inpatient.spec.ts).
  await sims.present(eVoucherOf(7));
  await kiosk.expectScreen('bills');
  await page.getByRole('button', { name: /Inpatient deposit/ }).click();
  await kiosk.expectScreen('review');
  await expect(page.locator('.split')).toContainText('Insurance pays ¥0.00');
  await kiosk.button('Confirm and pay').click();
  await kiosk.button('Scan a code with my phone').click();
  await kiosk.expectScreen('paying-cash');
  await expect(page.locator('.kiosk')).toContainText('¥2000.00');
  await sims.payWithPhone();
  await kiosk.expectScreen('done');
  expect((await sims.receipts()).at(-1)!.text).toContain('Inpatient deposit');
  const deposit = await sims.billRecord('IP202611150001');
  expect(deposit).toMatchObject({ status: 'paid', settled_by: 'K701' });
  expect(deposit.deposits).toContainEqual({ amount_cents: 200_000, status: 'available' });
  await kiosk.button('Finish').click();
  await kiosk.expectScreen('home');
});

test('the patient can keep their personal account for later and pay the part in cash', async ({
  page,
  sims,
  kiosk,
}) => {
  // A photo that is not his enrolment photo: under the shipped policy the face alone is not
  // decisive, so the kiosk asks for the last 4 characters of his ID number before anything else.
  await sims.showPerson('leonard', '3.png');
  await kiosk.open('en');
  await kiosk.startFace('second-factor');
  await kiosk.shot('72-second-factor-face-not-decisive');
  for (const ch of '0180') await kiosk.button(ch, { exact: true }).click();
  await kiosk.button('Confirm').click();
  await kiosk.expectScreen('bills');
  await page.getByRole('button', { name: /Emergency/ }).click();
  await kiosk.expectScreen('review');
  const toggle = kiosk.button(/Use my insurance account/);
  await expect(toggle).toHaveAttribute('aria-pressed', 'true');
  const accountOn = centsOf(
    await page.locator('.split li', { hasText: 'Your insurance account pays' }).innerText(),
  );
  expect(accountOn).toBeGreaterThan(0);
  await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', 'false');
  await expect(page.locator('.split')).toContainText('Your insurance account pays ¥0.00');
  const cashOff = centsOf(await page.locator('.split-cash').innerText());
  expect(cashOff).toBeGreaterThanOrEqual(accountOn);
  await kiosk.shot('82-review-account-off');
  // The emergency bill had no visit: the kiosk registered one (2201) and uploaded its fee
  // details (2204) for the two pre-settlements, one visit for both.
  const prepared = await sims.billRecord('EM202611210001');
  expect(prepared).toMatchObject({ status: 'unpaid', visit_registered_by: 'kiosk' });
  expect(prepared.fees_uploaded_by).toBe('kiosk');
  expect(prepared.fees_mdtrt_id).toBe(prepared.mdtrt_id);
  await kiosk.button('Cancel').click();
  await kiosk.expectScreen('home');
  // Cancelled before paying: the kiosk takes its upload back (2205); the visit stays.
  await expect
    .poll(async () => (await sims.billRecord('EM202611210001')).fees_uploaded_by)
    .toBe('');
});
