/**
 * The real camera path: Chromium's fake camera plays a video of a fixture patient; the renderer
 * opens it with getUserMedia (chosen by label), sends downscaled frames to the kiosk host at a
 * bounded rate, and the host identifies the patient from them.
 */
import { expect } from '@playwright/test';
import { test } from './kiosk.ts';

test('a patient is identified from the camera read by the renderer (getUserMedia), look-alikes by a second factor', async ({
  page,
  kiosk,
}) => {
  await kiosk.open('en');
  await kiosk.startFace('identifying');
  const video = page.locator('video.camera-video');
  await expect(video).toBeVisible();
  await expect.poll(() => video.evaluate((v: HTMLVideoElement) => v.videoWidth)).toBe(640);
  await kiosk.shot('70-renderer-camera');
  // This kiosk's world has Sheldon's look-alike enrolled too: the kiosk does not guess, it asks.
  await kiosk.expectScreen('second-factor');
  await kiosk.shot('71-second-factor');
  for (const ch of '0113') await kiosk.button(ch, { exact: true }).click();
  await kiosk.button('Confirm').click();
  await kiosk.expectScreen('bills');
  await expect(page.getByRole('heading', { level: 1 })).toContainText('S****** C*****');
  await kiosk.button('Back').click();
  await kiosk.expectScreen('home');
});

test('a wrong second factor is not recognised, and nothing is charged', async ({ kiosk }) => {
  await kiosk.open('en');
  await kiosk.startFace('second-factor');
  for (const ch of '9999') await kiosk.button(ch, { exact: true }).click();
  await kiosk.button('Confirm').click();
  await kiosk.expectScreen('not-recognised');
  await kiosk.button('Back to start').click();
  await kiosk.expectScreen('home');
});
