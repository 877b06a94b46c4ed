import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../core/config.ts';
import { DEFAULT_DECISION_POLICY } from '../face/calibration.ts';
import { configErrorLine, facePolicyOf, loadConfigFile } from './config-file.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'kiosk-config-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const calibration = {
  policy: {
    acceptThreshold: 0.37,
    margin: 0.07,
    secondFactorThreshold: 0.52,
    maxCandidates: 4,
    maxGalleryForFaceAlone: null,
    framesToAgree: 2,
  },
  calibratedOn: {
    date: '2026-11-30',
    people: 180,
    photos: 900,
    targetFpir: 1e-3,
    gallerySize: 5000,
  },
  evidence: { impostor_comparisons: 400_000 },
};

function write(name: string, value: unknown): string {
  const path = join(dir, name);
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value));
  return path;
}

describe('configuration file and face policy', () => {
  it('no file is a simulator kiosk on the shipped policy', () => {
    const config = loadConfigFile(undefined);
    expect(config.mode).toBe('simulator');
    expect(facePolicyOf(config)).toEqual({ policy: DEFAULT_DECISION_POLICY, source: 'shipped' });
  });

  it("reads the calibrate command's file, named relative to the configuration", () => {
    write('face-policy.json', calibration);
    const config = loadConfigFile(
      write('kiosk.json', { face: { policyFile: 'face-policy.json' } }),
    );
    expect(config.face.policyFile).toBe(join(dir, 'face-policy.json'));
    const inForce = facePolicyOf(config);
    expect(inForce.source).toBe('file');
    expect(inForce.policy).toMatchObject({
      acceptThreshold: 0.37,
      maxGalleryForFaceAlone: Infinity,
    });
    expect(inForce.calibratedOn).toMatchObject({ people: 180, gallerySize: 5000 });
  });

  it('a missing, broken or wrong policy file stops the kiosk naming face.policyFile', () => {
    const named = (policyFile: string) =>
      facePolicyOf(loadConfigFile(write('kiosk.json', { face: { policyFile } })));
    expect(() => named('absent.json')).toThrow(/face\.policyFile: cannot read/);
    write('broken.json', '{"policy": ');
    expect(() => named('broken.json')).toThrow(/face\.policyFile: .* is not valid JSON/);
    write('loose.json', {
      ...calibration,
      policy: { ...calibration.policy, secondFactorThreshold: 0.2 },
    });
    expect(() => named('loose.json')).toThrow(ConfigError);
    write('bare.json', { policy: calibration.policy });
    expect(() => named('bare.json')).toThrow(/calibratedOn/);
  });

  it('an empty or blank file is a simulator kiosk, as no file is', () => {
    for (const text of ['', '  \n\t\n']) {
      const config = loadConfigFile(write('kiosk.json', text));
      expect(config).toEqual(loadConfigFile(undefined));
      expect(config.mode).toBe('simulator');
    }
  });

  it('a configuration that is not JSON is one plain line naming the file, line and column', () => {
    const path = write('kiosk.json', '{\n  "mode": "simulator",\n  kioskId: 1\n}\n');
    let error: unknown;
    try {
      loadConfigFile(path);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect(configErrorLine(error, path)).toBe(
      `kiosk: configuration error in ${path}: the file is not valid JSON at line 3, column 3`,
    );
    expect(() => loadConfigFile(write('cut.json', '{"mode": '))).toThrow(/not valid JSON/);
    expect(() => loadConfigFile(join(dir, 'absent.json'))).toThrow(
      /^cannot read the file \(ENOENT\)$/,
    );
  });

  it('a field of the wrong type is one line naming the field and the file', () => {
    const path = write('kiosk.json', { gateway: { url: 5 } });
    expect(lineOf(path)).toBe(
      `kiosk: configuration error in ${path}: gateway.url: expected string, received number`,
    );
  });

  it('a TCP printer with no host is refused at load, naming printer.host', () => {
    const path = write('kiosk.json', { printer: { kind: 'tcp', port: 9100 } });
    expect(lineOf(path)).toBe(
      `kiosk: configuration error in ${path}: printer.host: expected string, received undefined`,
    );
    expect(lineOf(write('usb.json', { printer: { kind: 'tcp', host: '' } }))).toMatch(
      /: printer\.host: Too small/,
    );
  });

  it('errors that are not about the configuration are not turned into one', () => {
    expect(configErrorLine(new Error('disk full'), 'kiosk.json')).toBeUndefined();
  });
});

function lineOf(path: string): string | undefined {
  try {
    loadConfigFile(path);
  } catch (error) {
    return configErrorLine(error, path);
  }
  return 'loaded without an error';
}
