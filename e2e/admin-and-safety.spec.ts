/**
 * Staff and safety paths: the printer running out of paper mid-receipt (the patient is told where
 * to get the receipt; staff reprint it from admin mode), the admin PIN with lockout, and the
 * inactivity reset.
 */
import { expect, type Page } from '@playwright/test';
import { maskName } from '../core/masking.ts';
import { test } from './kiosk.ts';

/** A receipt row's time, in the hospital's time zone. */
const LOCAL_TIME = /\d{4}-\d{2}-\d{2} \d{2}:\d{2}/;

test.describe.configure({ mode: 'serial' });

test('paper runs out mid-receipt: the payment stands, the patient is told where to get the receipt, staff reprint it', async ({
  page,
  sims,
  kiosk,
}) => {
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
  // The time and the masked patient, never the full name.
  await expect(row).toContainText(LOCAL_TIME);
  await expect(row).toContainText(maskName('Howard Wolowitz'));
  await expect(row).not.toContainText('Howard');
  await kiosk.shot('21-admin-receipts');
  const before = (await sims.receipts()).length;
  await row.getByRole('button', { name: 'Reprint' }).click();
  await expect(page.getByText('Receipt reprinted.')).toBeVisible();
  await expect(page.locator('.admin-receipts li').first()).toContainText('printed');
  expect((await sims.receipts()).length).toBe(before + 1);
  const reprint = (await sims.receipts()).at(-1)!.text;
  expect(reprint).toContain('Total medical fees');

  await kiosk.button('Check devices', { exact: true }).click();
  const devices = page.locator('.admin-table');
  const printerRow = devices.locator('tr[data-device="printer"]');
  await expect(printerRow.locator('td')).toHaveText([
    'Printer (simulated)',
    'ready',
    '✓ Ready to print.',
  ]);
  await expect(devices).toContainText('✓');
  // The face row: the engine's workers and the gallery synced from the gateway.
  await expect(devices).toContainText(/Face recognition \(wasm x\d\)/);
  await expect(devices).toContainText('7 people enrolled');
  // The gateway as the out-of-service check last probed it.
  await expect(devices.locator('tr[data-device="gateway"]')).toContainText(
    'The insurance gateway answers.',
  );
  await kiosk.shot('22-admin-devices');
  await kiosk.button("Reconcile today's settlements").click();
  await expect(page.locator('.admin-reconciliation')).toContainText(
    'The kiosk and the insurance gateway agree.',
  );
  await kiosk.shot('22-admin-reconcile');
  await kiosk.button('Recent log').click();
  // Readable lines: local time, level, event, fields; no raw JSON, no patient.
  const log = page.locator('.admin-log li');
  await expect(log.filter({ hasText: 'settlement.settled' }).first()).toContainText(
    /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\s+INFO\s+settlement\.settled/,
  );
  await expect(page.locator('.admin-log')).not.toContainText('{"');
  await expect(page.locator('.admin-log')).not.toContainText('Howard');
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

/** The staff sign-in as a Chinese-speaking member of staff sees it: staff ID, then PIN. */
async function signInInChinese(page: Page, staffId: string, pin: string): Promise<void> {
  const box = (await page.getByTestId('admin-corner').boundingBox())!;
  await page.mouse.move(box.x + 10, box.y + 10);
  await page.mouse.down();
  // The corner opens only after a 3-second hold: held just past it, then let go.
  await page.waitForTimeout(3300);
  await page.mouse.up();
  const dialog = page.getByRole('dialog', { name: '工作人员密码' });
  await expect(dialog).toBeVisible();
  await page.getByRole('button', { name: /^工号/ }).click();
  for (const d of staffId) await page.getByRole('button', { name: d, exact: true }).click();
  await page.getByRole('button', { name: '确定', exact: true }).click();
  for (const d of pin) await page.getByRole('button', { name: d, exact: true }).click();
  await page.getByRole('button', { name: '确定', exact: true }).click();
  await expect(page.getByRole('dialog', { name: '管理模式' })).toBeVisible();
}

test('admin mode reads in Chinese: device check, receipts, reconciliation and the log', async ({
  page,
  kiosk,
}) => {
  await kiosk.open('zh-CN');
  // The supervisor's own account: the shared PIN is locked on purpose by a later test.
  await signInInChinese(page, '1002', '915372');
  await expect(page.getByText('已登录：1002（主管）')).toBeVisible();

  await kiosk.button('检查设备', { exact: true }).click();
  const devices = page.locator('.admin-table');
  await expect(devices.locator('tr[data-device="printer"] td')).toHaveText([
    '打印机 (模拟)',
    '正常',
    '✓ 可以打印。',
  ]);
  await expect(devices.locator('tr[data-device="gateway"] td')).toHaveText([
    '医保网关 (模拟)',
    '可连接',
    '✓ 医保网关有应答。',
  ]);
  await expect(devices).toContainText(/已登记 7 人（\d+ 个人脸模板），来自网关/);
  // Nothing of the check is left in English.
  await expect(devices).not.toContainText(/ready|printer|scanner|camera|gateway|persons|frame/i);
  await kiosk.shot('24-admin-devices-zh-CN');

  await kiosk.button('凭证与补打').click();
  const row = page.locator('.admin-receipts li').first();
  await expect(row).toContainText(LOCAL_TIME);
  await expect(row).toContainText(maskName('Howard Wolowitz'));
  await expect(row).toContainText('已打印');
  await expect(row).not.toContainText('Howard');

  await kiosk.button('今日对账').click();
  await expect(page.locator('.admin-reconciliation')).toContainText('本机与医保网关的账目一致。');
  await expect(page.locator('.admin-reconciliation')).toContainText('医疗费总额');
  await expect(page.locator('.admin-reconciliation')).not.toContainText(/AGREES|gateway/);
  await kiosk.shot('24-admin-reconcile-zh-CN');

  await kiosk.button('最近日志').click();
  await expect(page.locator('.admin-log li').first()).toContainText(
    /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\s+(INFO|WARN|ERROR)\s+\S+/,
  );
  await kiosk.button('退出管理模式').click();
  await expect(page.getByRole('dialog', { name: '管理模式' })).toHaveCount(0);
});

test('wrong PINs lock admin mode', async ({ page, kiosk }) => {
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
  sims,
  kiosk,
}) => {
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
