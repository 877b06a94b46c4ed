/**
 * "Call staff" reaches staff: the e2e kiosk's configuration sends calls to a webhook on
 * 127.0.0.1:4629 (e2e/kiosk.config.json; the second lane's kiosk to 4639, playwright.config.ts),
 * the hospital's nurse-call system in a real lobby.
 * This test is that receiver: it answers, and the patient is told staff have the call.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { expect } from '@playwright/test';
import { staffCallPort } from '../playwright.config.ts';
import { eVoucherOf, test } from './kiosk.ts';

let receiver: Server;
const calls: { headers: IncomingMessage['headers']; body: Record<string, unknown> }[] = [];

// Playwright reads the fixtures a hook needs from its first parameter's pattern: none here.
// eslint-disable-next-line no-empty-pattern
test.beforeAll(async ({}, info) => {
  receiver = createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      calls.push({ headers: req.headers, body: JSON.parse(body) as Record<string, unknown> });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((resolve) =>
    receiver.listen(staffCallPort(info.parallelIndex), '127.0.0.1', resolve),
  );
});
test.afterAll(async () => {
  await new Promise((resolve) => receiver.close(resolve));
});

test('a patient calls staff from the bills screen: the nurse-call system gets it, with no personal data', async ({
  page,
  sims,
  kiosk,
}) => {
  await kiosk.open('en');
  // Stuart identifies with his e-voucher, then asks for help.
  await expect.poll(() => sims.scan(eVoucherOf(7)), { intervals: [1600] }).toBe('delivered');
  await kiosk.expectScreen('bills');
  await kiosk.button('Call staff').click();
  await expect(page.getByText('Staff have your call and are on the way.')).toBeVisible();
  await kiosk.shot('62-staff-called-acknowledged');
  expect(calls.length).toBeGreaterThan(0);
  const call = calls.at(-1)!;
  expect(call.body).toMatchObject({ kind: 'staff-call', kioskId: expect.any(String) });
  expect(typeof call.body.callId).toBe('string');
  // Which kiosk and when, never who: no name, ID number, person number or voucher.
  const sent = JSON.stringify(call);
  expect(sent).not.toMatch(/Stuart|Bloom|110105195608080607|P0008|4240000000000000000800110000/);
  await kiosk.button('OK').click();
  await kiosk.button('Back').click();
  await kiosk.expectScreen('home');
});
