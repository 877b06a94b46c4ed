/**
 * A staff refund from admin mode: Barry pays a bill at the kiosk, an operator cannot refund it,
 * the supervisor refunds it after confirming, a refund slip comes out, and both attempts are
 * in the log of admin actions.
 */
import { expect } from '@playwright/test';
import { eVoucherOf, test } from './kiosk.ts';

test.describe.configure({ mode: 'serial' });

test('an operator cannot refund; the supervisor refunds a payment with a slip; both audited', async ({
  page,
  sims,
  kiosk,
}) => {
  await kiosk.open('en');
  // Barry pays his eye clinic bill with a wallet code.
  // A scan of the same code within 1.5 s of the last is dropped by the scanner: shown again.
  await expect.poll(() => sims.scan(eVoucherOf(10)), { intervals: [1600] }).toBe('delivered');
  await kiosk.expectScreen('bills');
  await page.getByRole('button', { name: /Ophthalmology/ }).click();
  await kiosk.expectScreen('review');
  await kiosk.button('Confirm and pay').click();
  await kiosk.expectScreen('choose-cash');
  expect(await sims.scan('134567890123456789')).toBe('delivered');
  await kiosk.expectScreen('done');
  await kiosk.button('Finish').click();
  await kiosk.expectScreen('home');
  const printedBefore = (await sims.receipts()).length;

  // The operator sees the receipts but no refund, and the host refuses one asked for directly.
  await kiosk.signInAsStaff('480263', '1001');
  await expect(page.getByText('Signed in: 1001 (operator)')).toBeVisible();
  await kiosk.button('Receipts and reprints').click();
  const latest = page.locator('.admin-receipts li').first();
  await expect(latest).toBeVisible();
  await expect(kiosk.button('Refund')).toHaveCount(0);
  // The line reads time · masked patient · settlement number · amount · printed.
  const settlementId = /\bS\d{8,}\b/.exec(await latest.innerText())?.[0] ?? '';
  expect(settlementId).not.toBe('');
  const refused = await page.evaluate(
    (id) =>
      window.kiosk!.adminRefund(id).then(
        () => 'refunded',
        (e: Error) => e.message,
      ),
    settlementId,
  );
  expect(refused).toContain('refund needs a supervisor');
  await kiosk.button('Leave admin mode').click();

  // The supervisor refunds it, after saying yes once more.
  await kiosk.signInAsStaff('915372', '1002');
  await expect(page.getByText('Signed in: 1002 (supervisor)')).toBeVisible();
  await kiosk.button('Receipts and reprints').click();
  await page.locator('.admin-receipts li').first().getByRole('button', { name: 'Refund' }).click();
  await expect(page.getByRole('alertdialog')).toContainText(`Refund settlement ${settlementId}`);
  await kiosk.shot('23-admin-refund-confirm');
  await kiosk.button('Yes, refund').click();
  await expect(page.locator('.admin-text')).toContainText('Refunded.');
  await expect(page.locator('.admin-text')).toContainText('Give the patient the refund slip.');
  const slips = await sims.receipts();
  expect(slips.length).toBe(printedBefore + 1);
  expect(slips.at(-1)!.text).toContain('REFUND');
  expect(slips.at(-1)!.text).toContain(settlementId);
  // Both attempts are in the admin log (the audit log's rows go there too).
  const logs = await page.evaluate(() => window.kiosk!.adminLogs());
  expect(logs.join('\n')).toMatch(/admin\.refused.*refund/);
  expect(logs.join('\n')).toMatch(/admin\.refund\b/);
  await kiosk.button('Leave admin mode').click();
  // Barry's bill is his to pay again: the hospital lists it as unpaid.
  await expect.poll(() => sims.scan(eVoucherOf(10)), { intervals: [1600] }).toBe('delivered');
  await kiosk.expectScreen('bills');
  await expect(page.getByRole('button', { name: /Ophthalmology/ })).toBeEnabled();
  await kiosk.button('Back').click();
  await kiosk.expectScreen('home');
});
