/**
 * The device check on the simulated devices the kiosk runs in simulator mode: each row names a
 * finding code and its values for the renderer to word in either language, with the English
 * detail beside it; the gateway row comes from the out-of-service watch's last probe.
 */
import { afterEach, expect, it } from 'vitest';
import { projectRoot } from '../face/face-engine.ts';
import { buildDevices, type KioskDevices } from '../hardware/device-factory.ts';
import { deviceChecks } from './admin-device-check.ts';

let devices: KioskDevices | undefined;
afterEach(async () => {
  for (const d of devices ? [devices.camera, devices.printer, devices.scanner] : [])
    await d.stop().catch(() => undefined);
  devices = undefined;
});

const clock = { now: () => new Date('2026-11-30T06:00:00Z') };

async function simulated(): Promise<KioskDevices> {
  devices = await buildDevices({}, { projectRoot });
  await devices.camera.start();
  await devices.printer.start();
  await devices.scanner.start();
  return devices;
}

it('words every row by a finding code, gateway included, and says since when the gateway fails', async () => {
  const d = await simulated();
  d.simulated.camera!.setScene({ kind: 'empty' });
  let gateway = {
    simulated: true,
    reachable: false as boolean | undefined,
    failingSince: new Date('2026-11-30T05:58:00Z') as Date | undefined,
  };
  const parts = {
    clock,
    timeZone: 'Asia/Shanghai',
    devices: d,
    face: () => ({
      engine: 'wasm x1',
      gallery: { persons: 7, templates: 14, source: 'gateway' as const },
    }),
    gateway: () => gateway,
  };
  const rows = await deviceChecks(parts, { testPrint: false });
  expect(rows.map((r) => [r.device, r.status, r.result, r.finding, r.values])).toEqual([
    [
      'camera',
      'ready',
      'pass',
      'camera-frame',
      expect.objectContaining({ width: expect.any(String) }),
    ],
    ['printer', 'ready', 'pass', 'printer-ready', {}],
    ['scanner', 'ready', 'pass', 'scanner-ready', {}],
    ['face', 'ready', 'pass', 'face-gallery', { persons: '7', templates: '14', source: 'gateway' }],
    ['gateway', 'unreachable', 'fail', 'gateway-unreachable', { since: '13:58' }],
  ]);
  expect(rows.at(-1)!.detail).toBe('unreachable since 13:58');

  gateway = { simulated: true, reachable: true, failingSince: undefined };
  d.simulated.scanner!.setUnplugged(true);
  const again = await deviceChecks(parts, { testPrint: true });
  expect(again.find((r) => r.device === 'printer')).toMatchObject({
    finding: 'test-page-printed',
    result: 'pass',
  });
  expect(again.find((r) => r.device === 'scanner')).toMatchObject({
    status: 'unplugged',
    result: 'fail',
    finding: 'not-ready',
    values: { status: 'unplugged' },
  });
  expect(again.find((r) => r.device === 'gateway')).toMatchObject({
    status: 'reachable',
    finding: 'gateway-reachable',
    kind: 'simulated',
  });
});
