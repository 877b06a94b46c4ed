import { describe, expect, it } from 'vitest';
import { ConfigError, adminPinOf, parseConfig } from './config.ts';

/** A complete production configuration: the hospital's gateway, a PIN, real devices. */
const production = {
  mode: 'production',
  gateway: { url: 'https://gw.example' },
  adminPin: '90817263',
  camera: { kind: 'renderer' },
  printer: { kind: 'tcp', host: '10.0.0.9', port: 9100 },
  scanner: { kind: 'serial', path: '/dev/ttyACM0' },
};

describe('kiosk configuration', () => {
  it('fills a simulator kiosk from an empty file', () => {
    const c = parseConfig({});
    expect(c.mode).toBe('simulator');
    expect(c.hospital.fixmedinsCode).toHaveLength(12);
    expect(c.face.threshold).toBeGreaterThan(0);
  });

  it('refuses production without a gateway url, naming the field', () => {
    expect(() => parseConfig({ mode: 'production' })).toThrow(/gateway\.url/);
  });

  it('production needs its own admin PIN; only the simulator has a default', () => {
    expect(() =>
      parseConfig({ mode: 'production', gateway: { url: 'https://gw.example' } }),
    ).toThrow(/adminPin/);
    expect(adminPinOf(parseConfig({}))).toBe('246810');
    const prod = parseConfig(production);
    expect(adminPinOf(prod)).toBe('90817263');
  });

  it('the liveness challenge is on by default in production, off in simulator mode, as set otherwise', () => {
    expect(parseConfig(production).face.liveness).toBe(true);
    expect(parseConfig({}).face.liveness).toBe(false);
    expect(parseConfig({ face: { liveness: true } }).face.liveness).toBe(true);
    expect(parseConfig({ ...production, face: { liveness: false } }).face.liveness).toBe(false);
  });

  it('production refuses any simulated device, naming it', () => {
    expect(() => parseConfig(production)).not.toThrow();
    for (const device of ['camera', 'printer', 'scanner'])
      expect(() => parseConfig({ ...production, [device]: { kind: 'simulated' } })).toThrow(
        new RegExp(`${device}\\.kind: production mode needs a real ${device}`),
      );
  });

  it('names each bad field', () => {
    try {
      parseConfig({ kioskId: 'bad id!', face: { threshold: -1 } });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(/kioskId/);
      expect((error as Error).message).toMatch(/face\.threshold/);
    }
  });
});
