/**
 * Money in doubt, in front of the patient: a settlement whose answer was lost is confirmed while
 * they wait, on a screen that says so, and a bill whose payment is still open is shown as being
 * checked and cannot be paid again. Barry (the default scenario's patient 11) is used by no
 * other spec, so his bills are this file's alone.
 */
import { expect } from '@playwright/test';
import { eVoucherOf, test } from './kiosk.ts';

test.describe.configure({ mode: 'serial' });

const barry = eVoucherOf(10);

test('2207 answer lost twice and the first queries fail: "confirming", then paid', async ({
  page,
  sims,
  kiosk,
}) => {
  await kiosk.open('en');
  try {
    await sims.present(barry);
    await kiosk.expectScreen('bills');
    await page.getByRole('button', { name: /Cardiology/ }).click();
    await kiosk.expectScreen('review');
    await kiosk.button('Confirm and pay').click();
    await kiosk.expectScreen('choose-cash');
    await kiosk.button('Scan a code with my phone').click();
    await kiosk.expectScreen('paying-cash');
    // The gateway settles but its answer is lost (and the retry's), and the first two
    // questions about it fail: the kiosk cannot tell at once whether Barry has paid.
    await sims.gatewayFault({ infno: '2207', kind: 'reset-after-commit', times: 2 });
    await sims.gatewayFault({ infno: 'K102', kind: 'http-500', times: 2 });
    await sims.payWithPhone();
    await expect(
      page.getByText('Confirming your payment with the insurance service'),
    ).toBeVisible();
    await kiosk.shot('25-payment-being-confirmed');
    await kiosk.expectScreen('done');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Payment complete');
    await kiosk.button('Finish').click();
    await kiosk.expectScreen('home');
  } finally {
    await sims.clearGatewayFaults();
  }
});

test('a payment left open is "being checked": the bill is shown but cannot be paid again', async ({
  page,
  sims,
  kiosk,
}) => {
  await kiosk.open('zh-CN');
  try {
    await sims.present(barry);
    await kiosk.expectScreen('bills');
    await page.getByRole('button', { name: /皮肤科/ }).click();
    await kiosk.expectScreen('review');
    await kiosk.button('确认支付').click();
    await kiosk.expectScreen('choose-cash');
    await kiosk.button('用手机扫码支付').click();
    await kiosk.expectScreen('paying-cash');
    // Barry walks away from the QR while the gateway cannot cancel the order: the payment
    // stays open in the journal until the kiosk can settle it.
    await sims.gatewayFault({ infno: 'K203', kind: 'http-500', times: 1000 });
    await kiosk.button('取消').click();
    await kiosk.expectScreen('home');
    // The scanner drops the same code seen again within 1.5 s (a patient holding the phone
    // still); shown again after that, it is a new scan.
    await sims.present(barry);
    await kiosk.expectScreen('bills');
    const held = page.getByRole('button', { name: /皮肤科/ });
    await expect(held).toBeDisabled();
    await expect(held).toContainText('付款核对中，请勿重复缴费');
    await kiosk.shot('26-bill-being-checked-zh');
    await kiosk.button('返回').click();
    await kiosk.expectScreen('home');
  } finally {
    await sims.clearGatewayFaults();
  }
});
