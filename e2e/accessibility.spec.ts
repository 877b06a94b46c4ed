/**
 * Every patient-facing screen passes the accessibility and layout checks (e2e/a11y.ts) at the
 * kiosk's three screen sizes (portrait 1080x1920, landscape 1920x1080 and 1366x768), with large
 * text off and on, in English at 1080x1920 and 1920x1080 and in Chinese at 1366x768. The English
 * walks keep a picture of each screen in each orientation in artifacts/screens/ (docs/screens.md).
 */
import { expect, type Page } from '@playwright/test';
import { checkScreen } from './a11y.ts';
import { eVoucherOf, test } from './kiosk.ts';

test.describe.configure({ mode: 'serial' });

/**
 * One walk per size, every screen with large text off and on, axe included (~20 s a walk):
 * English in the two full-size orientations (their pictures are kept), Chinese at the tightest
 * size, 1366x768.
 */
const sizes = [
  { orientation: 'portrait', width: 1080, height: 1920, languages: ['en'] },
  { orientation: 'landscape', width: 1920, height: 1080, languages: ['en'] },
  { orientation: 'landscape-small', width: 1366, height: 768, languages: ['zh-CN'] },
] as const;

/** ID numbers of the default scenario: one to bind as an adult, one of a child under 16. */
const AMY_ID = '110105197912170462';
const HALLEY_ID = '110105201905200626';

async function largeText(page: Page, language: 'en' | 'zh-CN', on: boolean): Promise<void> {
  const toggle = page.getByRole('button', { name: language === 'en' ? 'Larger text' : '大字模式' });
  if ((await toggle.getAttribute('aria-pressed')) !== String(on)) await toggle.click();
  await expect(toggle).toHaveAttribute('aria-pressed', String(on));
}

for (const size of sizes)
  for (const language of size.languages) {
    test(`every screen passes the checks at ${size.width}x${size.height}, large text off and on (${language})`, async ({
      page,
      sims,
      kiosk,
    }) => {
      test.setTimeout(300_000);
      await page.setViewportSize({ width: size.width, height: size.height });
      const t = (en: string, zh: string) => (language === 'en' ? en : zh);
      // The English walk in the two full-size orientations keeps the pictures docs/screens.md lists.
      const shoots = language === 'en' && size.orientation !== 'landscape-small';
      let shotNumber = 0;
      /** Checks the screen with large text off, then on; its picture is taken with it off. */
      const check = async (name: string) => {
        await largeText(page, language, false);
        await checkScreen(page, `${name} at ${size.width}x${size.height} (${language})`);
        shotNumber++;
        if (shoots)
          await kiosk.shot(`${size.orientation}-${String(shotNumber).padStart(2, '0')}-${name}`);
        await largeText(page, language, true);
        await checkScreen(
          page,
          `${name} at ${size.width}x${size.height}, large text (${language})`,
        );
        await largeText(page, language, false);
      };
      /** A dialog covers the header's buttons: checked as it opens, once per text size. */
      const checkDialog = async (name: string, open: () => Promise<void>, ok: string) => {
        for (const on of [false, true]) {
          await largeText(page, language, on);
          await open();
          await expect(page.getByRole('alertdialog')).toBeVisible();
          await checkScreen(
            page,
            `${name} at ${size.width}x${size.height}${on ? ', large text' : ''} (${language})`,
          );
          if (!on) {
            shotNumber++;
            if (shoots)
              await kiosk.shot(
                `${size.orientation}-${String(shotNumber).padStart(2, '0')}-${name}`,
              );
          }
          await kiosk.button(ok).click();
          await expect(page.getByRole('alertdialog')).toHaveCount(0);
        }
        await largeText(page, language, false);
      };

      await sims.showPerson('stuart', '3.png');
      await kiosk.open(language);
      await check('home');

      // Face: consent, the camera, and a face nobody matches.
      await kiosk.button(t('Pay with face', '刷脸缴费')).click();
      await kiosk.expectScreen('consent');
      await check('consent');
      await kiosk.agreeToFace();
      await kiosk.expectScreen('identifying');
      await check('identifying');
      await kiosk.expectScreen('not-recognised');
      await check('not-recognised');
      await kiosk.button(t('Back to start', '回到首页')).click();
      await kiosk.expectScreen('home');

      // The ID number typed in, refused as mistyped.
      await kiosk.button(t('Enter my ID number instead', '输入身份证号缴费')).click();
      await kiosk.agreeToFace(); // the face check follows the number
      await kiosk.expectScreen('id-entry');
      await check('id-entry');
      for (const d of '1234') await kiosk.button(d, { exact: true }).click();
      await kiosk.button(t('Next: look at the camera', '下一步：看摄像头')).click();
      await expect(page.getByRole('alert')).toBeVisible();
      await check('id-entry-invalid');
      await kiosk.button(t('Cancel', '取消')).click();
      await kiosk.expectScreen('home');

      // A face that is not decisive alone: the last 4 characters of the ID number.
      await sims.showPerson('leonard', '3.png');
      await kiosk.startFace('second-factor');
      await check('second-factor');
      await kiosk.button(t('Cancel', '取消')).click();
      await kiosk.expectScreen('home');

      // Stuart identifies with his e-voucher; his account is empty, so he pays cash.
      await sims.present(eVoucherOf(7));
      await kiosk.expectScreen('bills');
      await check('bills');
      await page
        .getByRole('button', { name: t('Outpatient', '门诊') })
        .first()
        .click();
      await kiosk.expectScreen('review');
      await check('review');
      await kiosk.button(t('Confirm and pay', '确认支付')).click();
      await kiosk.expectScreen('choose-cash');
      await check('choose-cash');
      await kiosk.button(t('Scan a code with my phone', '用手机扫码支付')).click();
      await kiosk.expectScreen('paying-cash');
      await check('paying-cash');
      await kiosk.button(t('Cancel', '取消')).click();
      await kiosk.expectScreen('home');

      // Sheldon's family: Missy's bills, one a family account may not pay, and binding screens.
      await sims.showPerson('sheldon', '1.png');
      await kiosk.startFace('bills');
      await expect(page.locator('.family')).toBeVisible();
      await check('bills-with-family');
      await page.locator('.family-row .bill').first().click();
      await kiosk.expectScreen('member-bills');
      await expect(page.locator('.bill-blocked').first()).toBeVisible();
      await check('member-bills');
      await page.locator('.bill-blocked').first().click();
      await kiosk.expectScreen('family-refused');
      await check('family-refused');
      await kiosk.button(t('Back to my bills', '返回我的费用')).click();
      await kiosk.expectScreen('bills');
      await page.locator('.family-row .btn-secondary').first().click();
      await kiosk.expectScreen('unbind-confirm');
      await check('unbind-confirm');
      await kiosk.button(t('Cancel', '取消')).click();
      await kiosk.expectScreen('bills');
      await kiosk.button(t('Add a family member', '添加家庭成员')).click();
      await kiosk.expectScreen('bind-id');
      await check('bind-id');
      for (const d of AMY_ID) await kiosk.button(d, { exact: true }).click();
      await kiosk.button(t('Next', '下一步'), { exact: true }).click();
      await kiosk.expectScreen('bind-relation');
      await check('bind-relation');
      await kiosk.button(t('Cancel', '取消')).click();
      await kiosk.expectScreen('bills');
      await kiosk.button(t('Add a family member', '添加家庭成员')).click();
      for (const d of HALLEY_ID) await kiosk.button(d, { exact: true }).click();
      await kiosk.button(t('Next', '下一步'), { exact: true }).click();
      await kiosk.expectScreen('bind-relation');
      await kiosk.button(t('Child', '子女')).click();
      await kiosk.expectScreen('bind-document');
      await check('bind-document');
      await kiosk.button(t('Cancel', '取消')).click();
      await kiosk.expectScreen('bills');
      await kiosk.button(t('Back', '返回'), { exact: true }).click();
      await kiosk.expectScreen('home');

      // A notice, an error screen and the staff call.
      let junk = 0;
      await checkDialog(
        'notice',
        async () => void (await sims.scan(`not-a-code-${language}-${junk++}`)),
        t('OK', '好的'),
      );
      await sims.gatewayOnline(false);
      try {
        await sims.present(eVoucherOf(7));
        await kiosk.expectScreen('error');
        await check('error');
        await kiosk.button(t('Back to start', '回到首页')).click();
        await kiosk.expectScreen('home');
      } finally {
        await sims.gatewayOnline(true);
      }
      await checkDialog(
        'staff-called',
        () => kiosk.button(t('Call staff', '呼叫工作人员')).click(),
        t('OK', '好的'),
      );
    });
  }

test('large text makes everything larger', async ({ page, kiosk }) => {
  await kiosk.open('en');
  const h1 = page.getByRole('heading', { level: 1 });
  const before = await h1.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  await kiosk.button('Larger text').click();
  await expect(kiosk.button('Larger text')).toHaveAttribute('aria-pressed', 'true');
  const after = await h1.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
  expect(after).toBeGreaterThan(before);
  await kiosk.shot('32-home-care-mode');
  await kiosk.button('Larger text').click();
});

test('the step indicator marks where the patient is, in words and with aria-current', async ({
  page,
  sims,
  kiosk,
}) => {
  await kiosk.open('en');
  await expect(page.getByRole('navigation', { name: 'Your steps' })).toHaveCount(0);
  await sims.present(eVoucherOf(7));
  await kiosk.expectScreen('bills');
  const steps = page.getByRole('navigation', { name: 'Your steps' }).getByRole('listitem');
  await expect(steps).toHaveText([/Find you/, /Choose bill/, /Check/, /Pay/, /Receipt/]);
  await expect(page.locator('[aria-current="step"]')).toHaveText(/Choose bill/);
  await expect(steps.first()).toContainText('✓');
  await page.getByRole('button', { name: 'Outpatient' }).first().click();
  await kiosk.expectScreen('review');
  await expect(page.locator('[aria-current="step"]')).toHaveText(/Check/);
  await kiosk.button('Cancel').click();
  await kiosk.expectScreen('home');
});

test('the checks fail on a screen that breaks them: axe, target size and contrast', async ({
  page,
}) => {
  // A page of our own, not the kiosk's: proves each check can fail (the walks above only pass).
  await page.setContent(
    `<html lang="en"><body style="background:#fff"><main>
      <h1 style="font-size:32px">Bills</h1>
      <button style="width:100px;height:100px"><svg width="20" height="20"></svg></button>
      <button style="width:40px;height:40px;font-size:24px">OK</button>
      <p style="color:#999;font-size:24px">Pale text</p>
    </main></body></html>`,
  );
  const failure = (p: Promise<void>) =>
    p.then(
      () => '',
      (e: Error) => e.message,
    );
  const all = await failure(checkScreen(page, 'a broken page'));
  // axe runs first: a button with no accessible name is critical.
  expect(all).toContain('axe on a broken page');
  expect(all).toContain('button-name');
  const rest = await failure(checkScreen(page, 'a broken page', { axe: false }));
  expect(rest).toContain('targets under 72x72');
  expect(rest).toContain('OK 40x40');
  await page
    .locator('button')
    .nth(1)
    .evaluate((el) => el.remove());
  const contrast = await failure(checkScreen(page, 'a broken page', { axe: false }));
  expect(contrast).toContain('text under 7:1');
  expect(contrast).toContain('Pale text');
  expect(contrast).toContain('2.85:1');
});
