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
  face: { policyFile: 'face-policy.json' },
};

describe('kiosk configuration', () => {
  it('fills a simulator kiosk from an empty file', () => {
    const c = parseConfig({});
    expect(c.mode).toBe('simulator');
    expect(c.hospital.fixmedinsCode).toHaveLength(12);
    expect(c.face.policy).toBeUndefined(); // the shipped policy
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
    expect(parseConfig({ face: { liveness: false } }).face.liveness).toBe(false);
  });

  it('a misspelt mode is refused by name: production is only ever chosen explicitly', () => {
    for (const mode of ['prodution', 'Production', 'live', ''])
      expect(() => parseConfig({ ...production, mode })).toThrow(/^.*: mode: /);
    expect(parseConfig({ ...production, mode: undefined }).mode).toBe('simulator');
  });

  it("production refuses the simulator's PIN and trivially weak ones, naming adminPin", () => {
    for (const adminPin of ['246810', '000000', '99999999', '123456', '654321', '890123'])
      expect(() => parseConfig({ ...production, adminPin })).toThrow(
        /adminPin: production mode refuses a weak adminPin/,
      );
    // The simulator keeps its published PIN; it guards nothing real.
    expect(adminPinOf(parseConfig({ adminPin: '246810' }))).toBe('246810');
  });

  it('production refuses liveness off, naming face.liveness', () => {
    const noLiveness = { ...production, face: { ...production.face, liveness: false } };
    expect(() => parseConfig(noLiveness)).toThrow(/face\.liveness: production mode refuses/);
  });

  it('production refuses passive liveness off, naming face.passiveThreshold', () => {
    const noPassive = { ...production, face: { ...production.face, passiveThreshold: 0 } };
    expect(() => parseConfig(noPassive)).toThrow(/face\.passiveThreshold: production mode refuses/);
    const low = { ...production, face: { ...production.face, passiveThreshold: 0.1 } };
    expect(parseConfig(low).face.passiveThreshold).toBe(0.1);
  });

  it('production takes the gateway secret from the environment only, naming gateway.secret', () => {
    const inFile = { ...production, gateway: { ...production.gateway, secret: 'x'.repeat(32) } };
    expect(() => parseConfig(inFile)).toThrow(
      /gateway\.secret: production mode takes the gateway secret from GATEWAY_SECRET only/,
    );
    expect(parseConfig({ gateway: { secret: 'x'.repeat(32) } }).gateway.secret).toHaveLength(32);
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
      parseConfig({ kioskId: 'bad id!', face: { timeoutMs: -1 } });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(/kioskId/);
      expect((error as Error).message).toMatch(/face\.timeoutMs/);
    }
  });

  it('production needs a calibrated face policy, or says it runs the shipped one', () => {
    const { face: _face, ...withoutPolicy } = production;
    expect(() => parseConfig(withoutPolicy)).toThrow(
      /face\.policy: production mode needs a face policy calibrated/,
    );
    const policy = {
      acceptThreshold: 0.38,
      margin: 0.06,
      secondFactorThreshold: 0.55,
      maxCandidates: 5,
      maxGalleryForFaceAlone: 2000,
      framesToAgree: 2,
    };
    // A policy written inline without its provenance is not a calibrated one.
    expect(() => parseConfig({ ...withoutPolicy, face: { policy } })).toThrow(/face\.policy/);
    const calibratedOn = {
      date: '2026-11-30',
      people: 180,
      photos: 900,
      targetFpir: 1e-3,
      gallerySize: 2000,
    };
    expect(parseConfig({ ...withoutPolicy, face: { policy, calibratedOn } }).face.policy).toEqual(
      policy,
    );
    expect(parseConfig({ ...withoutPolicy, face: { useShippedPolicy: true } }).face.policy).toBe(
      undefined,
    );
    // No limit on the gallery is written null in a file (JSON has no Infinity).
    const unlimited = { ...policy, maxGalleryForFaceAlone: null };
    expect(parseConfig({ face: { policy: unlimited } }).face.policy?.maxGalleryForFaceAlone).toBe(
      Infinity,
    );
    expect(() =>
      parseConfig({ face: { policy: { ...policy, secondFactorThreshold: 0.3 } } }),
    ).toThrow(/looser/);
  });

  it('an old threshold is refused by name, not silently dropped', () => {
    expect(() => parseConfig({ face: { threshold: 0.59 } })).toThrow(
      /face\.threshold: replaced by face\.policy/,
    );
  });

  it('production talks to its gateway over https only', () => {
    expect(() => parseConfig({ ...production, gateway: { url: 'http://gw.example' } })).toThrow(
      /gateway\.url: production mode needs an https:\/\/ gateway\.url/,
    );
    const pinned = { url: 'https://gw.example', tls: { pinnedKeys: ['A'.repeat(43) + '='] } };
    expect(parseConfig({ ...production, gateway: pinned }).gateway.tls?.pinnedKeys).toHaveLength(1);
    expect(() =>
      parseConfig({ ...production, gateway: { ...pinned, tls: { pinnedKeys: ['short'] } } }),
    ).toThrow(/gateway\.tls\.pinnedKeys/);
  });

  it('metrics are off by default, on loopback when a port is set, elsewhere only by address', () => {
    expect(parseConfig({}).metrics).toEqual({ host: '127.0.0.1' });
    expect(parseConfig({ metrics: { port: 9464 } }).metrics).toEqual({
      port: 9464,
      host: '127.0.0.1',
    });
    expect(parseConfig({ metrics: { port: 9464, host: '10.0.0.7' } }).metrics.host).toBe(
      '10.0.0.7',
    );
    expect(() => parseConfig({ metrics: { port: 70000 } })).toThrow(/metrics\.port/);
    expect(() => parseConfig({ metrics: { port: 9464, host: 'monitor.example' } })).toThrow(
      /metrics\.host/,
    );
    expect(() => parseConfig({ metrics: { port: 9464, path: '/x' } })).toThrow(/metrics/);
  });

  it('receipts are kept 180 days unless set, never under 30, the field named when wrong', () => {
    expect(parseConfig({}).retention).toEqual({ days: 180 });
    expect(parseConfig({ retention: { days: 30 } }).retention.days).toBe(30);
    expect(parseConfig({ ...production, retention: { days: 365 } }).retention.days).toBe(365);
    for (const days of [0, 29, 1.5, 3651, '180'])
      expect(() => parseConfig({ retention: { days } })).toThrow(/retention\.days/);
    expect(() => parseConfig({ retention: { day: 90 } })).toThrow(/retention/);
  });

  it('face workers: one per core unless set, 1 to 4', () => {
    expect(parseConfig({}).face.workers).toBeUndefined();
    expect(parseConfig({ face: { workers: 1 } }).face.workers).toBe(1);
    for (const workers of [0, 5, 1.5])
      expect(() => parseConfig({ face: { workers } })).toThrow(/face\.workers/);
  });

  it('a log file is optional, rotated at 10 MiB with 5 kept unless set, bounds named', () => {
    expect(parseConfig({}).log).toEqual({ maxBytes: 10 * 1024 * 1024, keep: 5 });
    expect(parseConfig({ log: { file: '/var/log/kiosk.log', keep: 2 } }).log).toMatchObject({
      file: '/var/log/kiosk.log',
      keep: 2,
    });
    expect(() => parseConfig({ log: { maxBytes: 10 } })).toThrow(/log\.maxBytes/);
    expect(() => parseConfig({ log: { rotate: true } })).toThrow(/log/);
  });

  it('the envelope device fields are optional, bounded, and named when wrong', () => {
    expect(parseConfig({}).gateway.device).toEqual({});
    const device = { devNo: 'LOBBY-7', devSafeInfo: 'tpm:ok', signtype: 'SM2', cainfo: 'c2ln' };
    expect(parseConfig({ gateway: { device } }).gateway.device).toEqual(device);
    expect(() => parseConfig({ gateway: { device: { devNo: 'has space' } } })).toThrow(
      /gateway\.device\.devNo/,
    );
    expect(() => parseConfig({ gateway: { device: { signtype: 'X'.repeat(11) } } })).toThrow(
      /gateway\.device\.signtype/,
    );
    expect(() => parseConfig({ gateway: { device: { cainfo: 'x'.repeat(1025) } } })).toThrow(
      /gateway\.device\.cainfo/,
    );
    expect(() => parseConfig({ gateway: { device: { mac: 'aa:bb' } } })).toThrow(/gateway\.device/);
  });

  it('staff accounts: hashed PIN or badge, unique ids, a role, each fault named', () => {
    const hash = `scrypt$16384$8$1$${'A'.repeat(22)}==$${'B'.repeat(43)}=`;
    expect(parseConfig({}).staff).toEqual([]);
    const staff = [
      { id: '1001', role: 'operator', pinHash: hash },
      { id: '1002', role: 'supervisor', badgeHash: hash },
    ];
    expect(parseConfig({ ...production, staff }).staff).toEqual(staff);
    // A PIN in clear is not a hash.
    expect(() =>
      parseConfig({ staff: [{ id: '1001', role: 'operator', pinHash: '480263' }] }),
    ).toThrow(/staff\.0\.pinHash: not a hash/);
    expect(() => parseConfig({ staff: [{ id: '1001', role: 'operator' }] })).toThrow(
      /staff\.0: a staff member needs a pinHash or a badgeHash/,
    );
    expect(() => parseConfig({ staff: [{ id: '1001', role: 'admin', pinHash: hash }] })).toThrow(
      /staff\.0\.role/,
    );
    expect(() => parseConfig({ staff: [{ id: 'N-1', role: 'operator', pinHash: hash }] })).toThrow(
      /staff\.0\.id/,
    );
    expect(() => parseConfig({ staff: [staff[0], { ...staff[1], id: '1001' }] })).toThrow(
      /staff: staff ids must be unique/,
    );
    expect(() =>
      parseConfig({ staff: [{ id: '1001', role: 'operator', pinHash: hash, pin: '480263' }] }),
    ).toThrow(/staff\.0/);
  });

  it('the staff-call webhook: off unless set, bounded, https and no secret in the file in production', () => {
    expect(parseConfig({}).staffCall.webhook).toBeUndefined();
    expect(
      parseConfig({ staffCall: { webhook: { url: 'http://127.0.0.1:9/call' } } }).staffCall,
    ).toEqual({
      webhook: { url: 'http://127.0.0.1:9/call', timeoutMs: 5000, maxAttempts: 8, backoffMs: 1000 },
    });
    expect(() =>
      parseConfig({ ...production, staffCall: { webhook: { url: 'http://nurse.example/call' } } }),
    ).toThrow(/staffCall\.webhook\.url: production mode needs an https/);
    const https = { url: 'https://nurse.example/call' };
    expect(
      parseConfig({ ...production, staffCall: { webhook: https } }).staffCall.webhook?.url,
    ).toBe(https.url);
    expect(() =>
      parseConfig({
        ...production,
        staffCall: { webhook: { ...https, secret: 'a-secret-of-24-characters' } },
      }),
    ).toThrow(
      /staffCall\.webhook\.secret: production mode takes the staff-call secret from STAFF_CALL_SECRET/,
    );
    for (const bad of [
      { maxAttempts: 0 },
      { maxAttempts: 31 },
      { timeoutMs: 100 },
      { secret: 'short' },
    ])
      expect(() => parseConfig({ staffCall: { webhook: { ...https, ...bad } } })).toThrow(
        /staffCall\.webhook\./,
      );
    expect(() => parseConfig({ staffCall: { webhook: { url: 'not a url' } } })).toThrow(
      /staffCall\.webhook\.url/,
    );
  });
});
