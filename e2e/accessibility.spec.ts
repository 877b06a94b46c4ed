/** Every patient-facing screen, in both languages, passes the accessibility checks (e2e/a11y.ts). */
import { expect, test } from '@playwright/test';
import { checkScreen } from './a11y.ts';
import { KioskPage, Simulators, eVoucherOf } from './kiosk.ts';

test.describe.configure({ mode: 'serial' });

for (const language of ['en', 'zh-CN'] as const) {
  test(`every screen is accessible (${language})`, async ({ page, request }, info) => {
    const sims = new Simulators(request);
    const kiosk = new KioskPage(page, info);
    const t = (en: string, zh: string) => (language === 'en' ? en : zh);
    await sims.showPerson('stuart', '3.png');
    await kiosk.open(language);
    await checkScreen(page, 'home');
    await kiosk.button(t('Pay with face', '刷脸缴费')).click();
    await kiosk.expectScreen('consent');
    await checkScreen(page, 'consent');
    await kiosk.shot(`29-consent-${language}`);
    await kiosk.agreeToFace();
    await kiosk.expectScreen('identifying');
    await checkScreen(page, 'identifying');
    await kiosk.expectScreen('not-recognised');
    await checkScreen(page, 'not-recognised');
    await kiosk.shot(`30-not-recognised-${language}`);
    await kiosk.button(t('Back to start', '回到首页')).click();
    await kiosk.expectScreen('home');

    // Stuart identifies with his e-voucher instead; his account is empty, so he pays cash.
    await sims.scan(eVoucherOf(7));
    await kiosk.expectScreen('bills');
    await checkScreen(page, 'bills');
    await page
      .getByRole('button', { name: t('Outpatient', '门诊') })
      .first()
      .click();
    await kiosk.expectScreen('review');
    await checkScreen(page, 'review');
    await kiosk.button(t('Confirm and pay', '确认支付')).click();
    await kiosk.expectScreen('choose-cash');
    await checkScreen(page, 'choose-cash');
    await kiosk.button(t('Scan a code with my phone', '用手机扫码支付')).click();
    await kiosk.expectScreen('paying-cash');
    await checkScreen(page, 'paying-cash');
    await kiosk.shot(`31-paying-cash-${language}`);
    await kiosk.button(t('Cancel', '取消')).click();
    await kiosk.expectScreen('home');

    // A notice and an error screen.
    await sims.scan(`not-a-code-${language}`);
    await expect(page.getByRole('alertdialog')).toBeVisible();
    await checkScreen(page, 'notice');
    await kiosk.button(t('OK', '好的')).click();
    await sims.gatewayOnline(false);
    try {
      await sims.scan(eVoucherOf(7));
      await kiosk.expectScreen('error');
      await checkScreen(page, 'error');
      await kiosk.button(t('Back to start', '回到首页')).click();
    } finally {
      await sims.gatewayOnline(true);
    }
    // Call staff dialog.
    await kiosk.button(t('Call staff', '呼叫工作人员')).click();
    await checkScreen(page, 'staff-called');
    await kiosk.button(t('OK', '好的')).click();
  });
}

test('care mode makes everything larger and still passes the checks', async ({ page }, info) => {
  const kiosk = new KioskPage(page, info);
  await kiosk.open('en');
  const h1 = page.getByRole('heading', { level: 1 });
  const before = await h1.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  await kiosk.button('Larger text').click();
  await expect(kiosk.button('Larger text')).toHaveAttribute('aria-pressed', 'true');
  const after = await h1.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  expect(after).toBeGreaterThan(before);
  await checkScreen(page, 'home (care mode)');
  await kiosk.shot('32-home-care-mode');
  await kiosk.button('Larger text').click();
});
