/**
 * The tester panel (/sim/panel): a tester enters the control token once and drives the
 * simulators from the page; every change is checked against the control API's own state.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type APIRequestContext } from '@playwright/test';
import { CONTROL_TOKEN } from '../playwright.config.ts';
import { screensDir, test } from './kiosk.ts';

const headers = { 'x-kiosk-control': CONTROL_TOKEN };

interface SimState {
  camera: { scene: { kind: string; person?: string; photo?: string } };
  printer: {
    paperOut: boolean;
    paperNearEnd: boolean;
    coverOpen: boolean;
    offline: boolean;
    paperLeftBytes: number | null;
    receipts: number;
  };
  gateway: { online: boolean };
  reset: { refusal: string | null };
}

async function simState(request: APIRequestContext): Promise<SimState> {
  const r = await request.get('sim/state', { headers });
  expect(r.ok()).toBe(true);
  return (await r.json()) as SimState;
}

test('a tester drives the simulators from the panel', async ({ page, request }, info) => {
  // The reset waits (up to 60 s) for a payment an earlier spec left open to be recovered.
  test.setTimeout(180_000);
  const before = await simState(request);
  const pageErrors: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(m.text());
  });
  page.on('pageerror', (e) => pageErrors.push(e.message));

  await page.goto('sim/panel');
  await expect(page.getByRole('heading', { name: 'Kiosk simulator panel' })).toBeVisible();
  await expect(page.getByRole('status')).toHaveText('Enter the control token to begin.');
  await page.getByLabel('Control token').fill(CONTROL_TOKEN);
  await page.getByRole('button', { name: 'Use token' }).click();
  await expect(page.getByRole('status')).toHaveText('Connected to the kiosk simulators.');

  // Who stands in front of the camera.
  await page.getByLabel('Person').selectOption('leonard');
  await page.getByRole('group', { name: 'Photo' }).getByRole('button', { name: 'Photo 2' }).click();
  await expect
    .poll(async () => (await simState(request)).camera.scene)
    .toEqual({ kind: 'person', person: 'leonard', photo: '2.png' });
  await expect(page.locator('#camera-scene')).toHaveText('leonard, photo 2.png');

  // Printer faults: paper out on, then off again.
  const paperOut = page.getByRole('button', { name: 'Paper out' });
  await paperOut.click();
  await expect.poll(async () => (await simState(request)).printer.paperOut).toBe(true);
  await expect(paperOut).toHaveAttribute('aria-pressed', 'true');
  await paperOut.click();
  await expect.poll(async () => (await simState(request)).printer.paperOut).toBe(false);

  // Paper that runs out part-way through the next receipt, then an endless roll again.
  await page.getByLabel('Paper runs out after N bytes').fill('2000');
  await page.getByRole('button', { name: 'Set', exact: true }).click();
  await expect.poll(async () => (await simState(request)).printer.paperLeftBytes).toBe(2000);
  await page.getByRole('button', { name: 'Endless roll' }).click();
  await expect.poll(async () => (await simState(request)).printer.paperLeftBytes).toBeNull();

  // A scanner code and a gateway fault, armed and cleared, report what happened.
  await page.getByRole('button', { name: 'Garbage' }).click();
  await expect(page.getByRole('status')).toContainText('Scanned "HELLO-NOT-A-CODE": ');
  await page.getByLabel('Fault kind').selectOption('latency');
  await page.getByRole('button', { name: 'Arm fault' }).click();
  await expect(page.getByRole('status')).toHaveText(
    'Armed latency on 2207 for the next 1 call(s).',
  );
  await page.getByRole('button', { name: 'Clear all faults' }).click();
  await expect(page.getByRole('status')).toHaveText('All gateway faults cleared.');

  // Receipts: a picture for each one the printer holds, and a clear 404 past the last.
  const receipts = (await (await request.get('sim/printer/receipts', { headers })).json()) as {
    index: number;
  }[];
  const past = await request.get(`sim/printer/receipts/${receipts.length}.png`, { headers });
  expect(past.status()).toBe(404);
  expect(((await past.json()) as { error: string }).error).toMatch(
    new RegExp(`^no receipt ${receipts.length}: the printer holds`),
  );
  if (receipts.length > 0) {
    const png = await request.get(`sim/printer/receipts/${receipts.length - 1}.png`, { headers });
    expect(png.status()).toBe(200);
    expect(png.headers()['content-type']).toBe('image/png');
    expect((await png.body()).subarray(0, 8)).toEqual(
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    );
    await expect(
      page.getByRole('img', { name: `Receipt ${receipts.length - 1} as printed` }),
    ).toBeVisible();
  } else {
    await expect(page.getByText('No receipts printed yet.')).toBeVisible();
  }
  // Bad input gets a message naming the field.
  const bad = await request.post('sim/printer', { headers, data: { paperOut: 'yes' } });
  expect(bad.status()).toBe(400);
  expect(((await bad.json()) as { error: string }).error).toMatch(/^paperOut: /);

  // Every control is a target a finger (or a tired tester) can hit.
  const small = await page.locator('button, input, select').evaluateAll((elements) =>
    elements
      .filter((e) => {
        const r = e.getBoundingClientRect();
        return r.width > 0 && (r.width < 44 || r.height < 44);
      })
      .map((e) => e.id || (e.textContent ?? '').trim()),
  );
  expect(small).toEqual([]);

  mkdirSync(screensDir, { recursive: true });
  const path = join(screensDir, 'sim-panel.png');
  await page.screenshot({ path, fullPage: true });
  await info.attach('sim-panel', { path, contentType: 'image/png' });
  // Scripts and styles load as files, so the kiosk's CSP has nothing to refuse.
  expect(pageErrors).toEqual([]);

  // Reset the simulated world: asked first (declining changes nothing), refused while the kiosk
  // pays or has payments open (a spec before this one may have left one for recovery to finish).
  await page.locator('#gateway-offline').click();
  await expect.poll(async () => (await simState(request)).gateway.online).toBe(false);
  const reset = page.getByRole('button', { name: 'Reset the simulated world…' });
  page.once('dialog', (dialog) => void dialog.dismiss());
  await reset.click();
  await expect(page.getByRole('status')).toHaveText('Reset cancelled: nothing changed.');
  expect((await simState(request)).gateway.online).toBe(false);
  await page.locator('#gateway-online').click();
  await expect
    .poll(async () => (await simState(request)).reset.refusal, { timeout: 60_000 })
    .toBeNull();
  await expect(page.locator('#reset-state')).toHaveText('possible now');
  await page.locator('#gateway-offline').click();
  await expect.poll(async () => (await simState(request)).gateway.online).toBe(false);
  let asked = '';
  page.once('dialog', (dialog) => {
    asked = dialog.message();
    void dialog.accept();
  });
  await reset.click();
  await expect(page.getByRole('status')).toHaveText(
    /^The simulated world is the scenario as loaded again \(\d+ settlements? undone\)\.$/,
  );
  expect(asked).toMatch(/^Reset the simulated world\? /);
  const after = await simState(request);
  expect(after.gateway.online).toBe(true);
  expect(after.printer.receipts).toBe(0);
  expect(after.camera.scene).toEqual({ kind: 'empty' });
  await expect(page.locator('#gateway-state')).toHaveText('online');
  await expect(page.getByText('No receipts printed yet.')).toBeVisible();

  // Leave the shared kiosk host as this test found it (less its receipts and settlements).
  const { paperOut: po, paperNearEnd, coverOpen, offline, paperLeftBytes } = before.printer;
  await request.post('sim/camera', { headers, data: { scene: before.camera.scene } });
  await request.post('sim/printer', {
    headers,
    data: { paperOut: po, paperNearEnd, coverOpen, offline, paperLeftBytes },
  });
});
