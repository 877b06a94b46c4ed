/**
 * The kiosk host wired end to end in simulator mode: a patient identified by their e-voucher at
 * the simulated scanner presses "call staff" on the bills screen and a real HTTP receiver gets
 * the kiosk, the screen and the time, and nothing about the patient; a staff badge at the same
 * scanner signs in to admin mode and never reaches the patient's session.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { parseConfig } from '../core/config.ts';
import type { Notice, SessionView } from '../core/kiosk-api.ts';
import { loadScenario } from '../gateway/simulator/scenario.ts';
import { KioskHost } from './kiosk-host.ts';
import { newBadge } from './staff-accounts.ts';

const scenario = loadScenario();
const patient = scenario.patients.find(
  (p) => p.ec_qr && scenario.bills.some((b) => b.psn_no === p.psn_no),
)!;
const badge = newBadge('2001');
const received: string[] = [];
const server = createServer((req, res) => {
  let raw = '';
  req.on('data', (chunk: Buffer) => (raw += chunk.toString()));
  req.on('end', () => {
    received.push(raw);
    res.writeHead(200).end();
  });
});
let dir: string;
let host: KioskHost;
const events: string[] = [];

beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/call`;
  dir = mkdtempSync(join(tmpdir(), 'staff-call-host-'));
  const config = parseConfig({
    kioskId: 'LOBBY-09',
    language: 'en',
    staff: [{ id: '2001', role: 'operator', badgeHash: badge.badgeHash }],
    staffCall: { webhook: { url, backoffMs: 10 } },
  });
  host = await KioskHost.start({
    config,
    dataDir: join(dir, 'kiosk'),
    log: (event) => events.push(event),
    clock: { now: () => new Date() },
    env: {},
  });
});
afterAll(async () => {
  await host?.stop();
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

function screen(name: SessionView['screen']): Promise<void> {
  return new Promise((resolve) => {
    if (host.session.view().screen === name) resolve();
    const off = host.session.onView((view) => {
      if (view.screen === name) {
        off();
        resolve();
      }
    });
  });
}

it('"call staff" on the bills screen reaches the receiver with no personal data', async () => {
  const bills = screen('bills');
  expect(host.simulators!.scanner!.inject(patient.ec_qr!)).toBe('delivered');
  await bills;
  expect(await host.service.callStaff()).toEqual({ outcome: 'sent' });
  expect(received).toHaveLength(1);
  const body = JSON.parse(received[0]!) as Record<string, unknown>;
  expect(body).toMatchObject({ kind: 'staff-call', kioskId: 'LOBBY-09', screen: 'bills' });
  for (const personal of [patient.name, patient.psn_no, patient.certno, patient.ec_qr!])
    expect(received[0]).not.toContain(personal);
  expect(events).toContain('staff.call-acknowledged');
});

it('a staff badge at the scanner signs in to admin mode and never reaches the session', async () => {
  const notices: Notice[] = [];
  const off = host.session.onNotice((n) => notices.push(n));
  const before = host.session.view().screen;
  const login = host.service.adminBadgeLogin();
  expect(host.simulators!.scanner!.inject(badge.code)).toBe('delivered');
  expect(await login).toEqual({ ok: true, staffId: '2001', role: 'operator' });
  await expect(host.service.adminReconcile()).rejects.toThrow('needs a supervisor');
  off();
  expect(notices).toEqual([]);
  expect(host.session.view().screen).toBe(before);
});
