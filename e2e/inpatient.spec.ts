/**
 * Inpatient discharge with two deposits netted off the patient's part (2303, 2304): Stuart's
 * deposits exceed his part, so nothing is paid and the hospital refunds the surplus; Howard's do
 * not, so he pays the rest by phone first. Each sees the deposits paid, the fund part and what is
 * left to pay or to be refunded, and the receipt prints the deposits netted.
 */
import { expect } from '@playwright/test';
import { centsOf, eVoucherOf, test } from './kiosk.ts';

test.describe.configure({ mode: 'serial' });

const yuan = (cents: number) => `¥${(cents / 100).toFixed(2)}`;
/** The amount on a receipt line, as the printer lays it out (no currency sign). */
const receiptLine = (text: string, label: string) =>
  text
    .split('\n')
    .find((l) => l.startsWith(label))
    ?.replace(/\s+/g, ' ')
    .trim();

test('deposits above the part: nothing to pay, and the surplus is refunded', async ({
  page,
  sims,
  kiosk,
}) => {
  const before = await sims.billRecord('IP202611200002');
  expect(before).toMatchObject({ status: 'unpaid', settled_by: '' });
  const held = before.deposits.filter((d) => d.status === 'available');
  expect(held.length).toBeGreaterThanOrEqual(2);
  const deposits = held.reduce((a, d) => a + d.amount_cents, 0);

  await kiosk.open('en');
  await sims.present(eVoucherOf(7)); // Stuart
  await kiosk.expectScreen('bills');
  await page.getByRole('button', { name: /Discharge settlement/ }).click();
  await kiosk.expectScreen('review');
  const split = page.locator('.split');
  const fund = centsOf(await split.locator('li', { hasText: 'Insurance pays' }).innerText());
  expect(fund).toBeGreaterThan(0);
  const part = centsOf(await split.locator('li', { hasText: 'Your part' }).innerText());
  expect(part).toBeLessThan(deposits);
  await expect(split.locator('li', { hasText: 'Deposits paid' })).toHaveText(
    `Deposits paid ${yuan(deposits)}`,
  );
  await expect(page.locator('.split-cash')).toHaveText(
    `${yuan(deposits - part)} of your deposits will be refunded to you, the way you paid them`,
  );
  await kiosk.shot('83-review-discharge-refund');

  // Nothing is left to pay: confirming settles at once, no payment method asked.
  await kiosk.button('Confirm and pay').click();
  await kiosk.expectScreen('done');
  await expect(page.locator('.done-deposits')).toHaveText(
    `Your deposits of ${yuan(deposits)} were set against your part of ${yuan(part)}. ` +
      `${yuan(deposits - part)} of your deposits will be refunded to you, the way you paid them.`,
  );
  await kiosk.shot('84-done-discharge-refund');
  const receipt = (await sims.receipts()).at(-1)!.text;
  expect(receiptLine(receipt, 'Deposits netted')).toBe(
    `Deposits netted ${(deposits / 100).toFixed(2)}`,
  );
  expect(receiptLine(receipt, 'Deposits refunded')).toBe(
    `Deposits refunded ${((deposits - part) / 100).toFixed(2)}`,
  );
  // Settled as an inpatient settlement (2304), the deposits netted by it.
  const after = await sims.billRecord('IP202611200002');
  expect(after).toMatchObject({ status: 'paid', settled_by: '2304' });
  expect(after.deposits.filter((d) => d.status === 'netted')).toHaveLength(held.length);
  await kiosk.button('Finish').click();
  await kiosk.expectScreen('home');
});

test('deposits below the part: the rest is paid by phone, then the discharge settles', async ({
  page,
  sims,
  kiosk,
}) => {
  const before = await sims.billRecord('IP202611190003');
  expect(before.deposits).toEqual([
    { amount_cents: 20_000, status: 'available' },
    { amount_cents: 15_000, status: 'available' },
  ]);

  await kiosk.open('en');
  await sims.present(eVoucherOf(3)); // Howard
  await kiosk.expectScreen('bills');
  await page.getByRole('button', { name: /Discharge settlement/ }).click();
  await kiosk.expectScreen('review');
  const split = page.locator('.split');
  expect(
    centsOf(await split.locator('li', { hasText: 'Insurance pays' }).innerText()),
  ).toBeGreaterThan(0);
  const part = centsOf(await split.locator('li', { hasText: 'Your part' }).innerText());
  const due = part - 35_000;
  expect(due).toBeGreaterThan(0);
  await expect(split.locator('li', { hasText: 'Deposits paid' })).toHaveText(
    'Deposits paid ¥350.00',
  );
  await expect(page.locator('.split-cash')).toHaveText(`Left to pay ${yuan(due)}`);
  await kiosk.shot('85-review-discharge-rest');

  await kiosk.button('Confirm and pay').click();
  await kiosk.button('Scan a code with my phone').click();
  await kiosk.expectScreen('paying-cash');
  // The QR is for the rest only.
  await expect(page.locator('.kiosk')).toContainText(yuan(due));
  await sims.payWithPhone();
  await kiosk.expectScreen('done');
  await expect(page.locator('.done-deposits')).toHaveText(
    `Your deposits of ¥350.00 were set against your part of ${yuan(part)}. ` +
      `You paid the remaining ${yuan(due)}.`,
  );
  await kiosk.shot('86-done-discharge-rest');
  const receipt = (await sims.receipts()).at(-1)!.text;
  expect(receiptLine(receipt, 'Deposits netted')).toBe('Deposits netted 350.00');
  expect(receiptLine(receipt, 'You paid (cash part)')).toBe(
    `You paid (cash part) ${(due / 100).toFixed(2)}`,
  );
  expect(receiptLine(receipt, 'Deposits refunded')).toBeUndefined();
  expect(await sims.billRecord('IP202611190003')).toMatchObject({
    status: 'paid',
    settled_by: '2304',
    deposits: [
      { amount_cents: 20_000, status: 'netted' },
      { amount_cents: 15_000, status: 'netted' },
    ],
  });
  await kiosk.button('Finish').click();
  await kiosk.expectScreen('home');
});
