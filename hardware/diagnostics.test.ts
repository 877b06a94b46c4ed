import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DeviceConfigError } from './device-config.ts';
import { parseDevicesConfig } from './devices-config.ts';
import { formatTable, runDiagnostics, testPage } from './diagnostics.ts';
import { UnpluggableMockBinding } from './testing/mock-serial.ts';
import { NetworkPrinter } from './testing/network-printer.ts';

const projectRoot = resolve(import.meta.dirname, '..');

describe('device diagnostics', () => {
  it('with no configuration, checks the simulated devices and all pass', async () => {
    const rows = await runDiagnostics(parseDevicesConfig(undefined), { projectRoot });
    expect(rows.map((r) => [r.device, r.kind, r.status, r.result])).toEqual([
      ['scanner', 'simulated', 'ready', 'pass'],
      ['printer', 'simulated', 'ready', 'pass'],
      ['camera', 'simulated', 'ready', 'pass'],
    ]);
    expect(rows[1]!.detail).toMatch(/^test page printed \(\d+ bytes\)$/);
    expect(rows[2]!.detail).toMatch(/^frame 640x480 \(\w+\/\d\.png\)$/);
  });

  it('takes a kiosk configuration file as it is', () => {
    const config = parseDevicesConfig({
      mode: 'simulator',
      kioskId: 'KIOSK-01',
      camera: { kind: 'simulated' },
      printer: { kind: 'simulated' },
    });
    expect(config.scanner).toEqual({ kind: 'simulated' });
  });

  it('checks a network printer: a test page when ready, a failure on paper-out', async () => {
    const server = await NetworkPrinter.start();
    try {
      const config = parseDevicesConfig({
        printer: { kind: 'tcp', host: '127.0.0.1', port: server.port },
      });
      let [, printer] = await runDiagnostics(config, { projectRoot });
      expect(printer).toMatchObject({ kind: 'tcp', status: 'ready', result: 'pass' });
      expect(Buffer.from(server.peer.bytes).toString('latin1')).toContain(
        'Kiosk printer self-test',
      );

      server.peer.flags.paperOut = true;
      [, printer] = await runDiagnostics(config, { projectRoot });
      expect(printer).toMatchObject({
        status: 'paper-out',
        result: 'fail',
        detail: 'status is paper-out',
      });
    } finally {
      await server.stop();
    }
  });

  it('skips the test page when asked, to save paper', async () => {
    const [, printer] = await runDiagnostics(parseDevicesConfig({}), { projectRoot, print: false });
    expect(printer).toMatchObject({ result: 'pass', detail: 'status read; test page skipped' });
  });

  it('checks a serial scanner: pass when the port opens, fail (unplugged) when it does not', async () => {
    const binding = new UnpluggableMockBinding();
    binding.createPort('/dev/ttyACM0');
    const serialBinding = async () => binding;
    const present = parseDevicesConfig({ scanner: { kind: 'serial', path: '/dev/ttyACM0' } });
    const [ok] = await runDiagnostics(present, { projectRoot, serialBinding });
    expect(ok).toMatchObject({ kind: 'serial', status: 'ready', result: 'pass' });
    expect(ok!.detail).toContain('/dev/ttyACM0');

    const absent = parseDevicesConfig({ scanner: { kind: 'serial', path: '/dev/ttyACM9' } });
    const [bad] = await runDiagnostics(absent, { projectRoot, serialBinding });
    expect(bad).toMatchObject({ status: 'unplugged', result: 'fail' });
    expect(bad!.detail).toContain('could not open /dev/ttyACM9');
  });

  it('fails the camera when its fixtures are missing, and still checks the rest', async () => {
    const config = parseDevicesConfig({
      camera: { kind: 'simulated', fixturesDir: 'no/such/dir' },
    });
    const rows = await runDiagnostics(config, { projectRoot });
    expect(rows.map((r) => r.result)).toEqual(['pass', 'pass', 'fail']);
    expect(rows[2]!.detail).toContain('camera fixtures not found');
  });

  it('refuses a bad configuration with a DeviceConfigError naming the field', () => {
    expect(() => parseDevicesConfig({ printer: { kind: 'usb' } })).toThrow(DeviceConfigError);
    expect(() =>
      parseDevicesConfig({ scanner: { kind: 'serial', path: '/dev/x', baudRate: 'fast' } }),
    ).toThrow('scanner.baudRate');
  });

  it('prints an aligned table', () => {
    const table = formatTable([
      { device: 'scanner', kind: 'serial', status: 'unplugged', result: 'fail', detail: 'gone' },
      { device: 'printer', kind: 'tcp', status: 'ready', result: 'pass', detail: 'ok' },
    ]);
    expect(table.split('\n')).toEqual([
      'device   kind    status     result  detail',
      '-------  ------  ---------  ------  ------',
      'scanner  serial  unplugged  FAIL    gone',
      'printer  tcp     ready      PASS    ok',
    ]);
  });

  it('makes a test page that ends with a cut', () => {
    const page = testPage(new Date('2026-01-01T00:00:00Z'));
    expect(Buffer.from(page).toString('latin1')).toContain('2026-01-01T00:00:00.000Z');
    expect([...page.subarray(-4)]).toEqual([0x1d, 0x56, 0x41, 0x03]);
  });
});
