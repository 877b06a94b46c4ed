import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DESCRIPTOR_LENGTH, FaceGallery } from './gallery.ts';
import {
  FileKeySource,
  GalleryStore,
  GalleryStoreError,
  KeyError,
  openGallery,
  SealedKeySource,
  sealGallery,
  type StringSealer,
} from './gallery-store.ts';

const posix = process.platform !== 'win32';

function sampleGallery(): FaceGallery {
  const g = new FaceGallery();
  for (let p = 0; p < 3; p++) {
    for (let t = 0; t < 2; t++) {
      g.add(
        ['张三-0001', 'person-b', 'c'][p]!,
        Float32Array.from(
          { length: DESCRIPTOR_LENGTH },
          (_, k) => Math.sin(p * 1000 + t * 100 + k) * 0.1,
        ),
      );
    }
  }
  return g;
}

const probe = Float32Array.from({ length: DESCRIPTOR_LENGTH }, (_, k) => Math.cos(k) * 0.1);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gallery-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('sealed gallery format', () => {
  const key = randomBytes(32);

  it('round-trips persons, templates and search results exactly', () => {
    const gallery = sampleGallery();
    const reopened = openGallery(sealGallery(gallery.exportRaw(), key), key);
    expect(reopened.exportRaw()).toEqual(gallery.exportRaw());
    expect(reopened.search(probe, 3)).toEqual(gallery.search(probe, 3));
  });

  it('round-trips an empty gallery', () => {
    const empty = openGallery(sealGallery(new FaceGallery().exportRaw(), key), key);
    expect(empty.size).toBe(0);
    expect(empty.persons).toBe(0);
  });

  it('holds no template or person id in the clear, and differs on every write (fresh IV)', () => {
    const gallery = sampleGallery();
    const a = sealGallery(gallery.exportRaw(), key);
    const b = sealGallery(gallery.exportRaw(), key);
    expect(a.equals(b)).toBe(false);
    expect(a.includes(Buffer.from('person-b'))).toBe(false);
    const template = Buffer.from(
      gallery.exportRaw().data.buffer,
      gallery.exportRaw().data.byteOffset,
      64,
    );
    expect(a.includes(template)).toBe(false);
  });

  it('detects tampering anywhere: header, IV, tag, ciphertext, truncation', () => {
    const sealed = sealGallery(sampleGallery().exportRaw(), key);
    for (const at of [5, 6, 16, 30, 40, sealed.length - 1]) {
      const bad = Buffer.from(sealed);
      bad[at]! ^= 0x01;
      expect(() => openGallery(bad, key), `byte ${at}`).toThrow(GalleryStoreError);
    }
    const flipped = Buffer.from(sealed);
    flipped[sealed.length - 10]! ^= 0x80;
    expect(() => openGallery(flipped, key)).toThrow(expect.objectContaining({ code: 'tampered' }));
    expect(() => openGallery(sealed.subarray(0, sealed.length - 4), key)).toThrow(
      expect.objectContaining({ code: 'tampered' }),
    );
  });

  it('tells a wrong key apart from tampering, and a foreign file from both', () => {
    const sealed = sealGallery(sampleGallery().exportRaw(), key);
    expect(() => openGallery(sealed, randomBytes(32))).toThrow(
      expect.objectContaining({ code: 'wrong-key' }),
    );
    expect(() => openGallery(Buffer.from('not a gallery at all, just text'), key)).toThrow(
      expect.objectContaining({ code: 'not-a-gallery' }),
    );
    const future = Buffer.from(sealed);
    future[4] = 2;
    expect(() => openGallery(future, key)).toThrow(
      expect.objectContaining({ code: 'unsupported-version' }),
    );
  });

  it('refuses keys that are not 32 bytes', () => {
    expect(() => sealGallery(sampleGallery().exportRaw(), randomBytes(16))).toThrow(KeyError);
  });
});

describe('GalleryStore with a key file', () => {
  it('creates a 0600 key on first use and reloads the gallery with it', async () => {
    const keyPath = join(dir, 'keys', 'gallery.key');
    const store = new GalleryStore(join(dir, 'data', 'gallery.kfg'), new FileKeySource(keyPath));
    await store.save(sampleGallery());
    if (posix) {
      expect((await stat(keyPath)).mode & 0o777).toBe(0o600);
      expect((await stat(store.path)).mode & 0o777).toBe(0o600);
    }
    expect((await readFile(keyPath, 'utf8')).trim()).toMatch(/^[0-9a-f]{64}$/);
    const again = new GalleryStore(store.path, new FileKeySource(keyPath));
    expect((await again.load()).search(probe, 2)).toEqual(sampleGallery().search(probe, 2));
  });

  it('loadOrEmpty: no file yet is an empty gallery; a damaged file is an error', async () => {
    const store = new GalleryStore(join(dir, 'g.kfg'), new FileKeySource(join(dir, 'k')));
    expect((await store.loadOrEmpty()).size).toBe(0);
    await writeFile(store.path, 'garbage');
    await expect(store.loadOrEmpty()).rejects.toMatchObject({ code: 'not-a-gallery' });
  });

  it('a gallery saved under one key does not open under another', async () => {
    const path = join(dir, 'g.kfg');
    await new GalleryStore(path, new FileKeySource(join(dir, 'k1'))).save(sampleGallery());
    await expect(
      new GalleryStore(path, new FileKeySource(join(dir, 'k2'))).load(),
    ).rejects.toMatchObject({
      code: 'wrong-key',
    });
  });

  it.runIf(posix)('refuses a key file that group or others can read', async () => {
    const keyPath = join(dir, 'k');
    await new FileKeySource(keyPath).getKey();
    for (const mode of [0o640, 0o604, 0o644]) {
      await chmod(keyPath, mode);
      await expect(new FileKeySource(keyPath).getKey()).rejects.toMatchObject({
        code: 'insecure-permissions',
      });
    }
    await chmod(keyPath, 0o600);
    expect((await new FileKeySource(keyPath).getKey()).length).toBe(32);
  });

  it('refuses a key file that is not a key, and a key path that is a directory', async () => {
    const keyPath = join(dir, 'k');
    await writeFile(keyPath, 'short\n', { mode: 0o600 });
    await expect(new FileKeySource(keyPath).getKey()).rejects.toMatchObject({ code: 'bad-key' });
    await expect(new FileKeySource(dir).getKey()).rejects.toMatchObject({ code: 'not-a-file' });
  });

  it('with create: false, a missing key is an error rather than a new key', async () => {
    await expect(
      new FileKeySource(join(dir, 'none'), { create: false }).getKey(),
    ).rejects.toMatchObject({
      code: 'ENOENT',
    });
  });

  it('two processes starting at once agree on one key', async () => {
    const keyPath = join(dir, 'k');
    const keys = await Promise.all(
      Array.from({ length: 5 }, () => new FileKeySource(keyPath).getKey()),
    );
    for (const k of keys) expect(k.equals(keys[0]!)).toBe(true);
  });
});

describe('SealedKeySource (the shape of Electron safeStorage)', () => {
  /** Stands in for the OS keychain: XOR with a machine secret, base64. */
  const machine = (secret: number, available = true): StringSealer => ({
    isEncryptionAvailable: () => available,
    encryptString: (s) => Buffer.from(Buffer.from(s).map((b) => b ^ secret)),
    decryptString: (b) => {
      const s = Buffer.from(b.map((x) => x ^ secret)).toString();
      if (!/^[0-9a-f]*$/.test(s)) throw new Error('cannot decrypt');
      return s;
    },
  });

  it('creates a sealed key once and returns the same key after', async () => {
    const path = join(dir, 'sealed.key');
    const a = await new SealedKeySource(path, machine(0x5a)).getKey();
    const b = await new SealedKeySource(path, machine(0x5a)).getKey();
    expect(a.equals(b)).toBe(true);
    expect((await readFile(path)).toString()).not.toContain(a.toString('hex'));
  });

  it('is useless on another machine, and refuses to work without secret storage', async () => {
    const path = join(dir, 'sealed.key');
    await new SealedKeySource(path, machine(0x5a)).getKey();
    await expect(new SealedKeySource(path, machine(0x33)).getKey()).rejects.toMatchObject({
      code: 'bad-key',
    });
    await expect(
      new SealedKeySource(join(dir, 'x'), machine(1, false)).getKey(),
    ).rejects.toBeInstanceOf(KeyError);
  });
});
