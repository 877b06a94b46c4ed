import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from './config.ts';

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
