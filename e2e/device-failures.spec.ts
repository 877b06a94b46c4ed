/** Devices failing in front of a patient: plain words, a next step, nothing charged. */
import { expect } from '@playwright/test';
import { test } from './kiosk.ts';

test.describe.configure({ mode: 'serial' });

test('the camera unplugged: a clear screen, and the QR and keypad routes remain', async ({
  page,
  sims,
  kiosk,
}) => {
  await sims.camera({ unplugged: true });
  try {
    await kiosk.open('en');
    await kiosk.startFace('error');
    await expect(page.getByRole('alert')).toContainText('The camera is not working');
    await kiosk.shot('60-camera-unplugged');
    await kiosk.button('Back to start').click();
    await kiosk.expectScreen('home');
    await expect(kiosk.button('Enter my ID number instead')).toBeVisible();
  } finally {
    await sims.camera({ unplugged: false });
  }
});

test('the scanner unplugged and back: the patient is told, and face payment still works', async ({
  page,
  sims,
  kiosk,
}) => {
  await kiosk.open('en');
  await sims.scanner({ unplugged: true });
  try {
    await expect(page.getByRole('alertdialog')).toContainText(
      'The code scanner is not working right now',
    );
    await kiosk.shot('61-scanner-unplugged');
    await kiosk.button('OK').click();
    expect(await sims.scan('4240000000000000000100110000')).toBe('unplugged');
    await kiosk.expectScreen('home');
  } finally {
    await sims.scanner({ unplugged: false });
  }
  await expect(page.getByRole('alertdialog')).toContainText('The code scanner is working again');
  await kiosk.button('OK').click();
});

test('several people in front of the camera: asked to step aside, nobody is guessed', async ({
  page,
  sims,
  kiosk,
}) => {
  await sims.showGroup('bbt1.jpg');
  try {
    await kiosk.open('en');
    await kiosk.startFace('identifying');
    await expect(page.getByRole('status')).toContainText('More than one person is in view');
    await kiosk.shot('62-multiple-faces');
    await kiosk.button('Cancel').click();
    await kiosk.expectScreen('home');
  } finally {
    await sims.showNobody();
  }
});

test('liveness on: a photo held up to the camera is asked to blink or turn, fails, and pays nothing', async ({
  page,
  sims,
  kiosk,
}) => {
  await sims.showPerson('sheldon', '3.png'); // a still photo: it can never blink or turn
  await sims.liveness(true);
  try {
    await kiosk.open('en');
    await kiosk.button('Pay with face').click();
    await kiosk.agreeToFace();
    await expect(page.getByRole('status')).toContainText(/close your eyes|turn your head/, {
      timeout: 20_000,
    });
    await kiosk.shot('63-liveness-challenge');
    await kiosk.expectScreen('not-recognised');
    await expect(page.getByText('Nothing has been charged')).toBeVisible();
    await kiosk.button('Back to start').click();
    await kiosk.expectScreen('home');
  } finally {
    await sims.liveness(false);
  }
});
