import { describe, expect, it } from 'vitest';
import { DeviceError, DeviceStateError } from '../device.ts';
import { record } from '../testing/events.ts';
import { ManualClock } from '../testing/manual-clock.ts';
import { SimulatedQrScanner } from './simulated-qr-scanner.ts';

describe('SimulatedQrScanner', () => {
  it('delivers injected codes only while enabled', async () => {
    const scanner = new SimulatedQrScanner();
    const events = record(scanner);
    expect(scanner.inject('EARLY')).toBe('not-enabled');
    await scanner.open();
    await scanner.claim();
    expect(scanner.inject('CLAIMED')).toBe('not-enabled');
    await scanner.enable();
    expect(scanner.inject('NOW')).toBe('delivered');
    await scanner.disable();
    expect(scanner.inject('LATER')).toBe('not-enabled');
    expect(events.data).toEqual(['NOW']);
    expect(events.statuses).toEqual(['ready']);
  });

  it('keeps the lifecycle contract', async () => {
    const scanner = new SimulatedQrScanner();
    await expect(scanner.enable()).rejects.toThrow(DeviceStateError);
    await scanner.start();
    await expect(scanner.open()).rejects.toThrow(DeviceStateError);
    await scanner.stop();
    expect(scanner.state).toBe('closed');
    expect(scanner.status.kind).toBe('offline');
  });

  it('rejects what the real scanner rejects, with the same error codes', async () => {
    const scanner = new SimulatedQrScanner({ maxLength: 16 });
    const events = record(scanner);
    await scanner.start();
    expect(scanner.inject('A\u0000B')).toBe('rejected');
    expect(scanner.inject('X'.repeat(17))).toBe('rejected');
    expect(scanner.inject('X'.repeat(16))).toBe('delivered');
    expect(events.errors.map((e) => e.code)).toEqual(['non-printable', 'too-long']);
    expect(events.data).toEqual(['X'.repeat(16)]);
  });

  it('applies the duplicate window', async () => {
    const clock = new ManualClock();
    const scanner = new SimulatedQrScanner({ clock, duplicateWindowMs: 1500 });
    await scanner.start();
    expect(scanner.inject('SAME')).toBe('delivered');
    clock.advance(1000);
    expect(scanner.inject('SAME')).toBe('duplicate');
    clock.advance(1501);
    expect(scanner.inject('SAME')).toBe('delivered');
  });

  it('unplugs and replugs like the real one', async () => {
    const scanner = new SimulatedQrScanner();
    const events = record(scanner);
    await scanner.start();
    scanner.setUnplugged(true);
    expect(scanner.inject('LOST')).toBe('unplugged');
    scanner.setUnplugged(false);
    expect(scanner.inject('BACK')).toBe('delivered');
    expect(events.statuses).toEqual(['ready', 'unplugged', 'ready']);
    expect(events.errors.map((e) => e.code)).toEqual(['unplugged']);
    expect(events.data).toEqual(['BACK']);
  });

  it('fails to open while unplugged', async () => {
    const scanner = new SimulatedQrScanner();
    scanner.setUnplugged(true);
    await expect(scanner.open()).rejects.toThrow(DeviceError);
    expect(scanner.status.kind).toBe('unplugged');
    expect(scanner.state).toBe('closed');
  });
});
