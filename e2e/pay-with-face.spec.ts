/**
 * The skeleton's promise, end to end in Chromium against the real kiosk host in web mode:
 * face -> bills -> 2206 split -> confirm -> 2207 -> ESC/POS receipt -> done -> home.
 */
import { expect } from '@playwright/test';
import { centsOf, eVoucherOf, test } from './kiosk.ts';

test.describe.configure({ mode: 'serial' });

test('a patient pays an outpatient bill with their face and gets a receipt that matches the settlement', async ({
  page,
  sims,
  kiosk,
}, info) => {
  // Nobody at the camera yet: the kiosk keeps looking, and shows the patient what it sees. (With
  // Sheldon there from the start, he can be identified before a preview is ever drawn.)
  await sims.showNobody();
  const receiptsBefore = (await sims.receipts()).length;

  await kiosk.open('en');
  await kiosk.shot('01-home');
  await kiosk.startFace('identifying');
  await expect(page.locator('.camera img')).toBeVisible();
  await kiosk.shot('02-identifying');

  // Sheldon steps up.
  await sims.showPerson('sheldon', '1.png');
  await kiosk.expectScreen('bills');
  // Masked on screen: first character and last character only.
  await expect(page.getByRole('heading', { level: 1 })).toContainText('S');
  await expect(page.getByRole('heading', { level: 1 })).not.toContainText('Sheldon');
  const bill = page.getByRole('button', { name: /Outpatient/ });
  await expect(bill).toHaveCount(1);
  const billTotal = centsOf((await bill.locator('.bill-total').textContent()) ?? '');
  await kiosk.shot('03-bills');
  await bill.click();

  await kiosk.expectScreen('review');
  const total = centsOf((await page.locator('.amount-value').textContent()) ?? '');
  expect(total).toBe(billTotal);
  const splitText = (await page.locator('.split').innerText()).split('\n');
  const fund = centsOf(splitText.find((l) => l.startsWith('Insurance pays'))!);
  const account = centsOf(splitText.find((l) => l.startsWith('Your insurance account pays'))!);
  const cashLine = splitText.find((l) => l.startsWith('You pay'))!;
  const cash = cashLine.includes('nothing') ? 0 : centsOf(cashLine);
  expect(fund + account + cash).toBe(total);
  expect(fund).toBeGreaterThan(0);
  await kiosk.shot('04-review');
  await kiosk.button('Confirm and pay').click();

  await kiosk.expectScreen('done');
  await expect(page.getByText('Please take your receipt')).toBeVisible();
  await expect(page.getByRole('img', { name: 'Scan for your e-receipt' })).toBeVisible();
  await kiosk.shot('05-done');

  // The printer holds one new receipt whose amounts are the settlement's, to the cent.
  const receipts = await sims.receipts();
  expect(receipts).toHaveLength(receiptsBefore + 1);
  const text = receipts.at(-1)!.text;
  const line = (label: string) => centsOf(text.split('\n').find((l) => l.includes(label)) ?? '');
  expect(line('Total medical fees')).toBe(total);
  expect(line('Insurance fund paid')).toBe(fund);
  expect(line('Personal account paid')).toBe(account);
  expect(line('You paid (cash part)')).toBe(cash);
  expect(text).not.toContain('Sheldon');
  expect(text).not.toContain('110105198002260113');
  expect(text).toMatch(/\[QR https:\/\/einvoice\.example\/r\/S\d+\]/);
  await sims.saveReceiptPng(receipts.length - 1, 'receipt-en', info);
  // Settled under the visit the hospital registered, with the details the hospital uploaded.
  expect(await sims.billRecord('OP202611220001')).toMatchObject({
    status: 'paid',
    mdtrt_id: 'MD202611220001',
    visit_registered_by: 'hospital',
    fees_uploaded_by: 'hospital',
  });

  await kiosk.button('Finish').click();
  await kiosk.expectScreen('home');

  // The bill is paid: identifying the same patient again shows nothing left to pay.
  await kiosk.startFace('bills');
  await expect(page.getByText('You have no unpaid bills')).toBeVisible();
  await kiosk.button('Back').click();
  await kiosk.expectScreen('home');
});

test('a face that matches nobody is told so plainly, and nothing is charged', async ({
  page,
  sims,
  kiosk,
}) => {
  // Stuart is insured but has never enrolled his face.
  await sims.showPerson('stuart', '3.png');
  const receiptsBefore = (await sims.receipts()).length;
  await kiosk.open('en');
  await kiosk.startFace('not-recognised');
  await expect(page.getByText('Nothing has been charged')).toBeVisible();
  await kiosk.shot('06-not-recognised');
  expect(await sims.receipts()).toHaveLength(receiptsBefore);
  await kiosk.button('Back to start').click();
  await kiosk.expectScreen('home');
});

test('the next patient never sees the face of the one before on the camera screen', async ({
  page,
  sims,
  kiosk,
}) => {
  await kiosk.open('en');
  // Every picture the camera screen shows, in order, tagged with the attempt it was shown in.
  await page.evaluate(() => {
    const w = window as unknown as { shown: { attempt: number; src: string }[]; attempt: number };
    w.shown = [];
    w.attempt = 1;
    const record = (img: HTMLImageElement) => w.shown.push({ attempt: w.attempt, src: img.src });
    new MutationObserver((records) => {
      for (const r of records) {
        if (r.type === 'attributes' && r.target instanceof HTMLImageElement) record(r.target);
        for (const node of r.addedNodes)
          if (node instanceof Element)
            for (const img of node.querySelectorAll('.camera img')) record(img as HTMLImageElement);
      }
    }).observe(document.body, {
      subtree: true,
      childList: true,
      attributes: true,
      attributeFilter: ['src'],
    });
  });
  const shown = () =>
    page.evaluate(() => (window as unknown as { shown: { attempt: number; src: string }[] }).shown);
  // Stuart (never enrolled) is looked at until the kiosk says it does not know him.
  await sims.showPerson('stuart', '3.png');
  await kiosk.startFace('not-recognised');
  const his = (await shown()).map((s) => s.src);
  expect(his.length).toBeGreaterThan(0);
  // The preview comes from the host's own JPEG encoder (hardware/camera/jpeg-encoder.ts): the
  // browser decodes it, at the preview's size.
  const decoded = await page.evaluate(async (src) => {
    const img = new Image();
    img.src = src;
    await img.decode();
    return { width: img.naturalWidth, height: img.naturalHeight };
  }, his[0]!);
  expect(decoded.width).toBeGreaterThan(0);
  expect(decoded.width).toBeLessThanOrEqual(320);
  expect(decoded.height).toBeGreaterThan(0);
  await kiosk.button('Back to start').click();
  await kiosk.expectScreen('home');

  // Leonard steps up next.
  await sims.showPerson('leonard', '3.png');
  await page.evaluate(() => {
    (window as unknown as { attempt: number }).attempt = 2;
  });
  await kiosk.button('Pay with face').click();
  await kiosk.agreeToFace();
  await expect
    .poll(async () => (await shown()).filter((s) => s.attempt === 2).length)
    .toBeGreaterThan(0);
  const next = (await shown()).filter((s) => s.attempt === 2).map((s) => s.src);
  const stale = next.filter((src) => his.includes(src)).length;
  expect(stale, "pictures of Stuart's face shown to Leonard").toBe(0);
});

test('with the gateway down the patient gets a clear screen, and the kiosk works again once it is back', async ({
  page,
  sims,
  kiosk,
}) => {
  await sims.showPerson('leonard', '1.png');
  await sims.gatewayOnline(false);
  try {
    await kiosk.open('en');
    await kiosk.startFace('error');
    await expect(page.getByRole('alert')).toContainText('cannot be reached');
    await expect(page.getByRole('alert')).toContainText('Nothing has been charged');
    await kiosk.shot('07-gateway-down');
    await kiosk.button('Back to start').click();
    await kiosk.expectScreen('home');
  } finally {
    await sims.gatewayOnline(true);
  }
  await kiosk.startFace('bills');
  await expect(page.getByRole('button', { name: /Outpatient/ })).toHaveCount(1);
  await kiosk.button('Back').click();
  await kiosk.expectScreen('home');
});

test('the main path reads in Chinese too', async ({ page, sims, kiosk }, info) => {
  await sims.showPerson('amy', '1.png');
  await kiosk.open('zh-CN');
  await expect(kiosk.button('刷脸缴费')).toBeVisible();
  await kiosk.shot('08-home-zh');
  await kiosk.startFace('bills');
  await page.getByRole('button', { name: /门诊/ }).click();
  await kiosk.expectScreen('review');
  await expect(page.locator('.split')).toContainText('医保统筹支付');
  await kiosk.shot('09-review-zh');
  await kiosk.button('确认支付').click();
  await kiosk.expectScreen('done');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('缴费成功');
  await kiosk.shot('10-done-zh');
  const receipt = (await sims.receipts()).at(-1)!.text;
  expect(receipt).toContain('自助缴费凭证');
  await sims.saveReceiptPng((await sims.receipts()).length - 1, 'receipt-zh-CN', info);
  // Amy's visit was registered by the hospital, her fee details uploaded by the kiosk (2204)
  // before 2206 and 2207 settled them under it.
  expect(await sims.billRecord('OP202611220006')).toMatchObject({
    status: 'paid',
    mdtrt_id: 'MD202611220006',
    visit_registered_by: 'hospital',
    fees_uploaded_by: 'kiosk',
    fees_mdtrt_id: 'MD202611220006',
  });
  await kiosk.button('完成').click();
  await kiosk.expectScreen('home');
});

test('the cash part is paid by scanning a QR code with a phone', async ({ page, sims, kiosk }) => {
  // Penny's personal account is empty: she pays her part in cash.
  await sims.showPerson('penny', '1.png');
  await kiosk.open('en');
  await kiosk.startFace('bills');
  await page.getByRole('button', { name: /Outpatient/ }).click();
  await kiosk.expectScreen('review');
  const cash = centsOf(await page.locator('.split-cash').innerText());
  expect(cash).toBeGreaterThan(0);
  await kiosk.button('Confirm and pay').click();
  await kiosk.expectScreen('choose-cash');
  await expect(page.getByRole('heading', { level: 1 })).toContainText(`How would you like to pay`);
  await kiosk.shot('11-choose-cash');
  await kiosk.button('Scan a code with my phone').click();
  await kiosk.expectScreen('paying-cash');
  await expect(page.getByRole('img', { name: 'Payment code' })).toBeVisible();
  await kiosk.shot('12-paying-cash');
  await sims.payWithPhone();
  await kiosk.expectScreen('done');
  const receipt = (await sims.receipts()).at(-1)!.text;
  expect(receipt).toContain('Mobile payment');
  const cashLine = receipt.split('\n').find((l) => l.includes('You paid (cash part)'))!;
  expect(centsOf(cashLine)).toBe(cash);
  await kiosk.button('Finish').click();
  await kiosk.expectScreen('home');
});

test('the cash part can be paid later on credit, with the repayment date shown and printed', async ({
  page,
  sims,
  kiosk,
}) => {
  await sims.showPerson('bernadette', '1.png');
  await kiosk.open('en');
  await kiosk.startFace('bills');
  await page.getByRole('button', { name: /Outpatient/ }).click();
  await kiosk.button('Confirm and pay').click();
  await kiosk.expectScreen('choose-cash');
  await expect(
    page.getByText(/Credit available ¥2000\.00\. Repay by \d{4}-\d{2}-\d{2}/),
  ).toBeVisible();
  await kiosk.button('Pay later (credit)').click();
  await kiosk.expectScreen('done');
  await expect(
    page.getByText(/advanced on credit\. Please repay it by \d{4}-\d{2}-\d{2}/),
  ).toBeVisible();
  await kiosk.shot('13-done-credit');
  const receipt = (await sims.receipts()).at(-1)!.text;
  expect(receipt).toMatch(/Credit/);
  expect(receipt).toMatch(/Repay by\s+\d{4}-\d{2}-\d{2}/);
  await kiosk.button('Finish').click();
  await kiosk.expectScreen('home');
});

test('cancelling while the payment QR is shown charges nothing and returns home', async ({
  page,
  sims,
  kiosk,
}) => {
  await sims.showPerson('raj', '1.png');
  await kiosk.open('en');
  await kiosk.startFace('bills');
  await page.getByRole('button', { name: /Outpatient/ }).click();
  await kiosk.button('Confirm and pay').click();
  await kiosk.button('Scan a code with my phone').click();
  await kiosk.expectScreen('paying-cash');
  await kiosk.button('Cancel').click();
  await kiosk.expectScreen('home');
  // The bill is still unpaid: the patient can pay it now.
  await kiosk.startFace('bills');
  await expect(page.getByRole('button', { name: /Outpatient/ })).toHaveCount(1);
  await kiosk.button('Back').click();
});

test('a patient identifies with the insurance QR on their phone and pays the cash part with a wallet code', async ({
  page,
  sims,
  kiosk,
}) => {
  await sims.showNobody();
  await kiosk.open('en');
  await expect(page.getByText('medical insurance QR code on your phone')).toBeVisible();
  // Raj (index 4 in the scenario; empty personal account) shows his e-voucher QR.
  expect(await sims.scan(eVoucherOf(4))).toBe('delivered');
  await kiosk.expectScreen('bills');
  await page.getByRole('button', { name: /Outpatient/ }).click();
  await kiosk.expectScreen('review');
  expect(centsOf(await page.locator('.split-cash').innerText())).toBeGreaterThan(0);
  await kiosk.button('Confirm and pay').click();
  await kiosk.expectScreen('choose-cash');
  await expect(page.getByText('payment code to the scanner')).toBeVisible();
  // No credit line for Raj: only the phone options are offered.
  await expect(kiosk.button('Pay later (credit)')).toHaveCount(0);
  expect(await sims.scan('134567890123456789')).toBe('delivered');
  await kiosk.expectScreen('done');
  await kiosk.shot('14-done-voucher');
  const receipt = (await sims.receipts()).at(-1)!.text;
  expect(receipt).toContain('Wallet code');
  await kiosk.button('Finish').click();
  await kiosk.expectScreen('home');
});

test('a code the kiosk cannot use is explained and changes nothing', async ({
  page,
  sims,
  kiosk,
}) => {
  await kiosk.open('en');
  expect(await sims.scan('https://example.com/some-poster')).toBe('delivered');
  await expect(page.getByRole('alertdialog')).toContainText('This code cannot be used here');
  await kiosk.shot('15-scan-unknown');
  await kiosk.button('OK').click();
  await kiosk.expectScreen('home');
  // A refused (expired) e-voucher: a plain error, nothing charged.
  expect(await sims.scan('4249999999999999999900110000')).toBe('delivered');
  await kiosk.expectScreen('error');
  await expect(page.getByRole('alert')).toContainText('not accepted');
  await kiosk.button('Back to start').click();
  await kiosk.expectScreen('home');
});
