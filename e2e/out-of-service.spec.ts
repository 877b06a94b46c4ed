/**
 * Out of service: when the kiosk cannot take payments, the home screen sends the patient to the
 * counter, says why and what still works, in both languages and aloud, and offers nothing that
 * would fail; it goes back to normal by itself. Two causes (host/service-health.ts): nothing
 * can identify a patient (camera and scanner both down: at once), and the gateway failing its
 * probe for the configured period (kiosk.config.json: gateway.outOfServiceAfterMs), so a
 * gateway that drops mid-journey in other specs never flips the screen.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page } from '@playwright/test';
import { recordSpeech, spoken, test } from './kiosk.ts';

test.describe.configure({ mode: 'serial' });

const config = JSON.parse(readFileSync(join(import.meta.dirname, 'kiosk.config.json'), 'utf8')) as {
  gateway: { outOfServiceAfterMs: number };
};
const outOfServiceAfterMs = config.gateway.outOfServiceAfterMs;

const words = {
  en: {
    title: 'Out of service',
    counter: 'This kiosk cannot take payments right now. Please go to the counter.',
    gateway: 'The connection to the medical insurance service is down.',
    identify:
      'The camera and the code scanner are both not working, so the kiosk cannot find your insurance record.',
    stillWorks: 'You can still press “Call staff” to have someone come to you.',
    spoken:
      'This kiosk is out of service. Please go to the counter. You can still press “Call staff” to have someone come to you.',
    payWithFace: 'Pay with face',
    switchTo: '中文',
  },
  'zh-CN': {
    title: '暂停服务',
    counter: '本机暂时无法缴费，请到人工窗口办理。',
    gateway: '医保结算服务暂时连接不上。',
    identify: '摄像头和扫码器都无法使用，本机无法查到您的医保信息。',
    stillWorks: '您仍可以按“呼叫工作人员”，请工作人员过来。',
    spoken: '本机暂停服务，请到人工窗口办理。您仍可以按“呼叫工作人员”，请工作人员过来。',
    payWithFace: '刷脸缴费',
    switchTo: 'English',
  },
} as const;
type Language = keyof typeof words;

/** The out-of-service home screen, worded exactly, and nothing to pay with. */
async function expectOutOfService(
  page: Page,
  language: Language,
  reason: 'gateway' | 'identify',
  timeout?: number,
): Promise<void> {
  const w = words[language];
  await expect(page.getByRole('heading', { level: 1 })).toHaveText(w.title, { timeout });
  const screen = page.locator('.out-of-service');
  await expect(screen.locator('p')).toHaveText([w.counter, w[reason], w.stillWorks]);
  await expect(page.getByRole('button', { name: w.payWithFace })).toHaveCount(0);
  await expect.poll(() => spoken(page)).toContain(w.spoken);
}

async function switchLanguage(page: Page, from: Language): Promise<void> {
  await page.getByRole('button', { name: words[from].switchTo, exact: true }).click();
  await expect(page.locator('html')).toHaveAttribute('lang', from === 'en' ? 'zh-CN' : 'en');
}

/** The notice the scanner's unplugging (or return) raises on top of any screen, acknowledged. */
async function acknowledgeNotice(page: Page, text: string): Promise<void> {
  const notice = page.getByRole('alertdialog');
  await expect(notice).toContainText(text);
  await notice.getByRole('button').click();
  await expect(notice).toHaveCount(0);
}

test('camera and scanner both down: out of service at once, in both languages and aloud, then back', async ({
  page,
  sims,
  kiosk,
}) => {
  await recordSpeech(page);
  await kiosk.open('en');
  await expect(kiosk.button(words.en.payWithFace)).toBeVisible();
  await sims.scanner({ unplugged: true });
  try {
    await acknowledgeNotice(page, 'The code scanner is not working right now');
    // The camera still identifies: in service.
    await expect(kiosk.button(words.en.payWithFace)).toBeVisible();
    await sims.camera({ unplugged: true });
    await kiosk.expectScreen('home');
    await expectOutOfService(page, 'en', 'identify');
    await kiosk.shot('90-out-of-service-devices-en');
    await switchLanguage(page, 'en');
    await expectOutOfService(page, 'zh-CN', 'identify');
    await kiosk.shot('90-out-of-service-devices-zh-CN');
  } finally {
    await sims.camera({ unplugged: false });
    await sims.scanner({ unplugged: false });
  }
  // Back to normal by itself, as soon as the devices are.
  await expect(kiosk.button(words['zh-CN'].payWithFace)).toBeVisible();
  await expect(page.locator('.out-of-service')).toHaveCount(0);
  await acknowledgeNotice(page, '扫码器已恢复。');
});

test('the gateway unreachable past the configured period: out of service, then back when it returns', async ({
  page,
  sims,
  kiosk,
}) => {
  test.setTimeout(outOfServiceAfterMs + 90_000);
  await recordSpeech(page);
  await kiosk.open('en');
  await sims.gatewayOnline(false);
  try {
    // A gateway just gone is not yet out of service: a patient under way is not disturbed.
    await expect(kiosk.button(words.en.payWithFace)).toBeVisible();
    await expect(page.locator('.out-of-service')).toHaveCount(0);
    // Waits for the state the host pushes once the period has run out (checked every 2 s).
    await expectOutOfService(page, 'en', 'gateway', outOfServiceAfterMs + 30_000);
    await kiosk.shot('91-out-of-service-gateway-en');
    await switchLanguage(page, 'en');
    await expectOutOfService(page, 'zh-CN', 'gateway');
    await kiosk.shot('91-out-of-service-gateway-zh-CN');
    // A reload (a new window) is told the same.
    await page.reload();
    await expectOutOfService(page, 'zh-CN', 'gateway');
  } finally {
    await sims.gatewayOnline(true);
  }
  await expect(kiosk.button(words['zh-CN'].payWithFace)).toBeVisible();
  await expect(page.locator('.out-of-service')).toHaveCount(0);
  await switchLanguage(page, 'zh-CN');
  await expect(kiosk.button(words.en.payWithFace)).toBeVisible();
});
